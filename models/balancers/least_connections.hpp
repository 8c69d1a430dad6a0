// least_connections: nginx's least_conn. The server with the fewest active requests per unit of
// weight wins (compared exactly as active_a * weight_b < active_b * weight_a); ties are broken by
// nginx's smooth weighted round robin over the tied servers, so equal idle servers take turns.
// Source: ngx_http_upstream_least_conn_module.c (see docs/algorithms.md). O(n) per pick, as nginx.
#pragma once

#include "models/balancers/balancer.hpp"

#include <vector>

namespace lbsim::models {

class LeastConnectionsBalancer final : public Balancer {
public:
  std::optional<uint32_t> pick(std::span<const PoolMember> pool, PickContext& context) override;

private:
  std::vector<int64_t> current_weight_;  // nginx's per-peer `current_weight`
};

}  // namespace lbsim::models
