// RouteStats: one gateway route's figures over the measured window, the RED method's (rate,
// errors, duration): answers by status, the latency the clients saw (from their send, preflight
// included, to the answer's arrival), the time upstream and the tries it took.
#pragma once

#include "engine/latency_histogram.hpp"
#include "models/metrics/run_summary.hpp"

#include <cstdint>

namespace lbsim::models {

struct RouteStats {
  uint64_t arrived = 0;
  StatusMap by_status;
  uint64_t rate_limited = 0;
  engine::LatencyHistogram latency;   // at the client
  engine::LatencyHistogram upstream;  // from the first try to the upstream's last answer
  uint64_t went_upstream = 0, attempts = 0;

  void reset()
  {
    arrived = rate_limited = went_upstream = attempts = 0;
    by_status.clear();
    latency = engine::LatencyHistogram{};
    upstream = engine::LatencyHistogram{};
  }
};

}  // namespace lbsim::models
