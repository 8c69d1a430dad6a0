// Readers for a route's `cache:` block and a request type's `ids:` block (the contract:
// ../shared/spec/services-and-gateway.md, "Cache (per route)" and "Clients"; docs/gateway-cache.md).
// Every error is a ScenarioError at the offending node's file:line:column.
#pragma once

#include "models/system_config.hpp"
#include "scenarios/format/yaml_reader.hpp"

#include <string>
#include <vector>

namespace lbsim::scenarios {

// `node` is the value of `cache:`; `ctx` names it in messages ("gateway.routes[0].cache");
// `route_methods` are the route's match methods (empty: any); `base_dir` resolves a relative
// `empirical` file of hit_cost.
models::CacheConfig read_cache(const YamlReader& r, const YAML::Node& node, const std::string& ctx,
                               const std::string& route_name, const std::vector<std::string>& route_methods,
                               const std::string& base_dir = {});

// `ids: { count: 10000, popularity: { distribution: zipf, s: 0.9 } }` (popularity defaults to uniform).
models::IdPopularity read_ids(const YamlReader& r, const YAML::Node& node, const std::string& ctx);

}  // namespace lbsim::scenarios
