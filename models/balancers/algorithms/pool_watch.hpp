// PoolWatch: tells an algorithm that derives a structure from its pool (a map, a ring, a table, a
// list of eligible members) when that structure must be rebuilt: after an on_pool_changed() that
// changed what the structure depends on (notify()), after invalidate(), or when the pool's size
// changed. A check is O(1).
#pragma once

#include "models/balancers/algorithms/balancer.hpp"

#include <cstddef>
#include <span>
#include <vector>

namespace lbsim::models {

class PoolWatch {
public:
  // What the structure depends on: weights and eligibility, or weights only (a ketama ring keeps
  // the points of ineligible servers and skips them at lookup, so a server going down or coming
  // back does not rebuild it).
  enum class Depends { weights_and_eligibility, weights };

  explicit PoolWatch(Depends depends = Depends::weights_and_eligibility) : depends_(depends) {}

  // From on_pool_changed(pool): rebuild at the next check if what the structure depends on changed.
  void notify(std::span<const PoolMember> pool);
  // Rebuild at the next check.
  void invalidate() { stale_ = true; }

  // True when the structure must be rebuilt from `pool`.
  bool needs_rebuild(std::span<const PoolMember> pool)
  {
    const bool rebuild = stale_ || pool.size() != size_;
    stale_ = false;
    size_ = pool.size();
    return rebuild;
  }

private:
  Depends depends_;
  bool stale_ = true;
  std::size_t size_ = 0;
  std::vector<int> weights_;  // Depends::weights: the weights as last announced
};

}  // namespace lbsim::models
