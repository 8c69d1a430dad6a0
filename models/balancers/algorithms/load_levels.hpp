// LoadLevels: the eligible servers of a pool of at most 64, grouped by active count as one bit mask
// per count, with the least count that has any. least_connections over equal weights reads its tie
// set here in O(1) instead of scanning the pool on every pick; a change of one server's active
// count moves one bit (O(1): counts change by one, so the least count moves by at most one step).
#pragma once

#include "models/balancers/algorithms/balancer.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace lbsim::models {

class LoadLevels {
public:
  static constexpr std::size_t kMaxServers = 64;

  // From the pool as it is (every member's active count and eligibility); size <= kMaxServers.
  void rebuild(std::span<const PoolMember> pool);
  // The server's active count is now `active`.
  void set_active(uint32_t server, uint32_t active)
  {
    const uint32_t before = active_[server];
    active_[server] = active;
    if (!eligible(server) || active == before) return;
    const uint64_t bit = uint64_t{1} << server;
    masks_[before] &= ~bit;
    if (active >= masks_.size()) grow(active);
    masks_[active] |= bit;
    if (active < least_) least_ = active;
    while (masks_[least_] == 0) ++least_;  // stops at `active` at the latest
  }

  bool any_eligible() const { return least_ < masks_.size(); }
  // Precondition: any_eligible().
  uint32_t least() const { return least_; }
  uint64_t at_least() const { return masks_[least_]; }  // the servers with the least count
  // The count and eligibility last given for a server (to check that the owner kept them in step).
  uint32_t active(uint32_t server) const { return active_[server]; }
  bool eligible(uint32_t server) const { return (eligible_ >> server) & 1u; }
  std::size_t size() const { return active_.size(); }

private:
  void grow(uint32_t active);  // room for a count never seen before

  std::vector<uint64_t> masks_;   // masks_[a]: the eligible servers with a active requests
  std::vector<uint32_t> active_;  // per server, eligible or not
  uint64_t eligible_ = 0;
  uint32_t least_ = 0;            // == masks_.size() when no server is eligible
};

}  // namespace lbsim::models
