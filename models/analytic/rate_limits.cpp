#include "models/analytic/rate_limits.hpp"

#include "models/analytic/erlang.hpp"
#include "models/analytic/tails.hpp"

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace lbsim::models::analytic {

namespace {

void require(bool ok, const std::string& what)
{
  if (!ok) throw std::domain_error(what);
}

bool positive(double x) { return x > 0 && std::isfinite(x); }

constexpr double kMillisecond = 1e-3;

}  // namespace

double dead_time_admitted_rate(double lambda, double dead_time_s)
{
  require(lambda >= 0 && std::isfinite(lambda), "dead time: the arrival rate must be >= 0");
  require(dead_time_s >= 0 && std::isfinite(dead_time_s), "dead time: the dead time must be >= 0");
  return lambda / (1.0 + lambda * dead_time_s);
}

int64_t leaky_bucket_dead_time_ms(int64_t rate_milli)
{
  require(rate_milli > 0, "leaky bucket: the rate must be above zero");
  return (1'000'000 + rate_milli - 1) / rate_milli;
}

RenewalCycle leaky_bucket_burst0_cycle(double lambda, int64_t rate_milli)
{
  require(positive(lambda), "leaky bucket: the arrival rate must be above zero");
  const double d = static_cast<double>(leaky_bucket_dead_time_ms(rate_milli));
  // G ~ Geometric on {0, 1, ...} with P(G = k) = q^k (1 - q): E[G] = q / (1 - q) = 1 / (e^x - 1),
  // Var[G] = q / (1 - q)^2 = e^x / (e^x - 1)^2, x = lambda x 1 ms.
  const double x = lambda * kMillisecond;
  const double em1 = std::expm1(x);
  RenewalCycle c;
  c.mean = kMillisecond * (d + 1.0 / em1);
  c.variance = kMillisecond * kMillisecond * std::exp(x) / (em1 * em1);
  return c;
}

double leaky_bucket_burst0_admitted_rate(double lambda, int64_t rate_milli)
{
  return 1.0 / leaky_bucket_burst0_cycle(lambda, rate_milli).mean;
}

double token_bucket_admitted_rate(double lambda, double rate, int64_t burst)
{
  require(lambda >= 0 && std::isfinite(lambda), "token bucket: the arrival rate must be >= 0");
  require(positive(rate), "token bucket: the rate must be above zero");
  require(burst >= 1 && burst <= 10000, "token bucket: the size must be 1 to 10000");
  const double rho = lambda / rate;
  require(rho <= 500, "token bucket: lambda / r above 500 (e^-rho underflows)");
  if (lambda == 0) return 0;
  const auto k = static_cast<std::size_t>(burst);
  // a[j]: j arrivals during one service time 1/r; tail[j] = P(A > j), summed from above.
  const std::size_t terms = k + static_cast<std::size_t>(rho + 40 * std::sqrt(rho) + 60);
  const std::vector<double> a = poisson_terms(rho, terms);
  std::vector<double> tail(k, 0.0);
  double above = 0;
  for (std::size_t j = terms; j-- > 0;) {
    if (j < k) tail[j] = above;
    above += a[j];
  }
  // Departure epochs, states 0 .. b-1. Crossings between {0..j-1} and {j..}: up from 0 when A > j-1,
  // from i >= 1 when A > j-i; down from j when A = 0.
  std::vector<double> pi(k, 0.0);
  pi[0] = 1.0;
  for (std::size_t j = 1; j < k; ++j) {
    double up = pi[0] * tail[j - 1];
    for (std::size_t i = 1; i < j; ++i) up += pi[i] * tail[j - i];
    pi[j] = up / a[0];
    if (pi[j] > 1e250)  // rho > 1 grows geometrically: rescale what we have
      for (std::size_t i = 0; i <= j; ++i) pi[i] *= 1e-250;
  }
  double total = 0;
  for (double p : pi) total += p;
  const double pi0 = pi[0] / total;
  // Time averages: p_j = pi_j / (pi_0 + rho) for j < b, so P(b in the queue) = 1 - 1 / (pi_0 + rho).
  const double blocked = 1.0 - 1.0 / (pi0 + rho);
  return lambda * (1.0 - blocked);
}

double fixed_window_admitted_rate(double lambda, int64_t limit, double window_s)
{
  require(lambda >= 0 && std::isfinite(lambda), "fixed window: the arrival rate must be >= 0");
  require(limit >= 1 && limit <= 10'000'000, "fixed window: the limit must be 1 to 10^7");
  require(positive(window_s), "fixed window: the window must be above zero");
  // E[min(N, L)] = sum_{k<L} k p_k + L P(N >= L): both terms non-negative.
  const double mean = lambda * window_s;
  const std::vector<double> p = poisson_terms(mean, static_cast<std::size_t>(limit));
  double below = 0, cdf = 0;
  for (std::size_t k = 0; k < p.size(); ++k) {
    below += static_cast<double>(k) * p[k];
    cdf += p[k];
  }
  const double at_least_l = cdf >= 1.0 ? 0.0 : 1.0 - cdf;
  return (below + static_cast<double>(limit) * at_least_l) / window_s;
}

double concurrency_rejected_fraction(double lambda, double mean_holding_s, int limit)
{
  require(lambda >= 0 && std::isfinite(lambda), "concurrency: the arrival rate must be >= 0");
  require(mean_holding_s >= 0 && std::isfinite(mean_holding_s), "concurrency: the holding time must be >= 0");
  require(limit >= 1, "concurrency: the limit must be at least 1");
  return erlang_b(limit, lambda * mean_holding_s);
}

}  // namespace lbsim::models::analytic
