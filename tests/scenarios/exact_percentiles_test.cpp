// Percentiles of small runs are exact (engine/latency_histogram.hpp keeps every value up to
// kExactLimit): a teaching scenario whose response times are known to the nanosecond prints them,
// not a histogram bucket's midpoint.
#include "engine/latency_histogram.hpp"
#include "scenarios/format/loader.hpp"
#include "scenarios/runner.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace lbsim;

namespace {
double percentile(const models::RunSummary& s, double p)
{
  for (const auto& [q, v] : s.latency_percentiles_s)
    if (q == p) return v;
  FAIL("no p" << p);
  return 0;
}
}  // namespace

TEST_CASE("least-connections.yaml prints its seven exact response times as percentiles", "[percentiles][teaching]")
{
  // By hand (the file's description): the 30 s reports on A and B take 30 s; the 1 s report on C
  // 1 s; the pings of 2 s and 2.5 s go to C (5 s, and 9.5 s behind the first), those of 5 s and
  // 8 s to B and A, behind the reports: 30.1 - 5 + 5 = 30.1 s and 30 - 8 + 5 = 27 s. Sorted:
  // 1, 5, 9.5, 27, 30, 30, 30.1 s (A's report ends at 30 s, B's at 30.1 s: 30 s each).
  const models::RunSummary s = scenarios::run_scenario(
      scenarios::load_scenario_file(std::string(LBSIM_SOURCE_DIR) + "/examples/teaching/least-connections.yaml"), "");
  REQUIRE(s.completed == 7);
  // p50: rank ceil(3.5) = 4 -> 27 s; p90: rank ceil(6.3) = 7 -> 30.1 s. A bucket of the histogram
  // there is 134 ms wide: its midpoint (27.044872 s) was what lbsim printed before.
  CHECK(percentile(s, 50) == Approx(27.0).margin(1e-12));
  CHECK(percentile(s, 90) == Approx(30.1).margin(1e-12));
  CHECK(percentile(s, 99) == Approx(30.1).margin(1e-12));
  CHECK(s.latency_min_s == Approx(1.0).margin(1e-12));
  CHECK(s.latency_mean_s == Approx((1 + 5 + 9.5 + 27 + 30 + 30 + 30.1) / 7).margin(1e-12));
}

TEST_CASE("a run past the exact limit reports histogram percentiles within 1/256", "[percentiles]")
{
  // mm1.yaml: 500,000 responses, more than kExactLimit; its p50 from the buckets is within the
  // histogram's bound of the M/M/1 median, ln 2 / (mu - lambda) = 34.66 ms, give or take the run's noise.
  static_assert(engine::LatencyHistogram::kExactLimit < 500'000);
  const models::RunSummary s = scenarios::run_scenario(
      scenarios::load_scenario_file(std::string(LBSIM_SOURCE_DIR) + "/examples/mm1.yaml"), "");
  REQUIRE(s.completed > engine::LatencyHistogram::kExactLimit);
  CHECK(percentile(s, 50) == Approx(0.6931471805599453 / 20.0).epsilon(0.05));
}
