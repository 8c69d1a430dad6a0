// The readable summary `lbsim run` prints.
#pragma once

#include "models/metrics/run_summary.hpp"

#include <string>

namespace lbsim::cli {

std::string summary_table(const models::RunSummary& summary);

}  // namespace lbsim::cli
