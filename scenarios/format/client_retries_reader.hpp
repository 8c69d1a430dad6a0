// Reader for a request type's `retries:` block (docs/clients.md, "Timeouts and retries"):
//   retries: {max: 3, backoff: none | {constant: 100 ms} | {exponential: {base: 50 ms, cap: 5 s,
//             jitter: full | equal | none}}, budget: {ratio: 20%, min_per_second: 10},
//             non_idempotent: true}
// Every error is a ScenarioError at the offending node's file:line:column.
#pragma once

#include "models/system_config.hpp"
#include "scenarios/format/yaml_reader.hpp"

#include <string>

namespace lbsim::scenarios {

models::ClientRetryConfig read_client_retries(const YamlReader& r, const YAML::Node& node, const std::string& ctx);

}  // namespace lbsim::scenarios
