// Exact mean value analysis (Reiser & Lavenberg, 1980) of a closed, single-class product-form
// network: `population` users cycle between a think time Z (a delay) and a set of stations, each a
// FCFS exponential queue (or a delay station) with a service demand D_k (visits x service time):
//   R_k(n) = D_k (1 + Q_k(n - 1))  (queue)   or  D_k  (delay),
//   X(n) = n / (Z + sum_k R_k(n)),  Q_k(n) = X(n) R_k(n),  Q_k(0) = 0.
// ../shared/reference/queueing.md section 8 (one station: the machine-repairman model).
//
// NB: lbsim's simulator has no closed-loop clients yet (the scenario format's `closed` arrival
// process is not implemented), so no scenario maps to this model: it is a solver with tests, for
// when closed loops arrive.
#pragma once

#include <string>
#include <vector>

namespace lbsim::models::analytic {

struct MvaStation {
  std::string name;
  double demand = 0;   // D_k = visits x mean service time, seconds
  bool delay = false;  // an infinite-server station (no queueing)
};

struct MvaResult {
  int population = 0;
  double think_time = 0;
  double response = 0;    // R = sum_k R_k (excludes the think time)
  double throughput = 0;  // X
  std::vector<double> station_response, station_queue, station_utilization;  // R_k, Q_k, X D_k
};

// Throws std::domain_error unless population >= 0, think_time >= 0 and every demand >= 0 (with
// at least one station or think time > 0 when population > 0).
MvaResult mva(const std::vector<MvaStation>& stations, int population, double think_time);
// The results for n = 1 .. population (the recursion computes them all anyway).
std::vector<MvaResult> mva_all(const std::vector<MvaStation>& stations, int population, double think_time);

}  // namespace lbsim::models::analytic
