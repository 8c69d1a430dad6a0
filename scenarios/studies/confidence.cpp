#include "scenarios/studies/confidence.hpp"

#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>

namespace lbsim::scenarios {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// log Gamma(x) for x > 0 by the Lanczos approximation (g = 7, nine terms; relative error of Gamma
// about 1e-15). Our own code rather than std::lgamma, which writes the global `signgam` and is
// not guaranteed to give the same last bits everywhere.
double log_gamma(double x)
{
  static constexpr double kCoefficients[] = {0.99999999999980993,  676.5203681218851,     -1259.1392167224028,
                                             771.32342877765313,   -176.61502916214059,   12.507343278686905,
                                             -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7};
  if (x < 0.5)  // reflection: Gamma(x) Gamma(1 - x) = pi / sin(pi x)
    return std::log(std::numbers::pi / std::fabs(std::sin(std::numbers::pi * x))) - log_gamma(1.0 - x);
  x -= 1.0;
  double sum = kCoefficients[0];
  for (int i = 1; i < 9; ++i) sum += kCoefficients[i] / (x + i);
  const double t = x + 7.5;
  return 0.5 * std::log(2.0 * std::numbers::pi) + (x + 0.5) * std::log(t) - t + std::log(sum);
}

// The continued fraction of I_x(a, b) (modified Lentz; Numerical Recipes' betacf), which
// converges quickly for x < (a + 1) / (a + b + 2).
double beta_continued_fraction(double x, double a, double b)
{
  constexpr double kTiny = 1e-300;
  constexpr double kEpsilon = 1e-16;
  const double qab = a + b, qap = a + 1.0, qam = a - 1.0;
  double c = 1.0;
  double d = 1.0 - qab * x / qap;
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= 100000; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1.0) <= kEpsilon) break;
  }
  return h;
}

// I_x(a, b) given both x and y = 1 - x, each computed without cancellation by the caller.
double incomplete_beta(double x, double y, double a, double b)
{
  if (x <= 0) return 0.0;
  if (y <= 0) return 1.0;
  const double log_front = log_gamma(a + b) - log_gamma(a) - log_gamma(b) + a * std::log(x) + b * std::log(y);
  const double front = std::exp(log_front);
  if (x < (a + 1.0) / (a + b + 2.0)) return front * beta_continued_fraction(x, a, b) / a;
  return 1.0 - front * beta_continued_fraction(y, b, a) / b;
}

// P(T > t) for t >= 0: I_x(df/2, 1/2) / 2 with x = df / (df + t^2).
double upper_tail(double t, double df)
{
  const double t2 = t * t;
  const double x = df / (df + t2);
  const double y = t2 / (df + t2);
  return 0.5 * incomplete_beta(x, y, 0.5 * df, 0.5);
}

}  // namespace

double regularized_incomplete_beta(double x, double a, double b)
{
  if (!(a > 0) || !(b > 0) || !(x >= 0) || !(x <= 1))
    throw std::invalid_argument("regularized_incomplete_beta: needs 0 <= x <= 1 and a, b > 0");
  return incomplete_beta(x, 1.0 - x, a, b);
}

double student_t_cdf(double t, double degrees_of_freedom)
{
  if (!(degrees_of_freedom > 0)) throw std::invalid_argument("student_t_cdf: degrees of freedom must be > 0");
  if (std::isnan(t)) return kNaN;
  if (std::isinf(t)) return t > 0 ? 1.0 : 0.0;
  const double tail = upper_tail(std::fabs(t), degrees_of_freedom);
  return t >= 0 ? 1.0 - tail : tail;
}

double student_t_quantile(double p, double degrees_of_freedom)
{
  if (!(degrees_of_freedom > 0)) throw std::invalid_argument("student_t_quantile: degrees of freedom must be > 0");
  if (!(p > 0) || !(p < 1)) throw std::invalid_argument("student_t_quantile: p must be strictly between 0 and 1");
  if (p == 0.5) return 0.0;
  if (p < 0.5) return -student_t_quantile(1.0 - p, degrees_of_freedom);
  // Solve P(T > t) = q for t > 0. The tail falls monotonically, so bracket the root by doubling
  // and bisect until the bracket cannot shrink; working on the tail keeps small q accurate.
  const double q = 1.0 - p;
  double lo = 0.0, hi = 1.0;
  while (upper_tail(hi, degrees_of_freedom) > q) {
    lo = hi;
    hi *= 2.0;
    if (hi > 1e150) return std::numeric_limits<double>::infinity();
  }
  for (int i = 0; i < 4000; ++i) {
    const double mid = lo + 0.5 * (hi - lo);
    if (mid <= lo || mid >= hi) break;
    if (upper_tail(mid, degrees_of_freedom) > q)
      lo = mid;
    else
      hi = mid;
  }
  const double error_lo = std::fabs(upper_tail(lo, degrees_of_freedom) - q);
  const double error_hi = std::fabs(upper_tail(hi, degrees_of_freedom) - q);
  return error_lo < error_hi ? lo : hi;
}

MeanInterval mean_interval(std::span<const double> values, double confidence)
{
  if (!(confidence > 0) || !(confidence < 1))
    throw std::invalid_argument("mean_interval: confidence must be strictly between 0 and 1");
  MeanInterval result;
  result.n = values.size();
  if (values.empty()) {
    result.mean = result.stddev = result.half_width = kNaN;
    return result;
  }
  double sum = 0;
  for (double v : values) sum += v;
  const double n = static_cast<double>(values.size());
  result.mean = sum / n;
  if (values.size() < 2) {
    result.stddev = result.half_width = kNaN;
    return result;
  }
  double squares = 0;
  for (double v : values) squares += (v - result.mean) * (v - result.mean);
  result.stddev = std::sqrt(squares / (n - 1.0));
  const double t = student_t_quantile(1.0 - (1.0 - confidence) / 2.0, n - 1.0);
  result.half_width = t * result.stddev / std::sqrt(n);
  return result;
}

}  // namespace lbsim::scenarios
