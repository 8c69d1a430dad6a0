// Reads "a time or a distribution" wherever the scenario format takes one: a plain time is a
// constant; a mapping names a distribution and its parameters (see docs/statistics.md).
#pragma once

#include "models/system_config.hpp"
#include "scenarios/format/yaml_reader.hpp"

#include <string>

namespace lbsim::scenarios {

// `base_dir` resolves relative `empirical` data files.
models::DistributionPtr read_time_distribution(const YAML::Node& node, const std::string& what, const YamlReader& reader,
                                               const std::string& base_dir);

}  // namespace lbsim::scenarios
