// Before `check` and `run` start: the run's estimated cost (scenarios/run_estimate.hpp) said on
// stderr, a warning per overloaded service and a refusal of a run beyond the limit unless --force.
#pragma once

#include "models/system_config.hpp"

#include <string>

namespace lbsim::cli {

// True when the run may go ahead (after printing any warnings); false after printing the refusal.
bool accept_run_estimate(const std::string& file, const models::SystemConfig& config, bool force);

}  // namespace lbsim::cli
