#include "cli/estimate_report.hpp"

#include "scenarios/run_estimate.hpp"

#include <cstdio>

namespace lbsim::cli {

bool accept_run_estimate(const std::string& file, const models::SystemConfig& config, bool force)
{
  const scenarios::EstimateReport report = scenarios::report_estimate(scenarios::estimate_run(config), config);
  for (const std::string& warning : report.warnings) std::fprintf(stderr, "%s: warning: %s\n", file.c_str(), warning.c_str());
  if (report.error.empty()) return true;
  if (force) {
    std::fprintf(stderr, "%s: warning: %s (going ahead: --force)\n", file.c_str(), report.error.c_str());
    return true;
  }
  std::fprintf(stderr, "%s: error: %s\n", file.c_str(), report.error.c_str());
  return false;
}

}  // namespace lbsim::cli
