// Open networks of services (docs/analytic.md, "Networks of services"): the traffic equations
// over the call graph, each service's servers as M/M/c stations, and the client-visible mean
// response time composed along the calls.
//
// Where it applies (anything else gets a reason):
//   arrivals     every client group Poisson;
//   stations     per service, identical servers (cores, speed, weight), no queue_limit, no failures,
//                no balancer front end; one server, or several behind a balancer that splits at
//                random (random, power_of_two_choices with choices 1);
//   demands      every visit to a service's servers (an endpoint's `work`, its `work_after`, or the
//                mix's work for a service without endpoints) exponential with one mean per service;
//                or, in a service where every demand is 0, no demand at all (a pass-through);
//   calls        hold_core false (a held core makes the station's service time include the calls);
//   no network, timeline or autoscaler.
//
// What is exact: with sequential calls only (any probabilities), the network is a BCMP network
// (Baskett, Chandy, Muntz, Palacios 1975) of FCFS stations with one exponential rate per station:
// each station is an independent M/M/c at its total visit rate, and by the arrival theorem the mean
// response time is the sum of the per-visit means along a request's calls. A work_after is a
// second visit to the same station, at the back of its queue.
// What is an approximation: a parallel group of two or more calls. Its mean is E[max] of the
// branches taken as independent exponentials of their means (inclusion-exclusion over the rates).
// Fork-join branches are not independent when they are fed by the same forks (their queues grow
// together), which the formula ignores: it tends to overestimate the mean (two M/M/1 branches: by
// rho / (12 - rho)). Two cases are exact and are not counted as approximations:
//   - every branch is one exponential visit (an endpoint without calls) at a station that
//     practically never queues (P(wait) <= 1e-9): each branch is then its own demand, drawn alone,
//     and the joined stream is the forks' stream delayed by independent times;
//   - two M/M/1 branches of one rate that serve nothing but this fork, made by an endpoint that is
//     reached only by Poisson clients, has no work, and does nothing else (Flatto and Hahn 1984,
//     Nelson and Tantawi 1988: (12 - rho) / 8 x 1 / (mu - lambda)).
#pragma once

#include "models/analytic/prediction.hpp"
#include "models/system_config.hpp"

#include <string>
#include <vector>

namespace lbsim::models::analytic {

// One branch of a parallel group: made with `probability`, taking an exponential time of `mean_s`.
struct ParallelBranch {
  double probability = 1;
  double mean_s = 0;
};

// E[max] over the branches made, each exponential and independent of the others:
// sum over non-empty subsets S of (-1)^(|S|+1) prod_{i in S} p_i / sum_{i in S} 1/m_i
// (from P(max <= t) = prod_i (1 - p_i e^{-t/m_i})). k equal branches give H_k x mean.
// Throws std::domain_error beyond kMaxParallelBranches branches (2^k subsets).
inline constexpr std::size_t kMaxParallelBranches = 20;
double expected_max_of_exponentials(const std::vector<ParallelBranch>& branches);

// The exact mean response time of a fork-join of two M/M/1 queues of rate mu fed by Poisson
// forks of rate lambda (Flatto and Hahn 1984): (12 - rho) / 8 x 1 / (mu - lambda), rho = lambda / mu.
double fork_join_two_mm1(double lambda, double mu);

// What the network model computed for one service.
struct ServiceFlow {
  std::string name;
  double arrival_rate = 0;  // requests per second reaching it (from clients and calls)
  double visit_rate = 0;    // visits to its servers per second (work and work_after each count)
  double mean_demand_s = 0; // per visit, at the servers' speed; 0 for a pass-through
  double utilization = 0;   // busy cores / cores
  double wait_s = 0;        // mean wait in the FIFO queue per visit (Erlang C)
  std::vector<double> endpoint_rates;       // requests per second per endpoint (one entry without endpoints)
  std::vector<double> endpoint_response_s;  // mean time from arrival to reply, per endpoint
};

struct NetworkPrediction {
  AnalyticPrediction prediction;  // the client-visible mean, or the reason
  bool exact = false;             // no approximation entered (see the top of this file)
  std::vector<ServiceFlow> services;  // filled as far as the model got (empty if it got nowhere)
};

// Never throws: a solver's failure becomes a reason.
NetworkPrediction jackson_network(const SystemConfig& config);

}  // namespace lbsim::models::analytic
