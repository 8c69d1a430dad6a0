// Loading a scenario: YAML text in, a validated models::SystemConfig out, or a ScenarioError that
// names the file, line and column and says what was expected.
#pragma once

#include "models/system_config.hpp"
#include "scenarios/format/scenario_error.hpp"

#include <string>
#include <vector>

namespace lbsim::scenarios {

// `overrides` are KEY=VALUE strings as given to --set (dotted key paths, list indices or names).
models::SystemConfig load_scenario_file(const std::string& path, const std::vector<std::string>& overrides = {});
// `file` labels messages; relative paths inside the scenario (empirical data) resolve against base_dir.
models::SystemConfig load_scenario_text(const std::string& text, const std::string& file, const std::string& base_dir,
                                        const std::vector<std::string>& overrides = {});

}  // namespace lbsim::scenarios
