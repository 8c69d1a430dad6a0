// Fixed windows: at most `limit` requests of a key in each window [k W, (k+1) W), the windows
// aligned to time 0 (Kong's rate-limiting aligns them to UTC, envoyproxy/ratelimit to the Unix
// epoch: `(now / divider) * divider` in src/limiter/cache_key.go). Also AWS's usage-plan quota:
// `limit` per `period`, a fixed window per API key.
//
// Only passed requests are counted, as Kong does (check the usage, deny when `limit - usage <= 0`,
// increment only what passes). envoyproxy/ratelimit increments on every request and rejects when
// the count after the increment exceeds the limit: the same decisions, since a count that reached
// the limit stays there until the window ends. Either way the first `limit` requests of each
// window pass. Kong's check-then-increment race (concurrent requests overshooting) is not modelled.
#pragma once

#include "models/gateway/limiters/keyed_states.hpp"
#include "models/gateway/limiters/rate_limiter.hpp"

namespace lbsim::models {

class FixedWindowLimiter final : public RateLimiter {
public:
  // limit >= 1, window > 0. Throws std::invalid_argument otherwise.
  FixedWindowLimiter(int64_t limit, SimTime window, std::size_t expected_keys);
  explicit FixedWindowLimiter(const RateLimitConfig& config);

  LimitDecision admit(uint64_t key, SimTime now) override;
  std::size_t keys() const override { return states_.size(); }
  std::size_t memory_bytes() const override { return states_.memory_bytes(); }

private:
  struct Window {
    int64_t index;  // now / window
    int64_t passed;
  };
  int64_t limit_;
  int64_t window_ns_;
  KeyedStates<Window> states_;
};

}  // namespace lbsim::models
