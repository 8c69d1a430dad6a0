// What a run will cost, said before it starts (lbsim check and run): the requests and events it
// will handle, and each service that is offered more work than its servers can do, with how fast
// its queue grows. Mean-value arithmetic over the configuration (rates times mean work), not a
// simulation: an order of magnitude to warn with, never a result.
#pragma once

#include "models/system_config.hpp"

#include <string>
#include <vector>

namespace lbsim::scenarios {

struct ServiceLoad {
  std::string service;
  double arrival_rate_per_s = 0;  // requests reaching it (clients' and callers')
  double demand = 0;              // work-seconds offered per second, at speed 1.0
  double capacity = 0;            // work-seconds its servers do per second (cores x speed)
  double growth_per_s = 0;        // > 0 when overloaded: arrival_rate x (1 - capacity / demand)
  bool queue_limited = false;     // every server has a queue_limit: the excess is refused (503)
};

struct RunEstimate {
  double simulated_s = 0;  // warm-up and measured time (from the rate when the run ends by stop.requests)
  double requests = 0;     // arrivals over the run
  double events = 0;       // about kEventsPerRequestVisit per service a request visits, plus ticks
  double peak_in_flight = 0;  // in flight at the end when queues grow (bounded by max_in_flight)
  std::vector<ServiceLoad> services;

  bool overloaded() const;
};

// Events one request costs at each service it visits (its arrival and its end), and the factor a
// network adds (transfers each way, flow updates), measured on the shipped scenarios:
// tests/hostile/run_limits_test.cpp holds the estimate within a factor of three of each.
inline constexpr double kEventsPerRequestVisit = 2.0;
inline constexpr double kNetworkEventsFactor = 5.0;
// The largest run `check` and `run` start without --force: at ten million events a second (lbsim
// bench), about ten minutes.
inline constexpr double kMaxEventsWithoutForce = 6e9;

RunEstimate estimate_run(const models::SystemConfig& config);

// The warnings for an overloaded system (one line each, with the queue growth per second), then
// an error line when the run is beyond kMaxEventsWithoutForce; empty for an ordinary run.
struct EstimateReport {
  std::vector<std::string> warnings;
  std::string error;  // refuse to start unless --force
};
EstimateReport report_estimate(const RunEstimate& estimate, const models::SystemConfig& config);

}  // namespace lbsim::scenarios
