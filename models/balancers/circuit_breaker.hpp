// CircuitBreaker: Envoy's cluster circuit breakers in front of a service's balancer
// (models/system_config.hpp CircuitBreakerConfig, docs/services.md). A request is dispatched when
// fewer than min(max_connections, max_requests) are; otherwise it waits for one to finish, first
// come first served, when fewer than max_pending_requests wait; otherwise it is refused at once
// (503, Envoy's overflow flag UO). Retries in progress are counted apart: at most max_retries.
#pragma once

#include "models/requests/request.hpp"
#include "models/services/fifo_queue.hpp"
#include "models/system_config.hpp"

#include <algorithm>
#include <cstdint>

namespace lbsim::models {

class CircuitBreaker {
public:
  explicit CircuitBreaker(const CircuitBreakerConfig& config)
      : limit_(std::min(config.max_connections, config.max_requests)), max_pending_(config.max_pending_requests),
        max_retries_(config.max_retries)
  {
  }

  enum class Admission { dispatch, pending, overflow };
  Admission admit(RequestId id)
  {
    if (active_ < limit_) {
      ++active_;
      return Admission::dispatch;
    }
    if (pending_.size() < max_pending_) {
      pending_.push_back(id);
      return Admission::pending;
    }
    ++overflow_;
    return Admission::overflow;
  }
  // A dispatched request is done; the first waiting one, if any, may go (returns kNoRequest if none).
  RequestId release()
  {
    if (!pending_.empty()) return pending_.pop_front();  // its slot passes straight on
    --active_;
    return kNoRequest;
  }
  bool retry_allowed() const { return retries_ < max_retries_; }
  void retry_started() { ++retries_; }
  void retry_ended() { --retries_; }
  void count_retry_overflow() { ++retry_overflow_; }

  uint64_t overflow() const { return overflow_; }
  uint64_t retry_overflow() const { return retry_overflow_; }
  void reset_measurement() { overflow_ = retry_overflow_ = 0; }

private:
  uint64_t limit_, max_pending_, max_retries_;
  uint64_t active_ = 0, retries_ = 0;
  FifoQueue<RequestId> pending_;
  uint64_t overflow_ = 0, retry_overflow_ = 0;
};

}  // namespace lbsim::models
