// nginx's limit_conn (and Envoy's max_requests for one key): at most `limit` admitted requests of
// a key that have not finished; one more is rejected (limit_conn_status, default 503). A key holds
// state only while it has requests in flight. With Poisson arrivals this is an Erlang loss system
// per key (reference case V9), insensitive to the holding-time distribution.
#pragma once

#include "models/gateway/limiters/rate_limiter.hpp"

#include <unordered_map>

namespace lbsim::models {

class ConcurrencyLimiter final : public RateLimiter {
public:
  // limit >= 1. Throws std::invalid_argument otherwise.
  ConcurrencyLimiter(int64_t limit, std::size_t expected_keys);
  explicit ConcurrencyLimiter(const RateLimitConfig& config);

  LimitDecision admit(uint64_t key, SimTime now) override;
  // Throws std::logic_error for a key with nothing in flight: a release without its admission.
  void release(uint64_t key, SimTime now) override;
  std::size_t keys() const override { return in_flight_.size(); }
  std::size_t memory_bytes() const override;

private:
  int64_t limit_;
  std::unordered_map<uint64_t, int64_t> in_flight_;
};

}  // namespace lbsim::models
