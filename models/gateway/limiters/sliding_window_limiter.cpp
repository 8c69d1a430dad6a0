#include "models/gateway/limiters/sliding_window_limiter.hpp"

#include <stdexcept>

namespace lbsim::models {

SlidingWindowLimiter::SlidingWindowLimiter(int64_t limit, SimTime window, bool count_rejected,
                                           std::size_t expected_keys)
    : limit_(limit), window_ns_(window.ns()), count_rejected_(count_rejected), states_(expected_keys)
{
  if (limit < 1) throw std::invalid_argument("sliding_window: the limit must be at least 1");
  if (window <= SimTime::zero()) throw std::invalid_argument("sliding_window: the window must be above zero");
}

SlidingWindowLimiter::SlidingWindowLimiter(const RateLimitConfig& c)
    : SlidingWindowLimiter(c.limit, c.window, c.count_rejected, c.key == RateLimitConfig::Key::global ? 1 : 64)
{
}

LimitDecision SlidingWindowLimiter::admit(uint64_t key, SimTime now)
{
  const int64_t index = now.ns() / window_ns_;
  Windows* w = states_.find(key);
  if (!w) {
    // Two windows back, neither count weighs anything any more.
    auto forgotten = [&](const Windows& s) { return s.index < index - 1; };
    w = &states_.add(key, Windows{index, 0, 0}, forgotten);
  } else if (w->index != index) {
    *w = Windows{index, 0, w->index == index - 1 ? w->current : 0};
  }
  // estimate >= limit, times W: previous x (W - elapsed) + current x W >= limit x W.
  __extension__ using Int128 = __int128;
  const int64_t elapsed = now.ns() - index * window_ns_;
  const Int128 weighted = Int128{w->previous} * (window_ns_ - elapsed) + Int128{w->current} * window_ns_;
  if (weighted >= Int128{limit_} * window_ns_) {
    if (count_rejected_) ++w->current;
    return {LimitDecision::Kind::reject, {}};
  }
  ++w->current;
  return {};
}

}  // namespace lbsim::models
