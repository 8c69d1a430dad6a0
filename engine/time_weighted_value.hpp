// TimeWeightedValue: the time integral and time average of a piecewise-constant
// quantity (queue length, busy cores, instances up) over simulated time.
#pragma once

#include <cmath>
#include <cstdint>
#include <stdexcept>

#include "engine/sim_time.hpp"

namespace lbsim::engine {

class TimeWeightedValue {
public:
  explicit TimeWeightedValue(SimTime start, double initial = 0.0)
      : value_(initial), since_(start), last_change_(start)
  {
  }

  // The value becomes v from `now` on. Throws std::invalid_argument if `now`
  // is before the previous change (time never runs backwards in a simulation).
  void set(SimTime now, double v)
  {
    advance(now);
    value_ = v;
  }
  void add(SimTime now, double delta) { set(now, value_ + delta); }

  double value() const { return value_; }

  // Integral of the value (value * seconds) since the last reset, up to `now`
  // (which must not be before the last change).
  double integral(SimTime now) const { return integral_ns(now) * 1e-9; }

  // Time average since the last reset; 0 if no time has passed.
  double average(SimTime now) const
  {
    const int64_t elapsed = (now - since_).ns();
    return elapsed <= 0 ? 0.0 : integral_ns(now) / static_cast<double>(elapsed);
  }

  // Starts a new window at `now` (warm-up end, each metrics interval): the
  // integral is forgotten, the current value carries on.
  void reset(SimTime now)
  {
    advance(now);
    since_ = now;
    sum_ = 0.0;
    compensation_ = 0.0;
  }

private:
  // Areas are kept in value * nanoseconds, with the time delta taken as an
  // exact integer, and summed with Neumaier compensation: a long run of tiny
  // steps loses no precision, and no long double (whose width varies by
  // platform) can make results machine-dependent.
  void advance(SimTime now)
  {
    if (now < last_change_) throw std::invalid_argument("TimeWeightedValue: time went backwards");
    accumulate(value_ * static_cast<double>((now - last_change_).ns()));
    last_change_ = now;
  }

  void accumulate(double term)
  {
    const double total = sum_ + term;
    if (std::abs(sum_) >= std::abs(term))
      compensation_ += (sum_ - total) + term;
    else
      compensation_ += (term - total) + sum_;
    sum_ = total;
  }

  double integral_ns(SimTime now) const
  {
    const double tail = value_ * static_cast<double>((now - last_change_).ns());
    return sum_ + compensation_ + tail;
  }

  double value_;
  SimTime since_;        // start of the current window (last reset)
  SimTime last_change_;  // the area up to here is in sum_ + compensation_
  double sum_ = 0.0;
  double compensation_ = 0.0;
};

}  // namespace lbsim::engine
