#include "models/analytic/tails.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace lbsim::models::analytic {

std::vector<double> poisson_terms(double x, std::size_t count)
{
  std::vector<double> terms(count, 0.0);
  if (count == 0) return terms;
  if (x <= 0) {
    terms[0] = 1.0;
    return terms;
  }
  const double log_x = std::log(x);
  double log_factorial = 0;  // ln j!, summed: std::lgamma may write the global signgam
  for (std::size_t j = 0; j < count; ++j) {
    if (j > 0) log_factorial += std::log(static_cast<double>(j));
    terms[j] = std::exp(-x + static_cast<double>(j) * log_x - log_factorial);
  }
  return terms;
}

double erlang_mixture_tail(double mu, double t, const std::vector<double>& tail)
{
  if (t <= 0) return 1.0;
  const std::vector<double> terms = poisson_terms(mu * t, tail.size());
  double sum = 0;
  for (std::size_t j = 0; j < tail.size(); ++j) sum += terms[j] * tail[j];
  return std::min(1.0, sum);
}

double percentile_from_tail(const std::function<double(double)>& tail, double p, double scale)
{
  if (!(p > 0 && p < 1)) throw std::domain_error("percentile: p must lie strictly between 0 and 1");
  const double target = 1.0 - p;
  if (tail(0.0) <= target) return 0.0;
  double lo = 0.0, hi = scale > 0 ? scale : 1.0;
  for (int i = 0; i < 2000 && tail(hi) > target; ++i) {
    lo = hi;
    hi *= 2.0;
  }
  for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (tail(mid) > target ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace lbsim::models::analytic
