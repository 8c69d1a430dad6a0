// --set KEY=VALUE: changes a scenario's YAML tree before it is read, so an override is checked
// exactly like the file. Keys are dotted paths with list indices or names:
// balancer.algorithm, clients[0].arrivals.rate, servers[web].count.
#pragma once

#include "scenarios/format/yaml_reader.hpp"

#include <string>
#include <vector>

namespace lbsim::scenarios {

void apply_overrides(YAML::Node& root, const std::vector<std::string>& overrides, YamlReader& reader);

// For study and plan files: KEY must lead somewhere in the scenario `tree` as --set KEY=... would
// need it (list items exist, no key below a value); otherwise an error at `key_node` that starts
// with `role` ("vary key \"servers[api].count\": ...").
void check_override_path(const YamlReader& reader, const YAML::Node& key_node, const std::string& key,
                         const YAML::Node& tree, const std::string& role);

}  // namespace lbsim::scenarios
