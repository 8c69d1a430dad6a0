// Which queueing model a scenario is, and what it predicts. Given a SystemConfig:
//
//   arrivals     every client group Poisson (their superposition is Poisson, total rate lambda);
//                the work of a request is the mixture of the request types, weighted by
//                rate x share; its service time is work / speed.
//   one server with c cores:
//     exponential work                 M/M/c (Erlang C), or M/M/c/K with K = c + queue_limit
//     any work, queue_limit 0          M/G/c/c (Erlang B: blocking insensitive to the distribution)
//     any work, c = 1, no queue_limit  M/G/1 (Pollaczek-Khinchine mean; no percentile)
//   N >= 2 identical servers (cores, speed, weight, queue_limit) behind a balancer:
//     random, power_of_two_choices with d = 1
//                                      each server on its own: any one-server model above at lambda / N
//     round_robin, weighted_round_robin (equal weights), 1-core exponential servers
//                                      E_N/M/1 per server (GI/M/1 root)
//     power_of_two_choices d >= 2, 1-core exponential servers, N >= 50
//                                      supermarket model (the N -> infinity limit)
//     least_connections, weighted_least_connections (equal weights), power_of_two_choices with
//     d >= N; 1-core exponential servers, N <= 4 (N = 4 only up to rho ~ 0.8: truncation)
//                                      join-the-shortest-queue Markov chain (truncated, exact)
//   several services (a call graph): an open network of M/M/c stations (jackson.hpp), where it applies
//   users who wait for answers (closed): exact MVA where the closed network is product form
//                                      (closed_match.hpp)
//   anything else: no model, with the reason (a network section, heterogeneous servers, other balancers, queue limits
//   where only the infinite-queue model exists, non-Poisson arrivals, rho >= 1, ...).
//
// The models are stationary: the simulated values approach them as warm-up and run length grow.
#pragma once

#include "models/analytic/prediction.hpp"
#include "models/system_config.hpp"

namespace lbsim::models::analytic {

// Never throws: a solver's failure becomes a reason.
AnalyticPrediction match_model(const SystemConfig& config);

}  // namespace lbsim::models::analytic
