#include "models/balancers/algorithms/envoy_round_robin.hpp"

#include <algorithm>

namespace lbsim::models {

void EnvoyRoundRobin::rebuild(std::span<const PoolMember> pool)
{
  hosts_.clear();
  std::vector<double> weights;
  for (uint32_t i = 0; i < pool.size(); ++i) {
    if (!pool[i].eligible) continue;
    hosts_.push_back(i);
    weights.push_back(static_cast<double>(effective_weight(pool[i])));
  }
  const bool equal = std::all_of(weights.begin(), weights.end(), [&](double w) { return w == weights.front(); });
  if (equal || hosts_.size() <= 1) edf_.clear();
  else edf_.build(hosts_, weights);
}

ServerChoice EnvoyRoundRobin::next(std::span<const PoolMember> pool)
{
  if (!edf_.empty()) {
    const uint32_t chosen = edf_.next();
    return edf_.pick_and_add(static_cast<double>(effective_weight(pool[chosen])));
  }
  if (hosts_.empty()) return std::nullopt;
  return hosts_[rr_index_++ % hosts_.size()];
}

}  // namespace lbsim::models
