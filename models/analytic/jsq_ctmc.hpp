// Join-the-shortest-queue over N identical exponential FCFS servers (one core each) with Poisson
// arrivals, solved as a continuous-time Markov chain. By symmetry only the sorted queue lengths
// matter (the tie rule among equally short queues changes nothing), and they are written as a
// level, the shortest queue's length m, and a phase, the sorted differences 0 = d_1 <= ... <= d_N
// to it. The chain moves one level at a time (an arrival to the only shortest queue raises m, a
// departure from a shortest queue lowers it), so its generator is block tridiagonal and is solved
// exactly by linear level reduction with dense Eigen blocks (inside the .cpp).
//
// Truncation: levels m <= M (an arrival that would lift the shortest queue above M is lost) and
// differences d_N <= D (a departure that would make a difference exceed D is held back). Both are
// chosen from the load so that the probability mass they touch is below 1e-13, and reported.
// ../shared/reference/queueing.md section 7 (N = 2); N = 3 and 4 use the same chain.
#pragma once

#include <cstddef>
#include <vector>

namespace lbsim::models::analytic {

struct JsqOptions {
  int levels = 0;          // M; 0: smallest with rho^(N M) < 1e-13
  int max_difference = 0;  // D; 0: grown from 8 by 4 until P(d_N = D) < 1e-13 (or max_phases)
  std::size_t max_phases = 200;  // the largest block (phases per level) D may grow to
};

struct JsqResult {
  int servers = 2;
  double lambda = 0, mu = 1, rho = 0;  // rho = lambda / (N mu)
  int levels = 0, max_difference = 0;  // M and D used
  std::size_t phases = 0;              // states per level
  double l = 0;           // mean number in the system
  double throughput = 0;  // lambda (1 - p_lost)
  double w = 0;           // mean response time of admitted requests, L / throughput
  double p_lost = 0;      // arrivals lost at the top level (truncation; should be negligible)
  double p_edge = 0;      // P(d_N = D): mass where departures are held back (truncation)
  double p_wait = 0;      // P(the queue joined is not empty)
  std::vector<double> joined_tail;  // P(K >= j), K = jobs found in the queue joined (admitted arrivals)
  double balance_residual = 0;      // max |(pi Q)_i| of the solution
};

// lambda = total arrival rate, mu = each server's service rate. Throws std::domain_error unless
// 1 <= servers <= 4, lambda >= 0, mu > 0 and rho < 1.
JsqResult jsq(int servers, double lambda, double mu, const JsqOptions& options = {});
// T ~ Erlang(K + 1, mu) with the distribution of K above.
double jsq_response_tail(const JsqResult& q, double t);
double jsq_response_percentile(const JsqResult& q, double p);

}  // namespace lbsim::models::analytic
