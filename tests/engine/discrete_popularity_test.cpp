#include "engine/discrete_popularity.hpp"

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include <catch2/catch.hpp>

#include "engine/rng.hpp"

using namespace lbsim::engine;

namespace {

// H_{K,s} = sum_{i=1..K} i^-s, summed from the small terms up.
double harmonic(uint64_t k, double s)
{
  double h = 0;
  for (uint64_t i = k; i >= 1; --i) h += std::pow(static_cast<double>(i), -s);
  return h;
}

// Pearson's chi-square of `draws` ids against p_i = i^-s / H_{K,s}.
double zipf_chi_square(uint64_t k, double s, int draws, uint64_t seed)
{
  const DiscretePopularity zipf = DiscretePopularity::zipf(k, s);
  RngStream rng(seed, "zipf-chi-square");
  std::vector<double> count(k + 1, 0.0);
  for (int n = 0; n < draws; ++n) {
    const uint64_t id = zipf.draw(rng);
    REQUIRE(id >= 1);  // before indexing
    REQUIRE(id <= k);
    count[id] += 1;
  }
  const double h = harmonic(k, s);
  double chi2 = 0;
  for (uint64_t i = 1; i <= k; ++i) {
    const double expected = draws * std::pow(static_cast<double>(i), -s) / h;
    chi2 += (count[i] - expected) * (count[i] - expected) / expected;
  }
  return chi2;
}

}  // namespace

// The 99.9th percentiles of chi-square with K - 1 degrees of freedom (9: 27.877, 19: 43.820,
// 29: 58.301, 49: 85.351, 99: 148.230): a correct sampler fails one of these with probability 1e-3
// per case (the seeds are fixed, so a pass is reproducible); a wrong exponent, an off-by-one id or a
// biased acceptance step moves chi-square far above them at 200,000 draws (every expected count is
// at least 30).
TEST_CASE("Zipf ids follow i^-s / H(K, s) (chi-square)", "[popularity]")
{
  constexpr int kDraws = 200'000;
  CHECK(zipf_chi_square(10, 1.2, kDraws, 1) < 27.877);
  CHECK(zipf_chi_square(20, 1.0, kDraws, 2) < 43.820);   // s = 1: the log branch of H
  CHECK(zipf_chi_square(30, 2.5, kDraws, 3) < 58.301);
  CHECK(zipf_chi_square(50, 0.8, kDraws, 4) < 85.351);
  CHECK(zipf_chi_square(100, 0.3, kDraws, 5) < 148.230);
  CHECK(zipf_chi_square(10, 1e-9, kDraws, 6) < 27.877);  // s -> 0: the series branches
}

TEST_CASE("A wrong exponent is caught by the chi-square check", "[popularity]")
{
  // The same check against s = 1.0 when the sampler draws s = 1.2: the test can fail.
  const DiscretePopularity zipf = DiscretePopularity::zipf(10, 1.2);
  RngStream rng(7, "zipf-wrong");
  std::vector<double> count(11, 0.0);
  for (int n = 0; n < 200'000; ++n) count[zipf.draw(rng)] += 1;
  const double h = harmonic(10, 1.0);
  double chi2 = 0;
  for (int i = 1; i <= 10; ++i) {
    const double expected = 200'000.0 / i / h;
    chi2 += (count[i] - expected) * (count[i] - expected) / expected;
  }
  CHECK(chi2 > 27.877);
}

TEST_CASE("Uniform ids, and Zipf with s = 0 is the same uniform", "[popularity]")
{
  const DiscretePopularity uniform = DiscretePopularity::uniform(16);
  CHECK(uniform.count() == 16);
  CHECK(uniform.exponent() == 0.0);
  RngStream rng(11, "uniform");
  std::vector<double> count(17, 0.0);
  constexpr int kDraws = 160'000;
  for (int n = 0; n < kDraws; ++n) count[uniform.draw(rng)] += 1;
  CHECK(count[0] == 0.0);
  double chi2 = 0;
  for (int i = 1; i <= 16; ++i) chi2 += (count[i] - 10'000.0) * (count[i] - 10'000.0) / 10'000.0;
  CHECK(chi2 < 37.697);  // chi-square, 15 degrees of freedom, 99.9th percentile

  // One rng.below(K) per uniform draw: s = 0 gives exactly the same ids as uniform.
  const DiscretePopularity flat = DiscretePopularity::zipf(1000, 0.0);
  RngStream a(12, "same"), b(12, "same"), c(12, "same");
  for (int n = 0; n < 1000; ++n) {
    const uint64_t id = flat.draw(a);
    CHECK(id == DiscretePopularity::uniform(1000).draw(b));
    CHECK(id == c.below(1000) + 1);
  }
}

TEST_CASE("Zipf over a million ids: the mean id and P(1) against the analytic values", "[popularity]")
{
  constexpr uint64_t kIds = 1'000'000;
  constexpr int kDraws = 1'000'000;
  for (const double s : {0.9, 1.2}) {
    INFO("s = " << s);
    // E[i] = H_{K,s-1} / H_{K,s}, Var[i] = H_{K,s-2} / H_{K,s} - E[i]^2; the sample mean is within
    // 5 standard errors sigma / sqrt(n) (a false failure has probability 6e-7).
    const double h = harmonic(kIds, s);
    const double mean = harmonic(kIds, s - 1) / h;
    const double variance = harmonic(kIds, s - 2) / h - mean * mean;
    const double p1 = 1.0 / h;
    const DiscretePopularity zipf = DiscretePopularity::zipf(kIds, s);
    RngStream rng(20, "zipf-large");
    double sum = 0, ones = 0;
    int out_of_range = 0;
    for (int n = 0; n < kDraws; ++n) {
      const uint64_t id = zipf.draw(rng);
      out_of_range += id < 1 || id > kIds ? 1 : 0;
      sum += static_cast<double>(id);
      ones += id == 1 ? 1 : 0;
    }
    CHECK(out_of_range == 0);
    CHECK(std::abs(sum / kDraws - mean) < 5 * std::sqrt(variance / kDraws));
    CHECK(std::abs(ones / kDraws - p1) < 5 * std::sqrt(p1 * (1 - p1) / kDraws));
  }
}

TEST_CASE("Popularity draws are deterministic per seed", "[popularity]")
{
  const DiscretePopularity zipf = DiscretePopularity::zipf(1'000'000, 0.9);
  RngStream a(99, "client-mix"), b(99, "client-mix"), other(100, "client-mix");
  int differ = 0;
  for (int n = 0; n < 10'000; ++n) {
    const uint64_t x = zipf.draw(a);
    CHECK(x == zipf.draw(b));
    differ += x != zipf.draw(other) ? 1 : 0;
  }
  CHECK(differ > 5'000);
}

TEST_CASE("Popularity edge cases", "[popularity]")
{
  RngStream rng(5, "edges");
  const DiscretePopularity one = DiscretePopularity::zipf(1, 0.9);
  for (int n = 0; n < 100; ++n) CHECK(one.draw(rng) == 1);
  // A steep exponent: P(1) = 1 / zeta_K(20) = 0.99999905; every draw stays in range.
  const DiscretePopularity steep = DiscretePopularity::zipf(1000, 20);
  int ones = 0;
  for (int n = 0; n < 10'000; ++n) {
    const uint64_t id = steep.draw(rng);
    CHECK(id >= 1);
    CHECK(id <= 1000);
    ones += id == 1 ? 1 : 0;
  }
  CHECK(ones >= 9'990);
  CHECK_THROWS_AS(DiscretePopularity::uniform(0), std::invalid_argument);
  CHECK_THROWS_AS(DiscretePopularity::zipf(0, 1.0), std::invalid_argument);
  CHECK_THROWS_AS(DiscretePopularity::zipf(10, -0.5), std::invalid_argument);
  CHECK_THROWS_AS(DiscretePopularity::zipf(10, std::nan("")), std::invalid_argument);
}
