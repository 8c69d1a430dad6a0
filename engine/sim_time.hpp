// SimTime: simulated time as a strong int64 count of nanoseconds.
// Integer time never drifts, orders events exactly and spans 292 years. Sums and differences
// saturate at max() (and its negative) instead of overflowing: a time past the clock's end (a
// sampled delay of 10^300 s) is "never", not a wrapped, negative time.
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
    if (!(ns < 9.2e18)) return max();  // NaN too
    if (ns <= -9.2e18) return lowest();
    // Round half away from zero, inline (std::round is a library call on the hot path).
    return SimTime(static_cast<int64_t>(ns + (ns >= 0 ? 0.5 : -0.5)));
  }
  static constexpr SimTime zero() { return SimTime(0); }
  static constexpr SimTime max() { return SimTime(std::numeric_limits<int64_t>::max()); }
  static constexpr SimTime lowest() { return SimTime(std::numeric_limits<int64_t>::min()); }

  constexpr int64_t ns() const { return ns_; }
  constexpr double seconds() const { return static_cast<double>(ns_) * 1e-9; }

  constexpr auto operator<=>(const SimTime&) const = default;
  constexpr SimTime operator+(SimTime o) const
  {
    int64_t sum = 0;
    if (__builtin_add_overflow(ns_, o.ns_, &sum)) return o.ns_ > 0 ? max() : lowest();
    return SimTime(sum);
  }
  constexpr SimTime operator-(SimTime o) const
  {
    int64_t difference = 0;
    if (__builtin_sub_overflow(ns_, o.ns_, &difference)) return o.ns_ < 0 ? max() : lowest();
    return SimTime(difference);
  }
  constexpr SimTime& operator+=(SimTime o) { return *this = *this + o; }
  constexpr SimTime& operator-=(SimTime o) { return *this = *this - o; }
  constexpr SimTime operator*(int64_t k) const
  {
    int64_t product = 0;
    if (__builtin_mul_overflow(ns_, k, &product)) return (ns_ < 0) != (k < 0) ? lowest() : max();
    return SimTime(product);
  }

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
