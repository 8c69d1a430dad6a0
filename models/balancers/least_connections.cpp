#include "models/balancers/least_connections.hpp"

namespace lbsim::models {

std::optional<uint32_t> LeastConnectionsBalancer::pick(std::span<const PoolMember> pool, PickContext&)
{
  const auto n = static_cast<uint32_t>(pool.size());
  if (current_weight_.size() != n) current_weight_.assign(n, 0);

  // Pass 1: the least loaded eligible server and how many share its load.
  uint32_t best = n;
  uint32_t ties = 0;
  for (uint32_t i = 0; i < n; ++i) {
    const PoolMember& p = pool[i];
    if (!p.eligible) continue;
    if (best == n) {
      best = i;
      ties = 1;
      continue;
    }
    const PoolMember& b = pool[best];
    const uint64_t lhs = uint64_t{p.active} * static_cast<uint64_t>(b.weight);
    const uint64_t rhs = uint64_t{b.active} * static_cast<uint64_t>(p.weight);
    if (lhs < rhs) {
      best = i;
      ties = 1;
    } else if (lhs == rhs) {
      ++ties;
    }
  }
  if (best == n) return std::nullopt;
  if (ties == 1) return best;

  // Pass 2: smooth weighted round robin among the tied servers (nginx: cw += w; max cw; cw -= total).
  const PoolMember& least = pool[best];
  int64_t total = 0;
  uint32_t chosen = n;
  for (uint32_t i = best; i < n; ++i) {
    const PoolMember& p = pool[i];
    if (!p.eligible) continue;
    if (uint64_t{p.active} * static_cast<uint64_t>(least.weight) !=
        uint64_t{least.active} * static_cast<uint64_t>(p.weight))
      continue;
    current_weight_[i] += p.weight;
    total += p.weight;
    if (chosen == n || current_weight_[i] > current_weight_[chosen]) chosen = i;
  }
  current_weight_[chosen] -= total;
  return chosen;
}

}  // namespace lbsim::models
