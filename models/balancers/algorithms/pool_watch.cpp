#include "models/balancers/algorithms/pool_watch.hpp"

namespace lbsim::models {

bool PoolWatch::differs(std::span<const PoolMember> pool) const
{
  if (pool.size() != weights_.size()) return true;
  for (std::size_t i = 0; i < pool.size(); ++i) {
    if (pool[i].weight != weights_[i]) return true;
    if (depends_ == Depends::weights_and_eligibility && (pool[i].eligible ? 1 : 0) != eligible_[i]) return true;
  }
  return false;
}

bool PoolWatch::needs_rebuild(std::span<const PoolMember> pool)
{
  bool rebuild = stale_ || pool.size() != size_;
  if (!notified_) {
    rebuild = rebuild || differs(pool);
    if (rebuild) {
      weights_.resize(pool.size());
      eligible_.resize(pool.size());
      for (std::size_t i = 0; i < pool.size(); ++i) {
        weights_[i] = pool[i].weight;
        eligible_[i] = pool[i].eligible ? 1 : 0;
      }
    }
  } else if (!weights_.empty()) {
    weights_.clear();
    weights_.shrink_to_fit();
    eligible_.clear();
    eligible_.shrink_to_fit();
  }
  stale_ = false;
  size_ = pool.size();
  return rebuild;
}

}  // namespace lbsim::models
