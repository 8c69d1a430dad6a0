// RunningStats: count, mean, variance, min and max of a stream of doubles in
// O(1) memory. Welford's update avoids the cancellation of sum-of-squares.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace lbsim::engine {

class RunningStats {
public:
  void add(double x)
  {
    ++count_;
    const double delta = x - mean_;
    mean_ += delta / static_cast<double>(count_);
    m2_ += delta * (x - mean_);
    if (count_ == 1) {
      min_ = x;
      max_ = x;
    } else {
      min_ = std::min(min_, x);
      max_ = std::max(max_, x);
    }
  }

  uint64_t count() const { return count_; }
  // 0 when empty.
  double mean() const { return mean_; }
  // Sample variance (divides by n - 1); 0 with fewer than two values.
  double variance() const { return count_ < 2 ? 0.0 : m2_ / static_cast<double>(count_ - 1); }
  double stddev() const { return std::sqrt(variance()); }
  // 0 when empty.
  double min() const { return min_; }
  double max() const { return max_; }

  // Chan, Golub, LeVeque's pairwise combination: the result equals (up to
  // rounding) adding both streams into one, in any order.
  void merge(const RunningStats& other)
  {
    if (other.count_ == 0) return;
    if (count_ == 0) {
      *this = other;
      return;
    }
    const RunningStats b = other;  // a copy, so that s.merge(s) works
    const double na = static_cast<double>(count_);
    const double nb = static_cast<double>(b.count_);
    const double n = na + nb;
    const double delta = b.mean_ - mean_;
    mean_ += delta * (nb / n);
    m2_ += b.m2_ + delta * delta * (na * nb / n);
    count_ += b.count_;
    min_ = std::min(min_, b.min_);
    max_ = std::max(max_, b.max_);
  }

private:
  uint64_t count_ = 0;
  double mean_ = 0.0;
  double m2_ = 0.0;  // sum of squared deviations from the running mean
  double min_ = 0.0;
  double max_ = 0.0;
};

}  // namespace lbsim::engine
