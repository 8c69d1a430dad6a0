#include "models/balancers/algorithms/smooth_weighted_round_robin.hpp"

namespace lbsim::models {

ServerChoice SmoothWeightedRoundRobin::pick(std::span<const PoolMember> pool)
{
  const auto n = static_cast<uint32_t>(pool.size());
  if (current_.size() != n) current_.resize(n, 0);
  int64_t total = 0;
  uint32_t best = n;
  for (uint32_t i = 0; i < n; ++i) {
    if (!pool[i].eligible) continue;
    const int64_t w = effective_weight(pool[i]);
    current_[i] += w;
    total += w;
    if (best == n || current_[i] > current_[best]) best = i;
  }
  if (best == n) return std::nullopt;
  current_[best] -= total;
  return best;
}

}  // namespace lbsim::models
