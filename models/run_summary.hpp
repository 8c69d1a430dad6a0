// RunSummary: the numbers one run produces, before any file format.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lbsim::models {

struct ServerSummary {
  std::string name;
  uint64_t completed = 0;
  uint64_t rejected = 0;
  double utilization = 0;
  double mean_queue = 0;
  double cost = 0;
};

struct RunSummary {
  std::string scenario;
  uint64_t seed = 0;
  double simulated_s = 0;  // measured span (after warm-up)
  double end_time_s = 0;   // simulated clock at the end of the run
  uint64_t arrived = 0, completed = 0, rejected = 0, failed = 0;
  uint64_t in_flight_at_end = 0;
  double throughput_rps = 0;
  double latency_mean_s = 0, latency_max_s = 0, latency_min_s = 0;
  std::vector<std::pair<double, double>> latency_percentiles_s;  // (percentile, seconds)
  std::optional<double> slo_p99_s;
  std::vector<ServerSummary> servers;
  double cost_total = 0;
  // Little's law: time-average requests in flight vs arrival rate times mean time in system.
  double little_l = 0, little_lambda_w = 0;
  uint64_t events = 0;
  std::string fingerprint;
  bool stopped_early = false;  // stop.requests could not be reached (e.g. everything refused)
  double wall_seconds = 0;     // not deterministic: reported apart from the rest
};

}  // namespace lbsim::models
