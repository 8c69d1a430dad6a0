// Simulation: the clock, the pending events and the loop that runs them.
//
// There is no global state: a model holds a Simulation by reference, so several simulations can
// run in one process and on several threads at once (replications in parallel).
#pragma once

#include "engine/event_handler.hpp"
#include "engine/event_queue.hpp"
#include "engine/observer.hpp"
#include "engine/sim_time.hpp"

#include <cstdint>
#include <vector>

namespace lbsim::engine {

class Simulation {
public:
  // Handlers are numbered in registration order; the number (not the address) identifies them in
  // events and fingerprints, so a model built the same way runs the same way.
  HandlerId add_handler(EventHandler& handler);
  void add_observer(SimObserver& observer);

  SimTime now() const { return now_; }
  uint64_t events_processed() const { return events_processed_; }
  size_t pending_events() const { return queue_.size(); }

  // Scheduling in the past is a model bug and throws std::logic_error.
  EventHandle schedule_at(SimTime time, HandlerId handler, uint32_t kind = 0, uint64_t arg = 0, int priority = 0)
  {
    if (time < now_ || handler >= handlers_.size()) throw_bad_schedule(time, handler);
    return queue_.push(time, priority, handler, kind, arg);
  }
  EventHandle schedule_in(SimTime delay, HandlerId handler, uint32_t kind = 0, uint64_t arg = 0,
                          int priority = 0)
  {
    return schedule_at(now_ + delay, handler, kind, arg, priority);
  }
  bool cancel(EventHandle handle) { return queue_.cancel(handle); }

  // Runs every event with time <= until, unless stop() is called first; the clock then reads
  // `until` (or the stop time). Returns true if it reached `until`, false if stopped.
  bool run_until(SimTime until);
  // Runs until no events remain or stop() is called.
  void run() { run_until(SimTime::max()); }
  // Ends the current run_until after the event being handled.
  void stop() { stop_requested_ = true; }
  bool stopped() const { return stop_requested_; }

private:
  [[noreturn]] void throw_bad_schedule(SimTime time, HandlerId handler) const;

  std::vector<EventHandler*> handlers_;
  std::vector<SimObserver*> observers_;
  EventQueue queue_;
  SimTime now_;
  uint64_t events_processed_ = 0;
  bool stop_requested_ = false;
};

}  // namespace lbsim::engine
