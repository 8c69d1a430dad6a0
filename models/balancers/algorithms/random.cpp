#include "models/balancers/algorithms/random.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace lbsim::models {

void RandomBalancer::on_pool_changed(std::span<const PoolMember> pool) { watch_.notify(pool); }

void RandomBalancer::rebuild(std::span<const PoolMember> pool)
{
  eligible_.clear();
  cumulative_.clear();
  uniform_ = true;
  uint64_t total = 0;
  for (uint32_t i = 0; i < pool.size(); ++i) {
    if (!pool[i].eligible) continue;
    const auto w = static_cast<uint64_t>(effective_weight(pool[i]));
    if (!eligible_.empty() && effective_weight(pool[eligible_.front()]) != effective_weight(pool[i])) uniform_ = false;
    eligible_.push_back(i);
    cumulative_.push_back(total += w);
  }
}

ServerChoice RandomBalancer::pick(std::span<const PoolMember> pool, PickContext& context)
{
  if (watch_.needs_rebuild(pool)) rebuild(pool);
  if (eligible_.empty()) return std::nullopt;
  uint32_t chosen = 0;
  if (uniform_) {
    chosen = eligible_[context.rng.below(eligible_.size())];
  } else {
    const uint64_t r = context.rng.below(cumulative_.back());
    chosen = eligible_[static_cast<std::size_t>(std::upper_bound(cumulative_.begin(), cumulative_.end(), r) -
                                                cumulative_.begin())];
  }
  if (!pool[chosen].eligible)
    throw std::logic_error("random: server " + std::to_string(chosen) + " became ineligible without on_pool_changed()");
  return chosen;
}

AlgorithmDeclaration random_declaration()
{
  AlgorithmDeclaration declaration{"random",
          "picks an eligible server uniformly at random (from the balancer's own RNG stream).",
          {},
          AnalyticRouting::random_split,
          [](const BalancerOptions&) { return std::make_unique<RandomBalancer>(); }};
  // nginx refuses `backup` with ip_hash, hash and random ("invalid parameter \"backup\"").
  declaration.backups = [](const BalancerOptions&) { return BackupRule{BackupRule::Use::refused}; };
  return declaration;
}

}  // namespace lbsim::models
