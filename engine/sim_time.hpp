// SimTime: simulated time as a strong int64 count of nanoseconds.
// Integer time never drifts, orders events exactly and spans 292 years.
#pragma once

#include <compare>
#include <cstdint>
#include <limits>

namespace lbsim::engine {

class SimTime {
public:
  constexpr SimTime() = default;
  static constexpr SimTime from_ns(int64_t ns) { return SimTime(ns); }
  // Rounds to the nearest nanosecond; saturates instead of overflowing.
  static SimTime from_seconds(double s)
  {
    const double ns = s * 1e9;
    if (ns >= 9.2e18) return max();
    if (ns <= -9.2e18) return SimTime(std::numeric_limits<int64_t>::min());
    // Round half away from zero, inline (std::round is a library call on the hot path).
    return SimTime(static_cast<int64_t>(ns + (ns >= 0 ? 0.5 : -0.5)));
  }
  static constexpr SimTime zero() { return SimTime(0); }
  static constexpr SimTime max() { return SimTime(std::numeric_limits<int64_t>::max()); }

  constexpr int64_t ns() const { return ns_; }
  constexpr double seconds() const { return static_cast<double>(ns_) * 1e-9; }

  constexpr auto operator<=>(const SimTime&) const = default;
  constexpr SimTime operator+(SimTime o) const { return SimTime(ns_ + o.ns_); }
  constexpr SimTime operator-(SimTime o) const { return SimTime(ns_ - o.ns_); }
  constexpr SimTime& operator+=(SimTime o) { ns_ += o.ns_; return *this; }
  constexpr SimTime& operator-=(SimTime o) { ns_ -= o.ns_; return *this; }
  constexpr SimTime operator*(int64_t k) const { return SimTime(ns_ * k); }

private:
  constexpr explicit SimTime(int64_t ns) : ns_(ns) {}
  int64_t ns_ = 0;
};

constexpr SimTime nanoseconds(int64_t n) { return SimTime::from_ns(n); }
constexpr SimTime microseconds(int64_t n) { return SimTime::from_ns(n * 1'000); }
constexpr SimTime milliseconds(int64_t n) { return SimTime::from_ns(n * 1'000'000); }
constexpr SimTime seconds(int64_t n) { return SimTime::from_ns(n * 1'000'000'000); }
constexpr SimTime minutes(int64_t n) { return seconds(n * 60); }
constexpr SimTime hours(int64_t n) { return seconds(n * 3600); }

}  // namespace lbsim::engine
