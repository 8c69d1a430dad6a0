#include "engine/simulation.hpp"

#include <stdexcept>
#include <string>

namespace lbsim::engine {

HandlerId Simulation::add_handler(EventHandler& handler)
{
  handlers_.push_back(&handler);
  return static_cast<HandlerId>(handlers_.size() - 1);
}

void Simulation::add_observer(SimObserver& observer) { observers_.push_back(&observer); }

void Simulation::throw_bad_schedule(SimTime time, HandlerId handler) const
{
  if (handler >= handlers_.size()) throw std::logic_error("event for an unregistered handler");
  throw std::logic_error("event scheduled in the past (" + std::to_string(time.ns()) + " ns < now " +
                         std::to_string(now_.ns()) + " ns)");
}

bool Simulation::run_until(SimTime until)
{
  stop_requested_ = false;
  while (!stop_requested_ && queue_.drop_cancelled_top()) {
    if (queue_.top().time > until) break;
    const Event event = queue_.take_top();
    now_ = event.time;
    ++events_processed_;
    for (SimObserver* observer : observers_) observer->on_event(event);
    handlers_[event.handler()]->handle(event);
  }
  const bool reached = !stop_requested_;
  if (reached && until != SimTime::max() && until > now_) now_ = until;
  for (SimObserver* observer : observers_) observer->on_run_end(now_);
  return reached;
}

}  // namespace lbsim::engine
