// Confidence intervals for the mean of replications: Student's t distribution, written out here
// (regularized incomplete beta by continued fraction, inverted by bisection) so the quantiles do
// not depend on a statistics library.
#pragma once

#include <cstddef>
#include <span>

namespace lbsim::scenarios {

// I_x(a, b), the regularized incomplete beta function, for 0 <= x <= 1 and a, b > 0.
double regularized_incomplete_beta(double x, double a, double b);

// P(T <= t) for T with Student's t distribution of `degrees_of_freedom` (> 0, need not be whole).
double student_t_cdf(double t, double degrees_of_freedom);

// The t with P(T <= t) = p, for 0 < p < 1: student_t_quantile(0.975, 4) = 2.776445...
// Relative error about 1e-12 for the probabilities confidence intervals use (tested against tables).
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
