#include "models/gateway/limiters/token_bucket_limiter.hpp"

#include <cmath>
#include <stdexcept>

namespace lbsim::models {

TokenBucketLimiter::TokenBucketLimiter(double tokens_per_s, double max_tokens, bool interval_refill,
                                       SimTime fill_interval, std::size_t expected_keys)
    : interval_(interval_refill), continuous_(interval_refill ? 0 : expected_keys),
      ticked_(interval_refill ? expected_keys : 0)
{
  if (!(tokens_per_s > 0 && tokens_per_s <= 1e9))
    throw std::invalid_argument("token_bucket: the rate must be above zero and at most 1e9/s");
  if (!(max_tokens >= 0 && max_tokens <= 1e9)) throw std::invalid_argument("token_bucket: max_tokens out of range");
  if (interval_refill && fill_interval <= SimTime::zero())
    throw std::invalid_argument("token_bucket: fill_interval must be above zero");
  rate_nano_ = std::llround(tokens_per_s * 1e9);
  if (rate_nano_ == 0) rate_nano_ = 1;
  // max_tokens to nano-tokens, then to units (x 1e9): exact for a whole or decimal size.
  capacity_ = Int128{std::llround(max_tokens * 1e9)} * 1'000'000'000;
  interval_ns_ = fill_interval.ns();
  per_fill_ = Int128{rate_nano_} * interval_ns_;  // rate x interval tokens, in units
}

TokenBucketLimiter::TokenBucketLimiter(const RateLimitConfig& c)
    : TokenBucketLimiter(c.tokens_per_s, c.max_tokens, c.interval_refill, c.fill_interval,
                         c.key == RateLimitConfig::Key::global ? 1 : 64)
{
}

LimitDecision TokenBucketLimiter::admit(uint64_t key, SimTime now)
{
  return interval_ ? admit_ticked(key, now) : admit_continuous(key, now);
}

// AtomicTokenBucketImpl::consume: tokens = min(max, (now - t) x rate); with at least one, t moves
// on so that one token fewer remains; without, nothing changes.
LimitDecision TokenBucketLimiter::admit_continuous(uint64_t key, SimTime now)
{
  const Int128 clock = Int128{now.ns()} * rate_nano_;
  Continuous* state = continuous_.find(key);
  if (!state) {
    // A new bucket starts full: empty max/rate ago.
    auto full_now = [&](const Continuous& s) { return clock - s.empty_at.value() >= capacity_; };
    state = &continuous_.add(key, Continuous{Stored128::of(clock - capacity_)}, full_now);
  }
  Int128 tokens = clock - state->empty_at.value();
  if (tokens > capacity_) tokens = capacity_;
  if (tokens < kUnitsPerToken) return {LimitDecision::Kind::reject, {}};
  state->empty_at = Stored128::of(clock - (tokens - kUnitsPerToken));
  return {};
}

// The tokens `ticks` timer ticks add to `tokens`, capped at max_tokens. (ticks x per_fill could
// overflow only far beyond the capacity: compared by division first.)
TokenBucketLimiter::Int128 TokenBucketLimiter::refilled(Int128 tokens, int64_t ticks) const
{
  const Int128 missing = capacity_ - tokens;
  if (ticks <= 0 || missing <= 0) return tokens;
  return Int128{ticks} >= (missing + per_fill_ - 1) / per_fill_ ? capacity_ : tokens + Int128{ticks} * per_fill_;
}

// The timer's ticks since the key was last seen each add per_fill, capped at max_tokens.
LimitDecision TokenBucketLimiter::admit_ticked(uint64_t key, SimTime now)
{
  const int64_t tick = now.ns() / interval_ns_;
  Ticked* state = ticked_.find(key);
  if (!state) {
    // A new bucket starts full; a bucket that the ticks so far fill again is as good as new.
    auto full_by_now = [&](const Ticked& s) { return refilled(s.tokens.value(), tick - s.tick) == capacity_; };
    state = &ticked_.add(key, Ticked{Stored128::of(capacity_), tick}, full_by_now);
  }
  const Int128 tokens = refilled(state->tokens.value(), tick - state->tick);
  state->tick = tick;
  if (tokens < kUnitsPerToken) {
    state->tokens = Stored128::of(tokens);
    return {LimitDecision::Kind::reject, {}};
  }
  state->tokens = Stored128::of(tokens - kUnitsPerToken);
  return {};
}

}  // namespace lbsim::models
