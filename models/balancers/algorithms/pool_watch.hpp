// PoolWatch: tells an algorithm that derives a structure from its pool (a map, a ring, a table, a
// list of eligible members) when that structure must be rebuilt.
//
// Before the owner's first on_pool_changed() call, the watch compares the pool with a snapshot on
// every check (O(n)), so an algorithm stays exact when the owner does not call the hooks. After
// it, a check is O(1): the structure is rebuilt only after on_pool_changed() (notify()), after a
// change of the pool's size, or after invalidate().
#pragma once

#include "models/balancers/algorithms/balancer.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace lbsim::models {

class PoolWatch {
public:
  // What the structure depends on: weights and eligibility, or weights only (a ketama ring keeps
  // ineligible servers' points and skips them at lookup).
  enum class Depends { weights_and_eligibility, weights };

  explicit PoolWatch(Depends depends = Depends::weights_and_eligibility) : depends_(depends) {}

  // From on_pool_changed(): rebuild at the next check, and trust the hooks from now on.
  void notify()
  {
    notified_ = true;
    stale_ = true;
  }
  // Rebuild at the next check.
  void invalidate() { stale_ = true; }

  // True when the structure must be rebuilt from `pool`; `pool` becomes the new baseline.
  bool needs_rebuild(std::span<const PoolMember> pool);

  bool notified() const { return notified_; }

private:
  bool differs(std::span<const PoolMember> pool) const;

  Depends depends_;
  bool notified_ = false;
  bool stale_ = true;
  std::size_t size_ = 0;
  std::vector<int> weights_;        // snapshot, kept only before the first notify()
  std::vector<uint8_t> eligible_;   // idem
};

}  // namespace lbsim::models
