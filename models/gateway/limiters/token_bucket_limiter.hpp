// A token bucket per key, as Envoy's local rate limit keeps it (envoy.type.v3.TokenBucket; also
// AWS API Gateway's throttling and Traefik's rateLimit): it starts full with max_tokens, a request
// takes one whole token or is rejected, and it refills either
//   - continuously (Envoy since PR #35207, AtomicTokenBucketImpl): tokens_per_s, fractional tokens;
//   - by a timer (Envoy before mid-2024, onFillTimer): every fill_interval it adds tokens_per_s x
//     fill_interval, capped at max_tokens. The timer's ticks are at k x fill_interval from time 0
//     and are counted when a key is next seen, so no event is scheduled.
//
// The arithmetic is exact in integers (Envoy's is in doubles, whose rounding can move a boundary by
// a nanosecond): tokens are counted in units of 1e-18 token, and the rate in nano-tokens per
// second (rates given with more than nine decimals are rounded to nine).
#pragma once

#include "models/gateway/limiters/keyed_states.hpp"
#include "models/gateway/limiters/rate_limiter.hpp"

namespace lbsim::models {

class TokenBucketLimiter final : public RateLimiter {
public:
  __extension__ using Int128 = __int128;  // GCC/Clang; tokens x time does not fit 64 bits
  static constexpr int64_t kUnitsPerToken = 1'000'000'000'000'000'000;

  // tokens_per_s in (0, 1e9], max_tokens in [0, 1e9] (0: every request is rejected, as in Envoy),
  // fill_interval > 0 when interval_refill. Throws std::invalid_argument otherwise.
  TokenBucketLimiter(double tokens_per_s, double max_tokens, bool interval_refill, SimTime fill_interval,
                     std::size_t expected_keys);
  explicit TokenBucketLimiter(const RateLimitConfig& config);

  LimitDecision admit(uint64_t key, SimTime now) override;
  std::size_t keys() const override { return interval_ ? ticked_.size() : continuous_.size(); }
  std::size_t memory_bytes() const override
  {
    return interval_ ? ticked_.memory_bytes() : continuous_.memory_bytes();
  }

private:
  // An Int128 as two 8-byte halves: a state aligned to 8 rather than 16 bytes keeps each map node
  // in a 48-byte malloc chunk instead of 64.
  struct Stored128 {
    uint64_t low;
    int64_t high;
    static Stored128 of(Int128 v) { return {static_cast<uint64_t>(v), static_cast<int64_t>(v >> 64)}; }
    Int128 value() const { return static_cast<Int128>(high) * (Int128{1} << 64) + static_cast<Int128>(low); }
  };
  // Continuous refill, Envoy's single number: the moment (in units: ns x rate) at which the bucket
  // was empty; its tokens now are min(max, now x rate - empty_at).
  struct Continuous {
    Stored128 empty_at;
  };
  // Timer refill: the tokens after the last tick counted, and that tick's number.
  struct Ticked {
    Stored128 tokens;
    int64_t tick;
  };
  LimitDecision admit_continuous(uint64_t key, SimTime now);
  LimitDecision admit_ticked(uint64_t key, SimTime now);
  Int128 refilled(Int128 tokens, int64_t ticks) const;

  int64_t rate_nano_;      // nano-tokens per second = units gained per ns
  Int128 capacity_;        // max_tokens in units
  bool interval_;
  int64_t interval_ns_;
  Int128 per_fill_;        // units added per tick
  KeyedStates<Continuous> continuous_;
  KeyedStates<Ticked> ticked_;
};

}  // namespace lbsim::models
