// BackendQueue: HAProxy's backend queue (queue.c, the proxy's pendconns) for servers with
// `max_conns`. A request that finds every eligible server full waits here, first in first out;
// a server that frees a slot takes the oldest one (process_srv_queue()), and a request still
// here `queue_timeout` after it came gets a 503 (HAProxy `timeout queue`, termination flags sQ).
//
// Every request waits the same timeout, so the oldest is always the next to time out: one
// timer, for the head, is enough. Built only for a balancer with a max_conns server, so other
// runs keep their handler numbers.
#pragma once

#include "engine/event_handler.hpp"
#include "engine/simulation.hpp"
#include "engine/time_weighted_count.hpp"
#include "models/requests/request.hpp"
#include "models/services/fifo_queue.hpp"

#include <cstdint>

namespace lbsim::models {

class QueueListener {
public:
  virtual ~QueueListener() = default;
  // The request waited queue_timeout: answer it with a 503.
  virtual void on_queue_timeout(RequestId id) = 0;
};

struct QueueSummary {
  double mean_length = 0;  // time-average
  uint64_t max_length = 0;
  uint64_t queued = 0;     // requests that had to wait
  uint64_t timed_out = 0;  // of which got a 503 after queue_timeout
  double mean_wait_s = 0;  // over the requests that left the queue, to a server or timed out
  double max_wait_s = 0;
};

class BackendQueue final : public engine::EventHandler {
public:
  BackendQueue(SimTime timeout, engine::Simulation& sim, QueueListener& listener);

  void push(RequestId id);
  bool empty() const { return waiting_.empty(); }
  // The oldest waiting request, which a freed slot takes.
  RequestId pop();
  void handle(const engine::Event& event) override;  // the head's timeout

  void reset_measurement(SimTime now);
  QueueSummary summary(SimTime now) const;

private:
  struct Waiting {
    RequestId id;
    SimTime since;
  };
  void left(SimTime since);
  void arm();

  SimTime timeout_;
  engine::Simulation& sim_;
  QueueListener& listener_;
  engine::HandlerId handler_;
  FifoQueue<Waiting> waiting_;
  bool armed_ = false;
  engine::TimeWeightedCount length_;
  uint64_t max_length_ = 0, queued_ = 0, timed_out_ = 0, left_ = 0;
  int64_t waited_ns_ = 0, max_wait_ns_ = 0;
};

}  // namespace lbsim::models
