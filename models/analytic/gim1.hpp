// The GI/M/1 queue, in particular E_N/M/1: what each of N identical exponential servers sees under
// round robin of a Poisson stream (every N-th arrival: Erlang(N) interarrival times).
// sigma = the root in (0, 1) of sigma = A*(mu (1 - sigma)), A* the Laplace transform of the
// interarrival time; an arrival finds a geometric(sigma) number of jobs, so T ~ Exp(mu (1 - sigma)).
// ../shared/reference/queueing.md section 5.
#pragma once

#include <functional>

namespace lbsim::models::analytic {

// The root in (0, 1) by bisection (A*(mu(1-s)) - s is > 0 below it and < 0 above it). Needs
// rho = 1 / (mu E[A]) < 1; the caller guarantees it.
double gim1_sigma(const std::function<double(double)>& interarrival_laplace, double mu);

struct Gim1Result {
  double lambda = 0, mu = 1, rho = 0;
  double sigma = 0;   // = P(wait > 0)
  double w = 0, wq = 0;
};

// E_N/M/1 with arrival rate lambda (Erlang(N, N lambda) interarrivals) and service rate mu.
// Throws std::domain_error unless phases >= 1, lambda > 0, mu > 0 and rho = lambda/mu < 1.
Gim1Result en_m1(int phases, double lambda, double mu);
// T ~ Exp(mu (1 - sigma)): T_p = -ln(1 - p) / (mu (1 - sigma)).
double gim1_response_percentile(const Gim1Result& q, double p);

}  // namespace lbsim::models::analytic
