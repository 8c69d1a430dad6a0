// Power of d choices in the supermarket model (Mitzenmacher; Vvedenskaya, Dobrushin & Karpelevich):
// N -> infinity exponential FCFS servers, Poisson arrivals of rate lambda N, each joining the
// shortest of d sampled queues. The fixed point s_i = rho^{(d^i - 1)/(d - 1)} (the fraction of
// queues with >= i jobs) gives T_d = sum_{i>=1} rho^{(d^i - d)/(d - 1)} / mu. This is the
// N -> infinity LIMIT: finite pools are slower (about +1% at N = 100, rho 0.8; more near rho 1).
// ../shared/reference/queueing.md section 6.
#pragma once

#include <vector>

namespace lbsim::models::analytic {

struct SupermarketResult {
  int choices = 2;
  double rho = 0, mu = 1;
  std::vector<double> s;  // s[i] = fraction of queues with >= i jobs, s[0] = 1, until < 1e-300
  double w = 0;           // mean response time
  double p_wait = 0;      // s_1^d = rho^d
};

// rho = per-server load lambda / mu in [0, 1), choices d >= 1 (d = 1 is random routing: M/M/1).
// Throws std::domain_error otherwise.
SupermarketResult supermarket(double rho, int choices, double mu = 1.0);
// P(T > t) = sum_{j>=0} e^{-mu t} (mu t)^j / j! s_j^d (the job finds K jobs, P(K >= j) = s_j^d,
// and waits Erlang(K + 1, mu)).
double supermarket_response_tail(const SupermarketResult& q, double t);
double supermarket_response_percentile(const SupermarketResult& q, double p);

}  // namespace lbsim::models::analytic
