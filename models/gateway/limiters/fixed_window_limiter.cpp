#include "models/gateway/limiters/fixed_window_limiter.hpp"

#include <stdexcept>

namespace lbsim::models {

FixedWindowLimiter::FixedWindowLimiter(int64_t limit, SimTime window, std::size_t expected_keys)
    : limit_(limit), window_ns_(window.ns()), states_(expected_keys)
{
  if (limit < 1) throw std::invalid_argument("fixed_window: the limit must be at least 1");
  if (window <= SimTime::zero()) throw std::invalid_argument("fixed_window: the window must be above zero");
}

FixedWindowLimiter::FixedWindowLimiter(const RateLimitConfig& c)
    : FixedWindowLimiter(c.limit, c.window, c.key == RateLimitConfig::Key::global ? 1 : 64)
{
}

LimitDecision FixedWindowLimiter::admit(uint64_t key, SimTime now)
{
  const int64_t index = now.ns() / window_ns_;
  Window* w = states_.find(key);
  if (!w) {
    auto over = [&](const Window& s) { return s.index < index; };  // a past window counts nothing now
    w = &states_.add(key, Window{index, 0}, over);
  } else if (w->index != index) {
    *w = Window{index, 0};
  }
  if (w->passed >= limit_) return {LimitDecision::Kind::reject, {}};
  ++w->passed;
  return {};
}

}  // namespace lbsim::models
