// Kong's rate-limiting-advanced sliding window (reference/gateway.md 1.4): the windows are fixed
// [k W, (k+1) W) from time 0, and a request at `elapsed` into the current window sees the estimate
//     current count + previous window's count x (W - elapsed) / W
// (Kong's example: 86 x (60 - 15)/60 + 12 = 76.5; RussellLuo/slidingwindow, "the scalable rate
// limiting algorithm used by Kong", truncates the weighted term; Kong's text does not, nor does
// lbsim). It is rejected when the estimate is at least `limit`: the comparison of Kong's open
// rate-limiting plugin (`remaining = limit - usage`, deny when `remaining <= 0`), since RLA's own is
// not public. With a whole estimate this is the same as "estimate + 1 > limit"; it makes the
// reference's case V7b hold (10 requests at 0.999 s pass, 10 more at 1.000 s see 10 x 1 + 0 and
// are rejected). The comparison is exact, in integers.
//
// count_rejected (Kong's disable_penalty: false, RLA's default) counts denied requests too, so a
// client that keeps sending over the limit stays blocked.
#pragma once

#include "models/gateway/limiters/keyed_states.hpp"
#include "models/gateway/limiters/rate_limiter.hpp"

namespace lbsim::models {

class SlidingWindowLimiter final : public RateLimiter {
public:
  // limit >= 1, window > 0. Throws std::invalid_argument otherwise.
  SlidingWindowLimiter(int64_t limit, SimTime window, bool count_rejected, std::size_t expected_keys);
  explicit SlidingWindowLimiter(const RateLimitConfig& config);

  LimitDecision admit(uint64_t key, SimTime now) override;
  std::size_t keys() const override { return states_.size(); }
  std::size_t memory_bytes() const override { return states_.memory_bytes(); }

private:
  struct Windows {
    int64_t index;     // the current window: now / W
    int64_t current;   // requests counted in it
    int64_t previous;  // requests counted in window index - 1
  };
  int64_t limit_;
  int64_t window_ns_;
  bool count_rejected_;
  KeyedStates<Windows> states_;
};

}  // namespace lbsim::models
