#include "models/analytic/gim1.hpp"

#include <cmath>
#include <stdexcept>

namespace lbsim::models::analytic {

double gim1_sigma(const std::function<double(double)>& laplace, double mu)
{
  double lo = 0.0, hi = 1.0 - 1e-15;
  for (int i = 0; i < 200 && hi - lo > 1e-16; ++i) {
    const double sigma = 0.5 * (lo + hi);
    (laplace(mu * (1.0 - sigma)) > sigma ? lo : hi) = sigma;
  }
  return 0.5 * (lo + hi);
}

Gim1Result en_m1(int phases, double lambda, double mu)
{
  if (phases < 1) throw std::domain_error("E_N/M/1: needs N >= 1 phases");
  if (!(lambda > 0) || !std::isfinite(lambda)) throw std::domain_error("E_N/M/1: the arrival rate must be > 0");
  if (!(mu > 0) || !std::isfinite(mu)) throw std::domain_error("E_N/M/1: the service rate must be > 0");
  Gim1Result q;
  q.lambda = lambda;
  q.mu = mu;
  q.rho = lambda / mu;
  if (!(q.rho < 1)) throw std::domain_error("E_N/M/1: utilization rho >= 1, no steady state");
  const double phase_rate = phases * lambda;
  q.sigma = gim1_sigma([&](double s) { return std::pow(phase_rate / (phase_rate + s), phases); }, mu);
  q.w = 1.0 / (mu * (1.0 - q.sigma));
  q.wq = q.sigma * q.w;
  return q;
}

double gim1_response_percentile(const Gim1Result& q, double p)
{
  if (!(p > 0 && p < 1)) throw std::domain_error("percentile: p must lie strictly between 0 and 1");
  return -std::log1p(-p) / (q.mu * (1.0 - q.sigma));
}

}  // namespace lbsim::models::analytic
