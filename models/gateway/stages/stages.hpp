// The gateway's pipeline stages, one file each (docs/gateway.md, "The pipeline"): cors answers
// preflights, auth checks credentials, rate_limit applies the route's limiters, cache answers
// from stored responses. The gateway builds them in its `pipeline` order.
#pragma once

#include "models/gateway/gateway_config.hpp"
#include "models/gateway/gateway_stage.hpp"
#include "models/requests/run_context.hpp"

#include <memory>
#include <vector>

namespace lbsim::models {

struct StageShapes {
  uint32_t auth = UINT32_MAX;   // the introspection call's shape
  std::vector<uint32_t> store;  // per rate limit: its store call's shape (UINT32_MAX: none)
};

std::unique_ptr<GatewayStage> make_cors_stage(const GatewayConfig& config, RunContext& run, GatewayApi& api);
std::unique_ptr<GatewayStage> make_auth_stage(const GatewayConfig& config, RunContext& run, GatewayApi& api,
                                              uint32_t auth_shape);
std::unique_ptr<GatewayStage> make_rate_limit_stage(const GatewayConfig& config, RunContext& run, GatewayApi& api,
                                                    const std::vector<uint32_t>& store_shapes);
std::unique_ptr<GatewayStage> make_cache_stage(const GatewayConfig& config, RunContext& run, GatewayApi& api);

}  // namespace lbsim::models
