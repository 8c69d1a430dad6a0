#include "models/balancers/load_levels.hpp"

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

void LoadLevels::set_active(uint32_t server, uint32_t active)
{
  const uint32_t before = active_[server];
  active_[server] = active;
  if (!eligible(server) || active == before) return;
  const uint64_t bit = uint64_t{1} << server;
  masks_[before] &= ~bit;
  if (active >= masks_.size()) masks_.resize(active + 1u, 0);
  masks_[active] |= bit;
  if (active < least_) least_ = active;
  while (masks_[least_] == 0) ++least_;  // stops at `active` at the latest
}

}  // namespace lbsim::models
