#include "models/analytic/erlang.hpp"

#include "models/analytic/tails.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace lbsim::models::analytic {

namespace {

void require(bool ok, const std::string& what)
{
  if (!ok) throw std::domain_error(what);
}

double log_add(double a, double b)
{
  if (a == -std::numeric_limits<double>::infinity()) return b;
  if (b == -std::numeric_limits<double>::infinity()) return a;
  const double hi = std::max(a, b), lo = std::min(a, b);
  return hi + std::log1p(std::exp(lo - hi));
}

}  // namespace

double erlang_b(int servers, double offered_load)
{
  require(servers >= 0 && offered_load >= 0 && std::isfinite(offered_load), "erlang_b: needs c >= 0 and a >= 0");
  double b = 1.0;
  for (int k = 1; k <= servers; ++k) b = offered_load * b / (k + offered_load * b);
  return b;
}

double erlang_c(int servers, double offered_load)
{
  require(servers >= 1, "erlang_c: needs c >= 1");
  require(offered_load >= 0 && offered_load < servers, "erlang_c: the load a = lambda/mu must be below c (rho < 1)");
  const double b = erlang_b(servers, offered_load);
  const double rho = offered_load / servers;
  return b / (1.0 - rho * (1.0 - b));
}

MmcResult mmc(int servers, double lambda, double mu)
{
  require(servers >= 1, "M/M/c: needs at least one server");
  require(mu > 0 && std::isfinite(mu), "M/M/c: the service rate must be > 0");
  require(lambda >= 0 && std::isfinite(lambda), "M/M/c: the arrival rate must be >= 0");
  MmcResult q;
  q.servers = servers;
  q.lambda = lambda;
  q.mu = mu;
  q.rho = lambda / (servers * mu);
  require(q.rho < 1, "M/M/c: utilization rho >= 1, no steady state");
  q.p_wait = erlang_c(servers, lambda / mu);
  q.wq = q.p_wait / (servers * mu - lambda);
  q.w = q.wq + 1.0 / mu;
  q.lq = lambda * q.wq;
  q.l = lambda * q.w;
  return q;
}

double mmc_response_tail(const MmcResult& q, double t)
{
  if (t <= 0) return 1.0;
  const double mu = q.mu, theta = q.servers * q.mu - q.lambda, c = q.p_wait;
  const double no_wait = (1.0 - c) * std::exp(-mu * t);
  // S + Exp(theta): hypoexponential; at theta = mu it is Erlang(2, mu).
  double waited;
  if (std::abs(theta - mu) <= 1e-9 * mu)
    waited = std::exp(-mu * t) * (1.0 + mu * t);
  else
    waited = (theta * std::exp(-mu * t) - mu * std::exp(-theta * t)) / (theta - mu);
  return no_wait + c * waited;
}

double mmc_response_percentile(const MmcResult& q, double p)
{
  return percentile_from_tail([&q](double t) { return mmc_response_tail(q, t); }, p, q.w);
}

double mmc_wait_percentile(const MmcResult& q, double p)
{
  require(p > 0 && p < 1, "percentile: p must lie strictly between 0 and 1");
  const double theta = q.servers * q.mu - q.lambda;
  return std::max(0.0, std::log(q.p_wait / (1.0 - p)) / theta);
}

MmckResult mmck(int servers, long capacity, double lambda, double mu)
{
  require(servers >= 1, "M/M/c/K: needs at least one server");
  require(capacity >= servers, "M/M/c/K: the capacity K must be at least c");
  require(capacity <= kMaxMmckCapacity, "M/M/c/K: the capacity K is too large to solve");
  require(mu > 0 && std::isfinite(mu), "M/M/c/K: the service rate must be > 0");
  require(lambda >= 0 && std::isfinite(lambda), "M/M/c/K: the arrival rate must be >= 0");
  MmckResult q;
  q.servers = servers;
  q.capacity = capacity;
  q.lambda = lambda;
  q.mu = mu;
  const auto size = static_cast<std::size_t>(capacity) + 1;
  q.p.assign(size, 0.0);
  if (lambda == 0) {
    q.p[0] = 1.0;
  } else {
    // ln p_n up to a constant: p_n = p_{n-1} a / min(n, c); normalized by the largest term.
    const double log_a = std::log(lambda / mu);
    std::vector<double> log_p(size, 0.0);
    for (std::size_t n = 1; n < size; ++n)
      log_p[n] = log_p[n - 1] + log_a - std::log(static_cast<double>(std::min<std::size_t>(n, static_cast<std::size_t>(servers))));
    const double top = *std::max_element(log_p.begin(), log_p.end());
    double total = 0;
    for (std::size_t n = 0; n < size; ++n) total += (q.p[n] = std::exp(log_p[n] - top));
    for (double& x : q.p) x /= total;
  }
  q.p_block = q.p.back();
  q.throughput = lambda * (1.0 - q.p_block);
  double waiting = 0;
  for (std::size_t n = 0; n < size; ++n) {
    const double pn = q.p[n];
    q.l += static_cast<double>(n) * pn;
    if (n > static_cast<std::size_t>(servers)) q.lq += static_cast<double>(n - static_cast<std::size_t>(servers)) * pn;
    if (n >= static_cast<std::size_t>(servers) && n + 1 < size) waiting += pn;
  }
  if (q.throughput > 0) {
    q.w = q.l / q.throughput;
    q.wq = q.lq / q.throughput;
    q.p_wait_admitted = waiting / (1.0 - q.p_block);
  } else {
    q.w = 1.0 / mu;
  }
  return q;
}

double mmck_response_tail(const MmckResult& q, double t)
{
  if (t <= 0) return 1.0;
  const auto c = static_cast<std::size_t>(q.servers);
  const auto k_max = static_cast<std::size_t>(q.capacity);
  // r[k]: P(an admitted request waits for k departures before its service), k = 0 .. K - c.
  const double admitted = 1.0 - q.p_block;
  if (!(admitted > 0)) return std::exp(-q.mu * t);
  std::vector<double> r(k_max - c + 1, 0.0);
  for (std::size_t n = 0; n < k_max; ++n) r[n < c ? 0 : n - c + 1] += q.p[n] / admitted;
  while (r.size() > 1 && r.back() == 0.0) r.pop_back();

  if (c == 1) {
    // Erlang(k + 1, mu): the mixture of section 1's form, P(K >= j) = sum_{k >= j} r_k.
    std::vector<double> tail(r.size());
    double acc = 0;
    for (std::size_t j = r.size(); j-- > 0;) tail[j] = (acc += r[j]);
    return erlang_mixture_tail(q.mu, t, tail);
  }
  // c >= 2, theta = c mu > mu: P(Erl(k, theta) + S > t)
  //   = P(Erl(k, theta) > t) + e^{-mu t} (theta / (theta - mu))^k P(Erl(k, theta - mu) <= t).
  const double theta = static_cast<double>(c) * q.mu;
  const std::size_t kn = r.size();
  // Part A: sum_k r_k sum_{j<k} pi_j(theta t) = sum_j pi_j(theta t) R_{>j}.
  const std::vector<double> pi_a = poisson_terms(theta * t, kn);
  double part_a = 0, above = 1.0 - r[0];
  for (std::size_t j = 0; j + 1 < kn; ++j) {
    part_a += pi_a[j] * std::max(0.0, above);
    above -= r[j + 1];
  }
  // Part B, in log space: S_k = P(Poisson(y) >= k), y = (c - 1) mu t, by suffix log-sums.
  const double y = (theta - q.mu) * t;
  const auto top = static_cast<std::size_t>(std::max<double>(static_cast<double>(kn), y + 40.0 * std::sqrt(y) + 50.0));
  const double log_y = std::log(y);
  std::vector<double> log_pi(top + 1);
  double log_factorial = 0;
  for (std::size_t i = 0; i <= top; ++i) {
    if (i > 0) log_factorial += std::log(static_cast<double>(i));
    log_pi[i] = -y + static_cast<double>(i) * log_y - log_factorial;
  }
  std::vector<double> log_s(top + 1);
  log_s[top] = log_pi[top];
  for (std::size_t i = top; i-- > 0;) log_s[i] = log_add(log_pi[i], log_s[i + 1]);
  const double log_ratio = std::log(theta / (theta - q.mu));
  double part_b = 0;
  for (std::size_t k = 0; k < kn; ++k)
    if (r[k] > 0)
      part_b += std::exp(std::log(r[k]) + static_cast<double>(k) * log_ratio + std::min(0.0, log_s[k]) - q.mu * t);
  return std::min(1.0, part_a + part_b);
}

double mmck_response_percentile(const MmckResult& q, double p)
{
  return percentile_from_tail([&q](double t) { return mmck_response_tail(q, t); }, p, q.w > 0 ? q.w : 1.0 / q.mu);
}

}  // namespace lbsim::models::analytic
