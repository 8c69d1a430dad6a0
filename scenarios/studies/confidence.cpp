#include "scenarios/studies/confidence.hpp"

#include <boost/math/distributions/students_t.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace lbsim::scenarios {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// In double throughout: Boost's default promotes to long double, whose tables it fills at start-up,
// and that start-up aborts under valgrind (which computes long double in 64 bits), so no lbsim
// command could be profiled with callgrind. Double is more than the 4 digits a study prints.
using DoublePolicy = boost::math::policies::policy<boost::math::policies::promote_double<false>>;
using StudentT = boost::math::students_t_distribution<double, DoublePolicy>;

StudentT students_t(double degrees_of_freedom, const char* who)
{
  if (!(degrees_of_freedom > 0)) throw std::invalid_argument(std::string(who) + ": degrees of freedom must be > 0");
  return StudentT(degrees_of_freedom);
}

}  // namespace

double student_t_cdf(double t, double degrees_of_freedom)
{
  const auto distribution = students_t(degrees_of_freedom, "student_t_cdf");
  if (std::isnan(t)) return kNaN;
  if (std::isinf(t)) return t > 0 ? 1.0 : 0.0;
  return boost::math::cdf(distribution, t);
}

double student_t_quantile(double p, double degrees_of_freedom)
{
  const auto distribution = students_t(degrees_of_freedom, "student_t_quantile");
  if (!(p > 0) || !(p < 1)) throw std::invalid_argument("student_t_quantile: p must be strictly between 0 and 1");
  return boost::math::quantile(distribution, p);
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
