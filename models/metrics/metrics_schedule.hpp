// How often the time series gets a row when the scenario leaves `metrics.interval` out: a run of
// any length then writes files of bounded size (docs/results.md, "The interval").
#pragma once

#include "models/system_config.hpp"

#include <cstdint>

namespace lbsim::models {

// At most about this many rows in timeseries.csv (and per service in services.csv).
inline constexpr double kMaxAutomaticRows = 2000;
// At most about this many rows in servers.csv: one per server every `server_rows_every` intervals.
inline constexpr double kMaxAutomaticServerRows = 200000;

// The measured span the run is expected to last, in seconds: `duration`, or for `stop: {requests}`
// the requests over the clients' long-run rate (scripts and traces: their own rate), whichever
// comes first; a script's span when neither is set. 0 when nothing tells (then 1 s is kept).
double expected_measured_seconds(const SystemConfig& config);

// The smallest 1, 2 or 5 times a power of ten that is >= x (x > 0).
double round_up_to_1_2_5(double x);

// Sets config.metrics.interval (1 s, the format's default, while that gives at most
// kMaxAutomaticRows rows; else the smallest 1-2-5 number of seconds that does) and
// server_rows_every, and marks the interval automatic. Call it only when the scenario set no interval.
void choose_metrics_schedule(SystemConfig& config);

}  // namespace lbsim::models
