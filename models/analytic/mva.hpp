// Exact mean value analysis (Reiser & Lavenberg, 1980) of a closed, single-class product-form
// network: `population` users cycle between a think time Z (a delay) and a set of stations, each a
// FCFS exponential queue (or a delay station) with a service demand D_k (visits x service time):
//   R_k(n) = D_k (1 + Q_k(n - 1))  (queue)   or  D_k  (delay),
//   X(n) = n / (Z + sum_k R_k(n)),  Q_k(n) = X(n) R_k(n),  Q_k(0) = 0.
// ../shared/reference/queueing.md section 8 (one station: the machine-repairman model).
//
// A station of c > 1 servers (one lbsim server with c cores: a central FIFO queue) is load
// dependent, its rate min(j, c) / S with j requests present; exact MVA then keeps the station's
// marginal queue-length probabilities p_k(j | n) (Reiser & Lavenberg; Lazowska et al. 1984,
// "Quantitative System Performance", ch. 20):
//   R_k(n) = sum_{j=1..n} j / min(j, c) * D_k * p_k(j - 1 | n - 1),
//   p_k(j | n) = X(n) D_k / min(j, c) * p_k(j - 1 | n - 1)  (j >= 1),  p_k(0 | n) = 1 - the rest.
// model_match.cpp maps closed scenarios to it (docs/analytic.md, "Closed loops").
#pragma once

#include <string>
#include <vector>

namespace lbsim::models::analytic {

struct MvaStation {
  std::string name;
  double demand = 0;   // D_k = visits x mean service time, seconds
  bool delay = false;  // an infinite-server station (no queueing)
  int servers = 1;     // c: servers sharing the station's one FIFO queue (>= 1)
};

struct MvaResult {
  int population = 0;
  double think_time = 0;
  double response = 0;    // R = sum_k R_k (excludes the think time)
  double throughput = 0;  // X
  // R_k, Q_k, and X D_k / c_k (the busy share of each of the station's servers).
  std::vector<double> station_response, station_queue, station_utilization;
};

// Throws std::domain_error unless population >= 0, think_time >= 0, every demand >= 0, every
// station has servers >= 1 (with
// at least one station or think time > 0 when population > 0).
MvaResult mva(const std::vector<MvaStation>& stations, int population, double think_time);
// The results for n = 1 .. population (the recursion computes them all anyway).
std::vector<MvaResult> mva_all(const std::vector<MvaStation>& stations, int population, double think_time);

}  // namespace lbsim::models::analytic
