// Reads one entry of the gateway's `rate_limits` (the contract's "Rate limits";
// docs/gateway-rate-limits.md): its algorithm and exactly the options that algorithm takes. An
// option of another algorithm is an error naming the algorithms that use it.
#pragma once

#include "models/gateway/gateway_config.hpp"
#include "scenarios/format/yaml_reader.hpp"

#include <string>

namespace lbsim::scenarios {

// `ctx` names the entry in messages ("gateway.rate_limits[0]"); `base_dir` resolves an empirical
// distribution's file for store.cost. store.service is kept as a name (`store_service`): the
// caller, who knows the services, resolves it.
models::RateLimitConfig read_rate_limit(const YamlReader& r, const YAML::Node& node, const std::string& ctx,
                                        const std::string& base_dir = {});

}  // namespace lbsim::scenarios
