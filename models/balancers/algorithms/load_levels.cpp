#include "models/balancers/algorithms/load_levels.hpp"

#include <stdexcept>

namespace lbsim::models {

void LoadLevels::rebuild(std::span<const PoolMember> pool)
{
  if (pool.size() > kMaxServers) throw std::logic_error("LoadLevels: more than 64 servers");
  masks_.clear();
  active_.assign(pool.size(), 0);
  eligible_ = 0;
  for (uint32_t i = 0; i < pool.size(); ++i) {
    active_[i] = pool[i].active;
    if (!pool[i].eligible) continue;
    eligible_ |= uint64_t{1} << i;
    if (pool[i].active >= masks_.size()) masks_.resize(pool[i].active + 1u, 0);
    masks_[pool[i].active] |= uint64_t{1} << i;
  }
  least_ = 0;
  while (least_ < masks_.size() && masks_[least_] == 0) ++least_;
}

void LoadLevels::grow(uint32_t active) { masks_.resize(active + 1u, 0); }

}  // namespace lbsim::models
