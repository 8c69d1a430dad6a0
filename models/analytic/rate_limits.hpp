// Closed forms for the gateway's rate limits with Poisson arrivals of rate lambda on one key
// (../shared/reference/gateway.md part 4, cases V2, V6b, V6c, V7, V8, V9): the admitted rate that
// the gateway's results print beside the simulated one. Rates per second, times in seconds.
// Each function throws std::domain_error on arguments outside its domain.
#pragma once

#include <cstdint>

namespace lbsim::models::analytic {

// A dead time after each admission, during which arrivals are rejected without extending it (a
// non-paralysable counter): lambda / (1 + lambda x dead_time). With dead_time = 1/r this is
// lambda r / (lambda + r): nginx limit_req burst=0 in continuous time, a token bucket of size 1.
double dead_time_admitted_rate(double lambda, double dead_time_s);

// nginx limit_req's dead time with burst=0, in whole ms: the first ms count with
// rate x ms / 1000 >= 1000, i.e. ceil(10^6 / rate_milli) (10 r/s: 100; 3 r/s: 334; 30 r/m: 2000).
int64_t leaky_bucket_dead_time_ms(int64_t rate_milli);

// nginx limit_req burst=0 on its millisecond clock. An accepted request in ms tick m0 sets
// last = m0; the next is accepted in the first tick m >= m0 + D (D the dead time above) that holds
// an arrival. The ticks are independent (Poisson), so the gap between accepted ticks is D + G with
// G ~ Geometric, P(G = k) = q^k (1 - q), q = e^{-lambda ms}: a renewal process of mean
// ms x (D + 1/(e^{lambda ms} - 1)), and the admitted rate is its inverse. Against the continuous
// 1/(1/r + 1/lambda), the dead time is in effect D ms minus about half a millisecond (the accepted
// arrival's mean position within its tick): 6.689/s at lambda = 20, 10 r/s (continuous 6.667).
double leaky_bucket_burst0_admitted_rate(double lambda, int64_t rate_milli);
// The renewal cycle's mean and variance (s, s^2), for confidence intervals of a simulation:
// N(T) / T has variance about var / (mean^3 T).
struct RenewalCycle {
  double mean = 0, variance = 0;
};
RenewalCycle leaky_bucket_burst0_cycle(double lambda, int64_t rate_milli);

// A token bucket of rate r and size b (starts full, continuous refill). Its deficit b - tokens,
// counted in time (1/r per token), is the workload of an M/D/1 queue with service time 1/r, and a
// request passes when at least one token is left, i.e. when fewer than b "customers" are in that
// queue: the bucket is exactly M/D/1/b, and the admitted rate is lambda (1 - P_b), the blocking
// probability from the embedded Markov chain at departures (level-crossing recursion, all terms
// positive, so stable). b = 1 gives lambda r / (lambda + r). 1 <= b <= 10000.
double token_bucket_admitted_rate(double lambda, double rate, int64_t burst);

// Fixed windows of length W with limit L: each window admits min(N, L), N ~ Poisson(lambda W), so
// the admitted rate is E[min(N, L)] / W (V7: 8.7489/s at lambda = 10, L = 10, W = 1 s). An AWS
// usage-plan quota is the same with W its period (V8). 1 <= L <= 10^7.
double fixed_window_admitted_rate(double lambda, int64_t limit, double window_s);

// A concurrency limit of `limit` requests at once (nginx limit_conn): Erlang's loss system, so the
// rejected fraction is erlang_b(limit, lambda x mean holding time), whatever the holding time's
// distribution (V9: B(2, 1) = 0.2).
double concurrency_rejected_fraction(double lambda, double mean_holding_s, int limit);

}  // namespace lbsim::models::analytic
