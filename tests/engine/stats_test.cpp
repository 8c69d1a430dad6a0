#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

#include <catch2/catch.hpp>

#include "engine/latency_histogram.hpp"
#include "engine/rng.hpp"
#include "engine/running_stats.hpp"
#include "engine/sim_time.hpp"
#include "engine/time_weighted_value.hpp"

using namespace lbsim::engine;

namespace {

// The reference definition: the value at rank ceil(q n) of the sorted set.
int64_t exact_quantile(const std::vector<int64_t>& sorted, double q)
{
  const auto n = static_cast<double>(sorted.size());
  const auto rank = std::clamp(std::ceil(q * n), 1.0, n);
  return sorted[static_cast<std::size_t>(rank) - 1];
}

double relative_error(int64_t got, int64_t exact)
{
  return std::abs(static_cast<double>(got - exact)) / static_cast<double>(exact);
}

const std::vector<double> kQuantiles{0.0,  0.001, 0.01, 0.05, 0.1,   0.25,   0.5, 0.75,
                                     0.9,  0.95,  0.99, 0.995, 0.999, 0.9999, 1.0};

}  // namespace

TEST_CASE("histogram buckets tile the int64 range with bounded width", "[stats]")
{
  using H = LatencyHistogram;
  CHECK(H::bucket_index(0) == 0u);
  CHECK(H::bucket_index(255) == 255u);
  CHECK(H::bucket_index(std::numeric_limits<int64_t>::max()) == H::kBucketCount - 1);
  // Consecutive buckets are contiguous, and a bucket never spans more than 1/128 of its start.
  for (std::size_t i = 0; i + 1 < H::kBucketCount; ++i) {
    REQUIRE(H::bucket_lower(i) + H::bucket_width(i) == H::bucket_lower(i + 1));
    if (i >= 256) REQUIRE(H::bucket_width(i) * 128 <= H::bucket_lower(i));
  }
  // Every value lands in the bucket that contains it (checked at the edges).
  for (std::size_t i = 0; i < H::kBucketCount; ++i) {
    const int64_t lo = H::bucket_lower(i);
    const int64_t hi = lo + (H::bucket_width(i) - 1);
    REQUIRE(H::bucket_index(lo) == i);
    REQUIRE(H::bucket_index(hi) == i);
  }
}

TEST_CASE("histogram: a single value in the middle is within 1/256", "[stats]")
{
  // 0 and INT64_MAX around v, so rank 2 is v's bucket midpoint, unclamped.
  RngStream rng(21);
  for (int i = 0; i < 20'000; ++i) {
    const int shift = static_cast<int>(rng.below(62));
    const auto v = static_cast<int64_t>((rng.next_u64() >> 2) >> shift) + 1;
    LatencyHistogram h;
    h.record(0);
    h.record(v);
    h.record(std::numeric_limits<int64_t>::max());
    const int64_t got = h.quantile(0.5);
    REQUIRE(relative_error(got, v) <= LatencyHistogram::kMaxRelativeError);
    if (v < 256) REQUIRE(got == v);
  }
}

TEST_CASE("histogram quantiles of a 1 us .. 1 s grid", "[stats]")
{
  LatencyHistogram h;
  std::vector<int64_t> values;
  for (int64_t k = 1; k <= 1'000'000; ++k) {
    h.record(k * 1000);
    values.push_back(k * 1000);
  }
  CHECK(h.count() == 1'000'000u);
  CHECK(h.min() == 1000);
  CHECK(h.max() == 1'000'000'000);
  CHECK(h.mean() == 500'000'500.0);  // exact: (1 + 10^6) / 2 us
  for (const double q : {0.5, 0.99, 0.999}) {
    INFO("q = " << q);
    const int64_t exact = exact_quantile(values, q);
    CHECK(relative_error(h.quantile(q), exact) <= 0.01);
    CHECK(relative_error(h.quantile(q), exact) <= LatencyHistogram::kMaxRelativeError);
  }
  CHECK(h.quantile(0) == 1000);
  CHECK(h.quantile(1) == 1'000'000'000);
}

TEST_CASE("histogram quantiles of log-uniform values from 1 us to 10 days", "[stats]")
{
  RngStream rng(22);
  const double lo = std::log(1e3);
  const double hi = std::log(10 * 86400 * 1e9);
  LatencyHistogram h;
  std::vector<int64_t> values;
  for (int i = 0; i < 100'000; ++i) {
    const auto v = static_cast<int64_t>(std::exp(lo + (hi - lo) * rng.uniform01()));
    h.record(v);
    values.push_back(v);
  }
  std::sort(values.begin(), values.end());
  std::vector<double> qs = kQuantiles;
  for (int i = 1; i < 1000; ++i) qs.push_back(i / 1000.0);
  for (const double q : qs) {
    INFO("q = " << q);
    const int64_t exact = exact_quantile(values, q);
    // The brief asks for 1%; the design bound 1/256 must hold too.
    CHECK(relative_error(h.quantile(q), exact) <= 0.01);
    CHECK(relative_error(h.quantile(q), exact) <= LatencyHistogram::kMaxRelativeError);
  }
}

TEST_CASE("histogram quantile is the midpoint of the exact quantile's bucket, from either end", "[stats]")
{
  // quantile() scans from the minimum for low ranks and from the maximum for high ones: both must
  // land on the bucket that holds the value of rank ceil(q n), for every rank of small and large sets.
  RngStream rng(5);
  for (const int n : {2, 3, 7, 100, 4001}) {
    LatencyHistogram h;
    std::vector<int64_t> values;
    for (int i = 0; i < n; ++i) {
      const auto v = static_cast<int64_t>(std::exp(std::log(1e3) + 20 * rng.uniform01()));
      h.record(v);
      values.push_back(v);
    }
    std::sort(values.begin(), values.end());
    for (int rank = 1; rank <= n; ++rank) {
      const double q = (rank - 0.5) / n;  // ceil(q n) == rank
      const int64_t exact = exact_quantile(values, q);
      const std::size_t b = LatencyHistogram::bucket_index(exact);
      const int64_t expected =
          std::clamp(LatencyHistogram::bucket_lower(b) + (LatencyHistogram::bucket_width(b) - 1) / 2, values.front(), values.back());
      INFO("n = " << n << ", rank = " << rank);
      CHECK(h.quantile(q) == (rank == 1 ? values.front() : rank == n ? values.back() : expected));
    }
  }
}

TEST_CASE("histogram mean is exact, even for huge values", "[stats]")
{
  LatencyHistogram h;
  const int64_t big = std::numeric_limits<int64_t>::max();
  h.record(big);
  h.record(big);
  h.record_n(1, 2);
  // (2 (2^63 - 1) + 2) / 4 = 2^62, beyond any 64-bit sum.
  CHECK(h.mean() == 0x1.0p62);
  CHECK(h.count() == 4u);
  CHECK(h.min() == 1);
  CHECK(h.max() == big);

  LatencyHistogram repeated;
  repeated.record_n(3'000'000'000'000, 5'000'000'000);  // 1.5e22 in total
  CHECK(repeated.mean() == 3e12);
}

TEST_CASE("histogram merge equals recording both", "[stats]")
{
  RngStream rng(23);
  LatencyHistogram a;
  LatencyHistogram b;
  LatencyHistogram both;
  for (int i = 0; i < 50'000; ++i) {
    const auto x = static_cast<int64_t>(rng.below(5'000'000)) + 100;
    const auto y = static_cast<int64_t>(rng.below(900'000'000)) + 20'000;
    a.record(x);
    b.record_n(y, 2);
    both.record(x);
    both.record_n(y, 2);
  }
  a.merge(b);
  CHECK(a.count() == both.count());
  CHECK(a.min() == both.min());
  CHECK(a.max() == both.max());
  CHECK(a.mean() == both.mean());
  for (const double q : kQuantiles) CHECK(a.quantile(q) == both.quantile(q));

  LatencyHistogram empty;
  const int64_t p99 = a.quantile(0.99);
  a.merge(empty);
  CHECK(a.quantile(0.99) == p99);
  empty.merge(a);
  CHECK(empty.quantile(0.99) == p99);
  CHECK(empty.min() == a.min());

  // Merging into itself doubles every count.
  LatencyHistogram self;
  self.record(10);
  self.record(1000);
  self.merge(self);
  CHECK(self.count() == 4u);
  CHECK(self.mean() == 505.0);
}

TEST_CASE("histogram clear resets everything", "[stats]")
{
  LatencyHistogram h;
  for (int64_t v = 1; v < 1'000'000'000; v = v * 3 + 1) h.record(v);
  h.clear();
  CHECK(h.count() == 0u);
  CHECK(h.quantile(0.5) == 0);
  CHECK(h.min() == 0);
  CHECK(h.max() == 0);
  CHECK(h.mean() == 0.0);

  // No stale counts: after clear it behaves like a fresh histogram.
  LatencyHistogram fresh;
  for (int64_t v = 5; v < 2'000'000; v = v * 2 + 7) {
    h.record(v);
    fresh.record(v);
  }
  for (const double q : kQuantiles) CHECK(h.quantile(q) == fresh.quantile(q));
}

TEST_CASE("histogram memory does not depend on the count", "[stats]")
{
  LatencyHistogram h;
  const std::size_t buckets = h.bucket_count();
  CHECK(buckets == LatencyHistogram::kBucketCount);
  for (int64_t i = 0; i < 1'000'000; ++i) h.record(i * 7919);
  h.record_n(123, 1'000'000'000'000);
  CHECK(h.bucket_count() == buckets);
  CHECK(sizeof(LatencyHistogram) <= 64);  // the buckets live in one fixed allocation
}

TEST_CASE("histogram argument checks", "[stats]")
{
  LatencyHistogram h;
  CHECK(h.quantile(0.5) == 0);
  CHECK_THROWS_AS(h.record(-1), std::invalid_argument);
  CHECK_THROWS_AS(h.record_n(-5, 3), std::invalid_argument);
  CHECK_THROWS_AS(h.quantile(1.5), std::invalid_argument);
  CHECK_THROWS_AS(h.quantile(-0.1), std::invalid_argument);
  CHECK_THROWS_AS(h.quantile(std::numeric_limits<double>::quiet_NaN()), std::invalid_argument);
  h.record_n(42, 0);
  CHECK(h.count() == 0u);
}

TEST_CASE("RunningStats matches a two-pass computation", "[stats]")
{
  // A large offset: the naive sum-of-squares formula would lose every digit here.
  RngStream rng(24);
  std::vector<double> xs;
  RunningStats stats;
  for (int i = 0; i < 100'000; ++i) {
    const double x = 1e9 + rng.standard_normal() * 3.0;
    xs.push_back(x);
    stats.add(x);
  }
  double sum = 0.0;
  for (const double x : xs) sum += x;
  const double mean = sum / static_cast<double>(xs.size());
  double squares = 0.0;
  for (const double x : xs) squares += (x - mean) * (x - mean);
  const double variance = squares / static_cast<double>(xs.size() - 1);

  // Each Welford step rounds the mean by up to ulp(1e9) / 2 = 6e-8, a random
  // walk of ~2e-5 (2e-14 relative) over 1e5 steps: 1e-12 leaves margin.
  CHECK(stats.count() == xs.size());
  CHECK(stats.mean() == Approx(mean).epsilon(1e-12));
  CHECK(stats.variance() == Approx(variance).epsilon(1e-8));
  CHECK(stats.stddev() == Approx(std::sqrt(variance)).epsilon(1e-8));
  CHECK(stats.min() == *std::min_element(xs.begin(), xs.end()));
  CHECK(stats.max() == *std::max_element(xs.begin(), xs.end()));

  SECTION("merge of any split equals the whole")
  {
    for (const std::size_t split : {std::size_t{0}, std::size_t{1}, std::size_t{777}, xs.size()}) {
      RunningStats left;
      RunningStats right;
      for (std::size_t i = 0; i < xs.size(); ++i) (i < split ? left : right).add(xs[i]);
      left.merge(right);
      CHECK(left.count() == stats.count());
      CHECK(left.mean() == Approx(stats.mean()).epsilon(1e-12));
      CHECK(left.variance() == Approx(stats.variance()).epsilon(1e-8));
      CHECK(left.min() == stats.min());
      CHECK(left.max() == stats.max());
    }
  }
}

TEST_CASE("RunningStats small cases", "[stats]")
{
  RunningStats s;
  CHECK(s.count() == 0u);
  CHECK(s.mean() == 0.0);
  CHECK(s.variance() == 0.0);
  s.add(4.0);
  CHECK(s.variance() == 0.0);
  s.add(8.0);
  s.add(6.0);
  CHECK(s.mean() == Approx(6.0));
  CHECK(s.variance() == Approx(4.0));  // ((-2)^2 + 2^2 + 0) / (3 - 1)
  CHECK(s.min() == 4.0);
  CHECK(s.max() == 8.0);
  s.merge(s);
  CHECK(s.count() == 6u);
  CHECK(s.mean() == Approx(6.0));
  CHECK(s.variance() == Approx(16.0 / 5.0));
}

TEST_CASE("TimeWeightedValue integrates a step function", "[stats]")
{
  TimeWeightedValue v(seconds(10), 2.0);
  CHECK(v.average(seconds(10)) == 0.0);  // no time elapsed yet
  v.set(seconds(13), 5.0);               // 2 for 3 s
  CHECK(v.integral(seconds(14)) == Approx(11.0));
  CHECK(v.average(seconds(14)) == 2.75);  // (2*3 + 5*1) / 4
  CHECK(v.value() == 5.0);

  v.add(seconds(14), -1.0);  // now 4
  CHECK(v.value() == 4.0);
  v.reset(seconds(14));  // forget the integral, keep the value
  CHECK(v.integral(seconds(14)) == 0.0);
  CHECK(v.average(seconds(14)) == 0.0);
  CHECK(v.average(seconds(16)) == 4.0);
  v.set(milliseconds(16'500), 0.0);
  CHECK(v.integral(seconds(17)) == Approx(10.0));
  CHECK(v.average(seconds(17)) == Approx(10.0 / 3.0));

  CHECK_THROWS_AS(v.set(seconds(15), 1.0), std::invalid_argument);
}

TEST_CASE("TimeWeightedValue keeps precision over long runs", "[stats]")
{
  // 10^6 one-millisecond steps of a value 1/3 over a long horizon starting at
  // day 100: the compensated sum keeps the average at full double precision.
  const SimTime start = hours(2400);
  TimeWeightedValue v(start);
  SimTime t = start;
  for (int i = 0; i < 1'000'000; ++i) {
    v.set(t, i % 2 == 0 ? 1.0 / 3.0 : 2.0 / 3.0);
    t += milliseconds(1);
  }
  CHECK(v.average(t) == Approx(0.5).epsilon(1e-14));
  CHECK(v.integral(t) == Approx(500.0).epsilon(1e-14));
}
