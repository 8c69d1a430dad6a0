// BalancerFrontend: the balancer as a queueing station of its own (docs/model.md, "The balancer
// as a bottleneck").
//
// Admission (HAProxy's frontend `maxconn` and listen `backlog`): at most `max_connections`
// requests are in progress in the balancer at once, from admission until the response has passed
// back through it (or the request was refused downstream). A request arriving beyond that waits
// in the backlog, FIFO, and is admitted when one in progress leaves; when `backlog` requests are
// already waiting it is refused with a 503. HAProxy's backlog defaults to maxconn, and so does
// ours; `backlog: 0` refuses at once, as nginx does when its worker_connections are used up.
//
// Processing: an admitted request needs `processing` time of one of `workers` event-loop threads
// (nginx worker processes, HAProxy nbthread), served FIFO from one shared run queue: an M/G/c
// station. Layer 4 spends it once per new connection; requests on an open connection need none.
//
// The front end schedules events only when processing takes time; with only a connection limit it
// works synchronously. It is built only when the balancer has one of the two (BalancerConfig::
// has_frontend), so scenarios without them run exactly as before.
#pragma once

#include "engine/event_handler.hpp"
#include "engine/rng.hpp"
#include "engine/simulation.hpp"
#include "engine/time_weighted_count.hpp"
#include "models/services/fifo_queue.hpp"
#include "models/requests/request.hpp"
#include "models/requests/worker_pool.hpp"
#include "models/system_config.hpp"

namespace lbsim::models {

class FrontendListener {
public:
  virtual ~FrontendListener() = default;
  // The request passed the front end (admitted and processed): pick its server now.
  virtual void on_frontend_admitted(RequestId id) = 0;
  // The request was refused by the balancer itself (max_connections and backlog full): a 503.
  virtual void on_frontend_refused(RequestId id) = 0;
  // Other work on the same workers (work() with `token` != 0) is done.
  virtual void on_frontend_work_done(RequestId /*id*/, uint32_t /*token*/) {}
};

struct FrontendSummary {
  double utilization = 0;       // busy workers / workers, time-average
  double mean_run_queue = 0;    // admitted requests waiting for a worker, time-average
  double mean_backlog = 0;      // requests waiting for admission, time-average
  double mean_in_progress = 0;  // admitted requests not yet gone, time-average
  uint64_t max_in_progress = 0;
  uint64_t admitted = 0;
  uint64_t refused = 0;         // 503s from the balancer itself
};

class BalancerFrontend final : public engine::EventHandler {
public:
  BalancerFrontend(const BalancerConfig& config, uint64_t master_seed, engine::Simulation& sim,
                   FrontendListener& listener);

  // A request reaches the balancer; `needs_processing` is false for a layer-4 request on an open
  // connection. Calls back on_frontend_admitted (now or later) or on_frontend_refused (now).
  void arrive(RequestId id, bool needs_processing);
  // An admitted request left the balancer: its response passed back, or it was refused downstream.
  void leave();
  // Other CPU work for an admitted request on the same workers, FIFO with the processing (a
  // gateway's auth checks, cache hits, merges, preflight answers); on_frontend_work_done(id, token)
  // follows. `token` must not be 0.
  void work(RequestId id, SimTime duration, uint32_t token)
  {
    workers_.submit(WorkerPool::Task{id, token, nullptr, duration});
  }
  void handle(const engine::Event& event) override;  // processing or other work done
  // Worker time spent since the last reset, on processing and other work together.
  double busy_seconds() const { return workers_.busy_seconds(); }

  void reset_measurement(SimTime now);
  FrontendSummary summary(SimTime now) const;

private:
  struct Waiting {
    RequestId id;
    bool needs_processing;
  };
  void admit(RequestId id, bool needs_processing);

  const BalancerConfig& config_;
  engine::Simulation& sim_;
  FrontendListener& listener_;
  engine::HandlerId handler_;
  engine::RngStream rng_;
  uint64_t backlog_limit_ = 0;
  WorkerPool workers_;
  uint64_t in_progress_ = 0;
  bool draining_ = false;
  FifoQueue<Waiting> backlog_;
  engine::TimeWeightedCount backlog_time_, in_progress_time_;
  uint64_t max_in_progress_ = 0, admitted_ = 0, refused_ = 0;
};

}  // namespace lbsim::models
