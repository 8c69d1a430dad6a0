#include "models/analytic/mg1.hpp"

#include <cmath>
#include <stdexcept>

namespace lbsim::models::analytic {

ServiceMoments mixture_moments(std::span<const MixtureComponent> components)
{
  if (components.empty()) throw std::domain_error("mixture: no components");
  double total = 0;
  for (const MixtureComponent& c : components) {
    if (!(c.weight >= 0)) throw std::domain_error("mixture: a weight is negative");
    total += c.weight;
  }
  if (!(total > 0)) throw std::domain_error("mixture: the weights sum to 0");
  double mean = 0, second = 0;
  for (const MixtureComponent& c : components) {
    const double w = c.weight / total;
    mean += w * c.mean;
    second += w * (c.variance + c.mean * c.mean);
  }
  ServiceMoments m;
  m.mean = mean;
  m.scv = mean > 0 ? second / (mean * mean) - 1.0 : 0.0;
  if (m.scv < 0 && m.scv > -1e-12) m.scv = 0;  // rounding of a constant mixture
  return m;
}

Mg1Result mg1(double lambda, const ServiceMoments& s)
{
  if (!(lambda >= 0) || !std::isfinite(lambda)) throw std::domain_error("M/G/1: the arrival rate must be >= 0");
  if (!(s.mean > 0) || !std::isfinite(s.mean)) throw std::domain_error("M/G/1: the mean service time must be > 0");
  if (!(s.scv >= 0) || !std::isfinite(s.scv)) throw std::domain_error("M/G/1: the service time needs a finite variance");
  Mg1Result q;
  q.lambda = lambda;
  q.rho = lambda * s.mean;
  if (!(q.rho < 1)) throw std::domain_error("M/G/1: utilization rho >= 1, no steady state");
  q.p_wait = q.rho;
  q.wq = q.rho * (1.0 + s.scv) * s.mean / (2.0 * (1.0 - q.rho));
  q.w = q.wq + s.mean;
  q.lq = lambda * q.wq;
  q.l = lambda * q.w;
  if (s.third && std::isfinite(*s.third)) q.wq_second_moment = 2.0 * q.wq * q.wq + lambda * *s.third / (3.0 * (1.0 - q.rho));
  return q;
}

}  // namespace lbsim::models::analytic
