// Erlang's formulas: the M/M/c queue (Erlang C) and the M/M/c/K queue with finite capacity
// (Erlang B is its K = c case). FCFS, c identical exponential servers of rate mu, Poisson arrivals
// of rate lambda. Formulas and table values: ../shared/reference/queueing.md sections 1-3.
#pragma once

#include <vector>

namespace lbsim::models::analytic {

// Erlang B, the blocking probability of M/M/c/c with offered load a = lambda / mu, by the
// recursion B_0 = 1, B_k = a B_{k-1} / (k + a B_{k-1}). c >= 0, a >= 0.
double erlang_b(int servers, double offered_load);

// Erlang C, the probability that an arrival waits in M/M/c: C = B / (1 - rho (1 - B)) with
// rho = a / c < 1. Throws std::domain_error when a >= c (no steady state).
double erlang_c(int servers, double offered_load);

struct MmcResult {
  int servers = 1;
  double lambda = 0, mu = 1;
  double rho = 0;     // lambda / (c mu)
  double p_wait = 0;  // Erlang C
  double wq = 0, w = 0, lq = 0, l = 0;
};

// Throws std::domain_error unless lambda >= 0, mu > 0, servers >= 1 and rho < 1.
MmcResult mmc(int servers, double lambda, double mu);
// P(T > t) of the response time T = Wq + S:
// (1 - C) e^{-mu t} + C (theta e^{-mu t} - mu e^{-theta t}) / (theta - mu), theta = c mu - lambda.
double mmc_response_tail(const MmcResult& q, double t);
double mmc_response_percentile(const MmcResult& q, double p);  // p in (0, 1), e.g. 0.99
// Wq_p = max(0, ln(C / (1 - p)) / theta).
double mmc_wait_percentile(const MmcResult& q, double p);

struct MmckResult {
  int servers = 1;
  long capacity = 1;  // K: the most requests in the system, in service and waiting (K >= c)
  double lambda = 0, mu = 1;
  std::vector<double> p;  // p[n], n = 0 .. K: the stationary distribution of the number in system
  double p_block = 0;     // p_K (PASTA)
  double throughput = 0;  // lambda (1 - p_K)
  double l = 0, lq = 0;
  double w = 0, wq = 0;         // of admitted requests (Little: L / throughput)
  double p_wait_admitted = 0;   // sum_{n=c}^{K-1} p_n / (1 - p_K)
};

// Any load (the queue is finite). Throws std::domain_error unless 1 <= servers <= capacity <=
// kMaxCapacity, lambda >= 0 and mu > 0.
inline constexpr long kMaxMmckCapacity = 1'000'000;
MmckResult mmck(int servers, long capacity, double lambda, double mu);
// P(T > t) for an admitted request: it finds n in the system; if n >= c it waits for n - c + 1
// departures at rate c mu (Erlang) and then its own service, else only its service.
double mmck_response_tail(const MmckResult& q, double t);
double mmck_response_percentile(const MmckResult& q, double p);

}  // namespace lbsim::models::analytic
