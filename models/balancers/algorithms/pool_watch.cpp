#include "models/balancers/algorithms/pool_watch.hpp"

namespace lbsim::models {

void PoolWatch::notify(std::span<const PoolMember> pool)
{
  if (depends_ == Depends::weights_and_eligibility) {
    stale_ = true;
    return;
  }
  bool same = pool.size() == weights_.size();
  for (std::size_t i = 0; same && i < pool.size(); ++i) same = pool[i].weight == weights_[i];
  if (same) return;
  weights_.resize(pool.size());
  for (std::size_t i = 0; i < pool.size(); ++i) weights_[i] = pool[i].weight;
  stale_ = true;
}

}  // namespace lbsim::models
