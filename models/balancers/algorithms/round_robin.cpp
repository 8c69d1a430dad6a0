#include "models/balancers/algorithms/round_robin.hpp"

namespace lbsim::models {

ServerChoice RoundRobinBalancer::pick(std::span<const PoolMember> pool, PickContext&)
{
  const auto n = static_cast<uint32_t>(pool.size());
  // Skip ineligible servers; the cursor moves past the chosen one so the cycle stays fair.
  for (uint32_t tried = 0; tried < n; ++tried) {
    const uint32_t candidate = next_ >= n ? 0 : next_;
    next_ = candidate + 1 == n ? 0 : candidate + 1;
    if (pool[candidate].eligible) return candidate;
  }
  return std::nullopt;
}

AlgorithmDeclaration round_robin_declaration()
{
  return {"round_robin",
          "takes the servers in turn, skipping any that is not eligible.",
          {},
          AnalyticRouting::cyclic,
          [](const BalancerOptions&) { return std::make_unique<RoundRobinBalancer>(); }};
}

}  // namespace lbsim::models
