#include "models/balancers/algorithms/load_tie_sets.hpp"

namespace lbsim::models {

void LoadTieSets::rebuild(std::span<const PoolMember> pool, std::span<const int64_t> current)
{
  const auto n = static_cast<uint32_t>(pool.size());
  uniform_ = true;
  for (const PoolMember& p : pool) uniform_ = uniform_ && effective_weight(p) == effective_weight(pool[0]);
  groups_.clear();
  by_load_.clear();
  free_groups_.clear();
  group_load_.clear();
  least_ = kNoGroup;
  members_.assign(n, Member{});
  places_.assign(n, SmoothWeightSet::Place{});
  for (uint32_t i = 0; i < n; ++i) {
    Member& m = members_[i];
    m.active = pool[i].active;
    m.eligible = pool[i].eligible;
    m.weight = effective_weight(pool[i]);
    if (m.eligible) join(i, current[i]);
    else m.parked = current[i];
  }
}

void LoadTieSets::set_active(uint32_t server, uint32_t active)
{
  Member& m = members_[server];
  if (!m.eligible || m.active == active) {
    m.active = active;
    return;
  }
  const int64_t current = leave(server);
  m.active = active;
  join(server, current);
}

void LoadTieSets::set_eligible(uint32_t server, bool eligible, uint32_t active)
{
  Member& m = members_[server];
  if (m.eligible == eligible) {
    set_active(server, active);
    return;
  }
  if (eligible) {
    m.eligible = true;
    m.active = active;
    join(server, m.parked);
  } else {
    m.parked = leave(server);
    m.eligible = false;
    m.active = active;
  }
}

ServerChoice LoadTieSets::pick()
{
  uint32_t group = kNoGroup;
  if (uniform_) group = least_;
  else if (!by_load_.empty()) group = by_load_.begin()->second;
  if (group == kNoGroup) return std::nullopt;
  SmoothWeightSet& tied = groups_[group];
  if (tied.size() == 1) return tied.only();  // nginx changes no current weight for a lone server
  return tied.take_turn(places_);
}

void LoadTieSets::current_weights(std::vector<int64_t>& out) const
{
  out.resize(members_.size());
  for (uint32_t i = 0; i < members_.size(); ++i)
    out[i] = members_[i].group == kNoGroup ? members_[i].parked : groups_[members_[i].group].current_weight(i, places_);
}

uint32_t LoadTieSets::group_for(uint32_t active, int64_t weight)
{
  if (uniform_) {
    if (active >= groups_.size()) groups_.resize(active + std::size_t{1});
    return active;
  }
  const Load load{active, static_cast<uint64_t>(weight)};
  const auto found = by_load_.find(load);  // equal fractions are equivalent keys
  if (found != by_load_.end()) return found->second;
  uint32_t group;
  if (!free_groups_.empty()) {
    group = free_groups_.back();
    free_groups_.pop_back();
  } else {
    group = static_cast<uint32_t>(groups_.size());
    groups_.emplace_back();
    group_load_.emplace_back();
  }
  group_load_[group] = load;
  by_load_.emplace(load, group);
  return group;
}

void LoadTieSets::join(uint32_t server, int64_t current)
{
  Member& m = members_[server];
  const uint32_t group = group_for(m.active, m.weight);
  groups_[group].insert(server, m.weight, current, places_);
  m.group = group;
  if (uniform_ && (least_ == kNoGroup || group < least_)) least_ = group;
}

int64_t LoadTieSets::leave(uint32_t server)
{
  Member& m = members_[server];
  const uint32_t group = m.group;
  SmoothWeightSet& set = groups_[group];
  const int64_t current = set.erase(server, places_);
  m.group = kNoGroup;
  if (!set.empty()) return current;
  if (uniform_) {
    if (group == least_) {
      while (least_ < groups_.size() && groups_[least_].empty()) ++least_;
      if (least_ == groups_.size()) least_ = kNoGroup;
    }
  } else {
    by_load_.erase(group_load_[group]);
    set.clear();
    free_groups_.push_back(group);
  }
  return current;
}

}  // namespace lbsim::models
