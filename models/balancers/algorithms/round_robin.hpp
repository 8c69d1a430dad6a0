// round_robin: each request to the next eligible server in configuration order, ignoring weights
// (HAProxy static-rr and Envoy round_robin with equal weights; weighted variants are separate).
#pragma once

#include "models/balancers/algorithms/balancer.hpp"
#include "models/balancers/algorithms/declaration.hpp"

namespace lbsim::models {

class RoundRobinBalancer final : public Balancer {
public:
  ServerChoice pick(std::span<const PoolMember> pool, PickContext& context) override;

private:
  uint32_t next_ = 0;
};

// round_robin: its name, rule, options and routing (declaration.hpp).
AlgorithmDeclaration round_robin_declaration();

}  // namespace lbsim::models
