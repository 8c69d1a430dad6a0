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
// State: the eligible members' weights as prefix sums (weight_prefix_sums.hpp), rebuilt when the
// pool's size changes, updated for one member in O(log n) when its eligibility or weight does
// (max_conns changes them with nearly every request). O(log n) per pick; O(1) with equal weights
// from the list of eligible members, which is made again (O(n)) once as many picks as there are
// members have passed without a change.
#pragma once

#include "models/balancers/algorithms/balancer.hpp"
#include "models/balancers/algorithms/declaration.hpp"
#include "models/balancers/algorithms/pool_watch.hpp"
#include "models/balancers/algorithms/weight_prefix_sums.hpp"

#include <map>

#include <vector>

namespace lbsim::models {

class RandomBalancer final : public Balancer {
public:
  ServerChoice pick(std::span<const PoolMember> pool, PickContext& context) override;
  void on_pool_changed(std::span<const PoolMember> pool) override;
  void on_member_changed(std::span<const PoolMember> pool, uint32_t server) override;

private:
  void rebuild(std::span<const PoolMember> pool);
  void set_member(uint32_t server, const PoolMember& member);
  void list_eligible(std::span<const PoolMember> pool);

  PoolWatch watch_;
  WeightPrefixSums sums_;
  uint64_t eligible_ = 0;
  std::map<uint64_t, uint64_t> weight_counts_;  // eligible members per weight: one entry means uniform
  std::vector<uint32_t> listed_;                // the eligible members in pool order, when list_valid_
  bool list_valid_ = false;
  std::size_t picks_since_change_ = 0;
};

// random: its name, rule, options and routing (declaration.hpp).
AlgorithmDeclaration random_declaration();

}  // namespace lbsim::models
