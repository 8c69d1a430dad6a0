// TimeWeightedCount: the time integral and average of a whole-number quantity (requests in
// flight, busy cores, queue length). The integral is an exact 128-bit count of value x nanoseconds,
// so it is cheap on the hot path and loses nothing however long the run.
#pragma once

#include "engine/sim_time.hpp"

#include <cstdint>

namespace lbsim::engine {

class TimeWeightedCount {
public:
  explicit TimeWeightedCount(SimTime start, int64_t initial = 0) : value_(initial), since_(start), last_change_(start) {}

  void add(SimTime now, int64_t delta)
  {
    advance(now);
    value_ += delta;
  }
  void set(SimTime now, int64_t v)
  {
    advance(now);
    value_ = v;
  }
  int64_t value() const { return value_; }

  // value x seconds since the last reset, up to `now` (not before the last change).
  double integral(SimTime now) const { return static_cast<double>(integral_ns(now)) * 1e-9; }
  double average(SimTime now) const
  {
    const int64_t elapsed = (now - since_).ns();
    return elapsed <= 0 ? 0.0 : static_cast<double>(integral_ns(now)) / static_cast<double>(elapsed);
  }
  // Starts a new window at `now`; the current value carries on.
  void reset(SimTime now)
  {
    advance(now);
    since_ = now;
    sum_ = 0;
  }

private:
  __extension__ using Int128 = __int128;  // GCC/Clang; exact where a double would round

  void advance(SimTime now)
  {
    sum_ += static_cast<Int128>(value_) * (now - last_change_).ns();
    last_change_ = now;
  }
  Int128 integral_ns(SimTime now) const { return sum_ + static_cast<Int128>(value_) * (now - last_change_).ns(); }

  int64_t value_;
  SimTime since_;
  SimTime last_change_;
  Int128 sum_ = 0;
};

}  // namespace lbsim::engine
