// LatencyHistogram: streaming quantiles of nanosecond values in fixed memory.
//
// Log-linear buckets as in HdrHistogram: values 0..255 have a bucket each
// (exact); above that every power-of-two range [2^e, 2^(e+1)) is split into
// 128 equal sub-buckets, up to INT64_MAX. A bucket [lo, lo + w) with w > 1 has
// lo >= 128 w, so reporting its midpoint is off by at most w/2 <= lo/256:
// relative error <= 1/256 (0.39%) for every value, 1 us or 10 days alike.
// 7296 buckets * 8 bytes = 57 KiB per histogram, whatever the count.
//
// Up to kExactLimit values the histogram also keeps the values themselves, so the quantiles of a
// small run (a teaching scenario, an interval) are exact; past it they come from the buckets and
// the kept values are released: memory stays bounded (at most 800 KB more per histogram).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace lbsim::engine {

class LatencyHistogram {
public:
  static constexpr int kSubBucketBits = 7;  // 128 sub-buckets per power of two
  static constexpr std::size_t kBucketCount = 7296;  // bucket_index(INT64_MAX) + 1
  static constexpr double kMaxRelativeError = 1.0 / 256.0;
  static constexpr uint64_t kExactLimit = 100'000;

  LatencyHistogram();

  // ns must be >= 0 (throws std::invalid_argument otherwise).
  void record(int64_t ns)
  {
    if (ns < 0) reject_negative(ns);
    if (count_ < kExactLimit) {
      exact_.push_back(ns);
    } else {
      if (count_ == kExactLimit) bucket_exact_values();
      ++counts_[bucket_index(ns)];
    }
    note(ns, 1);
    // 128-bit running sum, exact: lo wraps into hi.
    const uint64_t value = static_cast<uint64_t>(ns);
    sum_lo_ += value;
    sum_hi_ += sum_lo_ < value ? 1u : 0u;
  }
  // n copies of ns; n == 0 records nothing.
  void record_n(int64_t ns, uint64_t n);

  uint64_t count() const { return count_; }
  // Value at rank ceil(q * count) (rank 1 = smallest): exactly while count() <= kExactLimit,
  // beyond that as its bucket's midpoint clamped to [min(), max()] (ranks 1 and count still
  // return min() and max() exactly). 0 when empty; throws std::invalid_argument unless 0 <= q <= 1.
  int64_t quantile(double q) const;
  // Whether quantile() is exact (every value is kept).
  bool exact() const { return count_ <= kExactLimit; }
  // Exact; 0 when empty.
  int64_t min() const { return count_ == 0 ? 0 : min_; }
  int64_t max() const { return max_; }
  // Exact sum (128-bit integer) divided by count; 0 when empty.
  double mean() const;

  // Zeroes only the buckets between min and max, so a per-interval clear costs
  // the spread of that interval, not the 57 KiB.
  void clear();
  void merge(const LatencyHistogram& other);

  std::size_t bucket_count() const { return counts_.size(); }

  // Exposed for tests: the bucket of a value and that bucket's first value and width.
  static std::size_t bucket_index(int64_t ns)
  {
    const uint64_t v = static_cast<uint64_t>(ns);
    // shift = bit_width(v) - 8 for v >= 256, else 0 (the | 255 handles small v).
    const int shift = static_cast<int>(std::bit_width(v | 255u)) - (kSubBucketBits + 1);
    return (static_cast<std::size_t>(shift) << kSubBucketBits) + static_cast<std::size_t>(v >> shift);
  }
  static int64_t bucket_lower(std::size_t index);
  static int64_t bucket_width(std::size_t index);

private:
  [[noreturn]] static void reject_negative(int64_t ns);
  // Leaving the exact regime: the kept values go into their buckets and are released.
  void bucket_exact_values();
  void note(int64_t ns, uint64_t n)
  {
    if (ns < min_) min_ = ns;
    if (ns > max_) max_ = ns;
    count_ += n;
  }

  // The buckets are counted only past kExactLimit (all zero before): while the values are kept, a
  // record is an append, not an increment at a random place in 57 KiB, which several histograms
  // recorded per request (a service's, the run's) would keep evicting from the cache.
  std::vector<uint64_t> counts_;
  std::vector<int64_t> exact_;  // every value, in arrival order, while count_ <= kExactLimit
  uint64_t count_ = 0;
  // Sentinels make note() branch-light: values are >= 0, so max_ may start at 0.
  int64_t min_ = std::numeric_limits<int64_t>::max();
  int64_t max_ = 0;
  uint64_t sum_hi_ = 0;
  uint64_t sum_lo_ = 0;
};

}  // namespace lbsim::engine
