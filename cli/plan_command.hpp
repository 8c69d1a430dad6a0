// lbsim plan FILE [--out DIR] [--jobs N] [--set KEY=VALUE ...]: finds the cheapest configuration of
// the plan's search space that meets its SLO with the stated confidence, and prints it with its
// cost, its margin to the SLO and the runner-ups (docs/planning.md).
#pragma once

#include <string>
#include <vector>

namespace lbsim::cli {

// Exit codes: 0 a configuration meets the SLO; 1 the plan file is wrong or a file cannot be
// written; 3 no configuration of the search space meets the SLO.
int plan_command(const std::string& file, const std::string& out_dir, int jobs, const std::vector<std::string>& overrides);

}  // namespace lbsim::cli
