// Confidence intervals for the mean of replications: Student's t distribution from Boost.Math
// (private to this file's source), the one place lbsim takes t quantiles from.
#pragma once

#include <cstddef>
#include <span>

namespace lbsim::scenarios {

// P(T <= t) for T with Student's t distribution of `degrees_of_freedom` (> 0, need not be whole).
double student_t_cdf(double t, double degrees_of_freedom);

// The t with P(T <= t) = p, for 0 < p < 1: student_t_quantile(0.975, 4) = 2.776445...
// Boost.Math's, accurate to a few units in the last place (tested against tables).
double student_t_quantile(double p, double degrees_of_freedom);

struct MeanInterval {
  std::size_t n = 0;
  double mean = 0;        // NaN when n == 0
  double stddev = 0;      // sample standard deviation (n - 1 in the denominator); NaN when n < 2
  double half_width = 0;  // t(1 - (1 - confidence) / 2, n - 1) * stddev / sqrt(n); NaN when n < 2
};

// The mean of `values` and the half-width of its two-sided Student-t confidence interval at
// `confidence` (0 < confidence < 1). Sums run in the order given, so the result depends on the
// values and their order only.
MeanInterval mean_interval(std::span<const double> values, double confidence);

}  // namespace lbsim::scenarios
