#include "engine/latency_histogram.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace lbsim::engine {

namespace {

static_assert(LatencyHistogram::kBucketCount ==
              (static_cast<std::size_t>(63 - (LatencyHistogram::kSubBucketBits + 1))
               << LatencyHistogram::kSubBucketBits) + 256);

// Adds a * b to the 128-bit sum (hi, lo). Portable 64x64 -> 128 product from
// 32-bit halves (the same helper as rng.cpp's; __int128 is not ISO C++).
void add_product(uint64_t& hi, uint64_t& lo, uint64_t a, uint64_t b)
{
  constexpr uint64_t kLow32 = 0xffff'ffffu;
  const uint64_t p0 = (a & kLow32) * (b & kLow32);
  const uint64_t p1 = (a & kLow32) * (b >> 32);
  const uint64_t p2 = (a >> 32) * (b & kLow32);
  const uint64_t p3 = (a >> 32) * (b >> 32);
  const uint64_t middle = (p0 >> 32) + (p1 & kLow32) + (p2 & kLow32);
  const uint64_t product_lo = (middle << 32) | (p0 & kLow32);
  const uint64_t product_hi = p3 + (p1 >> 32) + (p2 >> 32) + (middle >> 32);
  lo += product_lo;
  hi += product_hi + (lo < product_lo ? 1u : 0u);
}

// The k-th smallest (1-based) of the values in [lower, lower + width), of which there are
// `in_range`. Selecting among one bucket's few values, not among all of them, spares
// nth_element's unpredictable branches over the whole interval: a row's p50 and p99 cost a pass
// over the values with a predictable test.
int64_t kth_in_range(const std::vector<int64_t>& values, int64_t lower, int64_t width, uint64_t in_range, uint64_t k)
{
  std::vector<int64_t> inside;
  inside.reserve(static_cast<std::size_t>(in_range));
  for (const int64_t v : values)
    if (static_cast<uint64_t>(v - lower) < static_cast<uint64_t>(width)) inside.push_back(v);
  const auto at = inside.begin() + static_cast<std::ptrdiff_t>(k - 1);
  std::nth_element(inside.begin(), at, inside.end());
  return *at;
}

}  // namespace

LatencyHistogram::LatencyHistogram() : counts_(kBucketCount, 0) {}

void LatencyHistogram::reject_negative(int64_t ns)
{
  throw std::invalid_argument("LatencyHistogram: negative value " + std::to_string(ns) + " ns");
}

void LatencyHistogram::record_n(int64_t ns, uint64_t n)
{
  if (ns < 0) reject_negative(ns);
  if (n == 0) return;
  if (count_ + n <= kExactLimit) {
    exact_.insert(exact_.end(), n, ns);
  } else {
    if (exact()) bucket_exact_values();
    counts_[bucket_index(ns)] += n;
  }
  note(ns, n);
  add_product(sum_hi_, sum_lo_, static_cast<uint64_t>(ns), n);
}

void LatencyHistogram::bucket_exact_values()
{
  for (const int64_t v : exact_) ++counts_[bucket_index(v)];
  std::vector<int64_t>().swap(exact_);
}

int64_t LatencyHistogram::bucket_lower(std::size_t index)
{
  if (index < 256) return static_cast<int64_t>(index);
  const std::size_t shift = (index >> kSubBucketBits) - 1;
  const std::size_t mantissa = (index & ((std::size_t{1} << kSubBucketBits) - 1)) + (std::size_t{1} << kSubBucketBits);
  return static_cast<int64_t>(static_cast<uint64_t>(mantissa) << shift);
}

int64_t LatencyHistogram::bucket_width(std::size_t index)
{
  if (index < 256) return 1;
  return int64_t{1} << ((index >> kSubBucketBits) - 1);
}

int64_t LatencyHistogram::quantile(double q) const
{
  if (!(q >= 0.0 && q <= 1.0))
    throw std::invalid_argument("LatencyHistogram::quantile: q must be in [0, 1]");
  if (count_ == 0) return 0;
  const double exact_rank = std::ceil(q * static_cast<double>(count_));
  const uint64_t rank = exact_rank >= static_cast<double>(count_) ? count_
                        : exact_rank <= 1.0                      ? 1
                                                                 : static_cast<uint64_t>(exact_rank);
  // The extreme ranks are known exactly; no need for a bucket estimate.
  if (rank == 1) return min_;
  if (rank == count_) return max_;

  // The bucket holding the value of that rank, and how many values lie in the buckets below it,
  // from the nearer end: a high percentile (p99) is a few buckets below the maximum, while a
  // latency distribution spreads over thousands of buckets (a time-series row asks for both).
  const std::size_t first = bucket_index(min_), last = bucket_index(max_);
  // Kept values have no bucket counts yet: count the buckets between min and max here.
  std::vector<uint64_t> kept_counts;
  if (exact()) {
    kept_counts.assign(last - first + 1, 0);
    for (const int64_t v : exact_) ++kept_counts[bucket_index(v) - first];
  }
  const auto counts = [&](std::size_t i) { return exact() ? kept_counts[i - first] : counts_[i]; };
  std::size_t bucket = first;
  uint64_t below = 0;
  if (rank > count_ / 2) {
    const uint64_t from_top = count_ - rank + 1;  // the rank counted from the largest value
    uint64_t seen = 0;
    for (std::size_t i = last + 1; i-- > first;) {
      seen += counts(i);
      if (seen >= from_top) {
        bucket = i;
        below = count_ - seen;
        break;
      }
    }
  } else {
    uint64_t seen = 0;
    for (std::size_t i = first; i <= last; ++i) {
      if (seen + counts(i) >= rank) {
        bucket = i;
        below = seen;
        break;
      }
      seen += counts(i);
    }
  }
  if (exact()) return kth_in_range(exact_, bucket_lower(bucket), bucket_width(bucket), counts(bucket), rank - below);
  const int64_t midpoint = bucket_lower(bucket) + (bucket_width(bucket) - 1) / 2;
  return std::clamp(midpoint, min_, max_);
}

double LatencyHistogram::mean() const
{
  if (count_ == 0) return 0.0;
  const double sum = static_cast<double>(sum_hi_) * 0x1.0p64 + static_cast<double>(sum_lo_);
  return sum / static_cast<double>(count_);
}

void LatencyHistogram::clear()
{
  if (!exact()) {
    const auto first = counts_.begin() + static_cast<std::ptrdiff_t>(bucket_index(min_));
    const auto last = counts_.begin() + static_cast<std::ptrdiff_t>(bucket_index(max_)) + 1;
    std::fill(first, last, uint64_t{0});
  }
  exact_.clear();  // keeps its capacity: an interval's histogram is refilled at once
  count_ = 0;
  min_ = std::numeric_limits<int64_t>::max();
  max_ = 0;
  sum_hi_ = 0;
  sum_lo_ = 0;
}

void LatencyHistogram::merge(const LatencyHistogram& other)
{
  if (other.count_ == 0) return;
  if (&other == this) {  // h.merge(h) doubles h
    const LatencyHistogram copy = *this;
    merge(copy);
    return;
  }
  if (count_ + other.count_ <= kExactLimit) {
    // insert() grows the storage geometrically: a run merges one interval at a time, and an exact
    // reserve here would reallocate (and page in) the whole vector at every interval.
    exact_.insert(exact_.end(), other.exact_.begin(), other.exact_.end());
  } else {
    if (exact()) bucket_exact_values();
    if (other.exact()) {
      for (const int64_t v : other.exact_) ++counts_[bucket_index(v)];
    } else {
      const std::size_t last = bucket_index(other.max_);
      for (std::size_t i = bucket_index(other.min_); i <= last; ++i) counts_[i] += other.counts_[i];
    }
  }
  const uint64_t other_lo = other.sum_lo_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  count_ += other.count_;
  sum_lo_ += other_lo;
  sum_hi_ += other.sum_hi_ + (sum_lo_ < other_lo ? 1u : 0u);
}

}  // namespace lbsim::engine
