// WorkerPool: `workers` event-loop threads (nginx worker processes, HAProxy nbthread, a gateway's
// workers) serving CPU tasks FIFO from one shared run queue: an M/G/c station. A balancer's front
// end spends its `processing` here; a gateway also spends its auth checks, cache hits, merges and
// preflight answers here, so they queue behind each other as they do on the real threads.
//
// The pool schedules its completions on its owner's handler (event kind `event_kind`, argument
// request | token << 32) and the owner hands them back through finished(), so the pool adds no
// handler of its own to a run. A task's duration is drawn when a worker starts it, not when it
// is queued, so the random stream is read in the order the work is done.
#pragma once

#include "engine/distributions.hpp"
#include "engine/rng.hpp"
#include "engine/simulation.hpp"
#include "engine/time_weighted_count.hpp"
#include "models/requests/request.hpp"
#include "models/services/fifo_queue.hpp"

#include <cstdint>

namespace lbsim::models {

class WorkerPool {
public:
  struct Task {
    RequestId request = kNoRequest;
    uint32_t token = 0;                          // the owner's: what to do when it is done
    const engine::Distribution* draw = nullptr;  // drawn when a worker starts it; null: `duration`
    SimTime duration;
  };

  WorkerPool(engine::Simulation& sim, engine::HandlerId owner, uint32_t event_kind, int workers,
             engine::RngStream& rng)
      : sim_(sim), owner_(owner), kind_(event_kind), workers_(static_cast<uint32_t>(workers)), rng_(rng),
        busy_time_(sim.now()), run_queue_time_(sim.now())
  {
  }

  void submit(const Task& task)
  {
    // A worker is idle only when nobody waits, except between finished() and next(): then the
    // request that worker just served may go on with it, as a request's filters run back to back
    // on nginx's, Kong's or Envoy's threads (reference case V14).
    if (busy_ < workers_ && (run_queue_.empty() || task.request == continuing_)) {
      start(task);
      return;
    }
    run_queue_.push_back(task);
    run_queue_time_.set(sim_.now(), static_cast<int64_t>(run_queue_.size()));
  }

  // The owner's handler got one of this pool's events: the worker is free, and the finished
  // task's (request, token) is returned for the owner to go on with. Work the owner submits for
  // that request before calling next() runs at once on this worker; next() then gives any worker
  // still idle the next task of the run queue.
  Task finished(const engine::Event& event)
  {
    --busy_;
    const auto request = static_cast<RequestId>(event.arg & 0xffffffffu);
    continuing_ = request;
    return Task{request, static_cast<uint32_t>(event.arg >> 32), nullptr, {}};
  }
  void next()
  {
    continuing_ = kNoRequest;
    if (busy_ < workers_ && !run_queue_.empty()) {
      const Task task = run_queue_.pop_front();
      run_queue_time_.set(sim_.now(), static_cast<int64_t>(run_queue_.size()));
      start(task);
    } else {
      busy_time_.set(sim_.now(), busy_);
    }
  }

  uint32_t kind() const { return kind_; }
  uint32_t workers() const { return workers_; }
  void reset_measurement(SimTime now)
  {
    busy_time_.reset(now);
    run_queue_time_.reset(now);
    busy_seconds_ = 0;
  }
  double utilization(SimTime now) const { return busy_time_.average(now) / workers_; }
  double mean_run_queue(SimTime now) const { return run_queue_time_.average(now); }
  // CPU time of the tasks started since the last reset (the gateway splits it by purpose).
  double busy_seconds() const { return busy_seconds_; }

private:
  void start(const Task& task)
  {
    ++busy_;
    busy_time_.set(sim_.now(), busy_);
    const SimTime duration = task.draw ? SimTime::from_seconds(task.draw->sample(rng_)) : task.duration;
    busy_seconds_ += duration.seconds();
    sim_.schedule_in(duration, owner_, kind_, static_cast<uint64_t>(task.request) | (uint64_t{task.token} << 32));
  }

  engine::Simulation& sim_;
  engine::HandlerId owner_;
  uint32_t kind_;
  uint32_t workers_;
  engine::RngStream& rng_;
  uint32_t busy_ = 0;
  RequestId continuing_ = kNoRequest;  // between finished() and next(): the request just served
  FifoQueue<Task> run_queue_;
  engine::TimeWeightedCount busy_time_, run_queue_time_;
  double busy_seconds_ = 0;
};

}  // namespace lbsim::models
