// Running one scenario end to end: build the system, run it, write the result files.
#pragma once

#include "models/metrics/run_summary.hpp"
#include "models/system.hpp"
#include "models/system_config.hpp"

#include <memory>
#include <stdexcept>
#include <string>

namespace lbsim::scenarios {

// Memory ran out during a run (std::bad_alloc): the message says when, and which result files
// keep what was measured until then.
class RunOutOfMemory : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

// Builds a runnable System with the built-in balancers.
std::unique_ptr<models::System> build_system(const models::SystemConfig& config);

// Runs the scenario; when out_dir is not empty, creates it and writes summary.json,
// timeseries.csv and servers.csv there.
models::RunSummary run_scenario(const models::SystemConfig& config, const std::string& out_dir);
// The same, and every interval row also goes to `watcher` (the GUI's live charts), which can pause
// the run by blocking and stop it through stop_requested() (models/metrics/metrics.hpp). A stopped run
// still writes its result files, covering the time simulated until the stop.
models::RunSummary run_scenario(const models::SystemConfig& config, const std::string& out_dir,
                                models::TimeSeriesSink* watcher);
// The same, and with a gateway its access log goes to `access_log` (a CSV file; empty: none).
models::RunSummary run_scenario(const models::SystemConfig& config, const std::string& out_dir,
                                models::TimeSeriesSink* watcher, const std::string& access_log);

}  // namespace lbsim::scenarios
