// The M/G/1 queue by Pollaczek-Khinchine: the mean wait from the first two moments of the service
// time, and the second moment of the wait (Takacs) when the third is known. FCFS, one server.
// ../shared/reference/queueing.md section 4.
#pragma once

#include <optional>
#include <span>

namespace lbsim::models::analytic {

// A service time by its moments: mean and squared coefficient of variation Var/mean^2.
struct ServiceMoments {
  double mean = 1;
  double scv = 1;
  std::optional<double> third;  // E[S^3], when known (infinite moments are not "known")
};

// One component of a mixture: chosen with probability weight / (sum of weights).
struct MixtureComponent {
  double weight = 1;
  double mean = 1;
  double variance = 1;
};

// Mean and SCV of the mixture (E[S] = sum w_i m_i, E[S^2] = sum w_i (v_i + m_i^2), weights
// normalized). Throws std::domain_error on no components, a weight < 0, or a zero total weight.
ServiceMoments mixture_moments(std::span<const MixtureComponent> components);

struct Mg1Result {
  double lambda = 0, rho = 0;
  double wq = 0, w = 0, lq = 0, l = 0;
  std::optional<double> wq_second_moment;  // E[Wq^2] = 2 Wq^2 + lambda E[S^3] / (3 (1 - rho))
  double p_wait = 0;                       // rho, for every M/G/1
};

// Wq = lambda E[S^2] / (2 (1 - rho)) = rho (1 + SCV) E[S] / (2 (1 - rho)). Throws
// std::domain_error unless lambda >= 0, mean > 0, scv >= 0 (finite) and rho < 1.
Mg1Result mg1(double lambda, const ServiceMoments& service);

}  // namespace lbsim::models::analytic
