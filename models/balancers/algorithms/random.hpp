// random: each request to a server drawn at random.
//
// Equal weights: uniform over the eligible servers (Envoy's random, random/random_lb.cc, which
// ignores weights). Unequal weights: weighted by weight, like nginx's `random`
// (ngx_http_upstream_random_module.c: random mod total_weight, then a binary search over the
// cumulative weights); this is where lbsim departs from Envoy, on purpose, so that `weight:` means
// the same for every algorithm. Unlike nginx, which draws over all peers and redraws (up to 20
// times, then round robin) when it hits an unavailable one, lbsim draws over the eligible servers
// only: the same distribution, one draw (RngStream::below) per pick.
//
// State: the eligible members and their cumulative weights, rebuilt when the pool changes.
// O(log n) per pick.
#pragma once

#include "models/balancers/algorithms/balancer.hpp"
#include "models/balancers/algorithms/declaration.hpp"
#include "models/balancers/algorithms/pool_watch.hpp"

#include <vector>

namespace lbsim::models {

class RandomBalancer final : public Balancer {
public:
  ServerChoice pick(std::span<const PoolMember> pool, PickContext& context) override;
  void on_pool_changed(std::span<const PoolMember> pool) override;

private:
  void rebuild(std::span<const PoolMember> pool);

  PoolWatch watch_;
  std::vector<uint32_t> eligible_;
  std::vector<uint64_t> cumulative_;
  bool uniform_ = true;
};

// random: its name, rule, options and routing (declaration.hpp).
AlgorithmDeclaration random_declaration();

}  // namespace lbsim::models
