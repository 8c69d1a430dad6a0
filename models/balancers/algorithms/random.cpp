#include "models/balancers/algorithms/random.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace lbsim::models {

void RandomBalancer::on_pool_changed(std::span<const PoolMember> pool) { watch_.notify(pool); }

void RandomBalancer::rebuild(std::span<const PoolMember> pool)
{
  sums_.reset(pool.size());
  eligible_ = 0;
  weight_counts_.clear();
  for (uint32_t i = 0; i < pool.size(); ++i) set_member(i, pool[i]);
  list_eligible(pool);
}

void RandomBalancer::list_eligible(std::span<const PoolMember> pool)
{
  listed_.clear();
  for (uint32_t i = 0; i < pool.size(); ++i)
    if (pool[i].eligible) listed_.push_back(i);
  list_valid_ = true;
}

// Member `server` takes the weight `member` gives it in the draw: its weight when eligible, else 0.
void RandomBalancer::set_member(uint32_t server, const PoolMember& member)
{
  const uint64_t before = sums_.value(server);
  const uint64_t after = member.eligible ? static_cast<uint64_t>(effective_weight(member)) : 0;
  if (before == after) return;
  if (before != 0) {
    --eligible_;
    if (--weight_counts_[before] == 0) weight_counts_.erase(before);
  }
  if (after != 0) {
    ++eligible_;
    ++weight_counts_[after];
  }
  sums_.set(server, after);
}

void RandomBalancer::on_member_changed(std::span<const PoolMember> pool, uint32_t server)
{
  if (pool.size() != sums_.size() || server >= pool.size() || watch_.needs_rebuild(pool)) {
    watch_.invalidate();
    return;
  }
  set_member(server, pool[server]);
  list_valid_ = false;
  picks_since_change_ = 0;
}

ServerChoice RandomBalancer::pick(std::span<const PoolMember> pool, PickContext& context)
{
  if (watch_.needs_rebuild(pool)) rebuild(pool);
  if (eligible_ == 0) return std::nullopt;
  uint32_t chosen = 0;
  if (weight_counts_.size() == 1) {
    // Equal weights: uniform over the eligible members, one draw of their count; the k-th of them
    // holds the point k × weight.
    if (!list_valid_ && ++picks_since_change_ >= pool.size()) list_eligible(pool);
    const uint64_t k = context.rng.below(eligible_);
    chosen = list_valid_ ? listed_[k] : static_cast<uint32_t>(sums_.find(k * weight_counts_.begin()->first));
  } else {
    chosen = static_cast<uint32_t>(sums_.find(context.rng.below(sums_.total())));
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
