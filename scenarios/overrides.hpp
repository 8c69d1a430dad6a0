// --set KEY=VALUE: changes a scenario's YAML tree before it is read, so an override is checked
// exactly like the file. Keys are dotted paths with list indices or names:
// balancer.algorithm, clients[0].arrivals.rate, servers[web].count.
#pragma once

#include "scenarios/yaml_reader.hpp"

#include <string>
#include <vector>

namespace lbsim::scenarios {

void apply_overrides(YAML::Node& root, const std::vector<std::string>& overrides, YamlReader& reader);

}  // namespace lbsim::scenarios
