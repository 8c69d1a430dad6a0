// weighted_round_robin: servers take turns in proportion to their weights.
//   variant "smooth" (default): nginx's smooth weighted round robin (ngx_http_upstream_get_peer()
//     in ngx_http_upstream_round_robin.c); 5,1,1 -> a a b a c a a. nginx's loop is O(n) per pick;
//     lbsim keeps the eligible servers in a SmoothWeightSet (lazy current weights, one heap per
//     distinct weight, sorted in turn order after each pool change so that a turn over a fixed set
//     is O(k)): the same picks in O(k + log n) at worst for k distinct weights. A server keeps its
//     current weight while ineligible, as in nginx's loop.
//   variant "classic": HAProxy's static-rr (src/lb_map.c): a precomputed map of GCD-reduced
//     weights walked by a cursor; 5,1,1 -> a a a b a a c. O(1) per pick; the map is rebuilt when
//     an eligibility or a weight changes, and the cursor carries over (wrapping if the map shrank).
//   variant "fwrr": HAProxy's balance roundrobin (src/lb_fwrr.c, FwrrScheduler); 3,2,1 ->
//     a b a c a b. O(log n) per pick and per change of a server's state or weight.
//   variant "edf": Envoy's round_robin (EnvoyRoundRobin: an EDF scheduler when weights differ,
//     rebuilt on every change); 3,2,1 -> a b a c b a. O(log n) per pick.
// Ineligible servers are skipped by all four; see docs/algorithms.md.
#pragma once

#include "models/balancers/algorithms/balancer.hpp"
#include "models/balancers/algorithms/declaration.hpp"
#include "models/balancers/algorithms/envoy_round_robin.hpp"
#include "models/balancers/algorithms/fwrr_scheduler.hpp"
#include "models/balancers/algorithms/pool_watch.hpp"
#include "models/balancers/algorithms/smooth_weight_set.hpp"

#include <string>
#include <vector>

namespace lbsim::models {

class WeightedRoundRobinBalancer final : public Balancer {
public:
  enum class Variant { smooth, classic, fwrr, edf };

  // "smooth" or "" -> smooth, "classic", "fwrr", "edf"; anything else throws std::invalid_argument.
  static Variant parse_variant(const std::string& text);

  explicit WeightedRoundRobinBalancer(Variant variant = Variant::smooth) : variant_(variant) {}

  ServerChoice pick(std::span<const PoolMember> pool, PickContext& context) override;
  void on_pool_changed(std::span<const PoolMember> pool) override;
  void on_member_changed(std::span<const PoolMember> pool, uint32_t server) override;
  bool skips_full_members() const override { return variant_ == Variant::fwrr; }

  // The classic variant's current map (member index per slot), for tests and teaching.
  const std::vector<uint32_t>& classic_map() const { return map_; }

private:
  ServerChoice pick_classic(std::span<const PoolMember> pool);
  ServerChoice pick_smooth(std::span<const PoolMember> pool);
  ServerChoice pick_fwrr(std::span<const PoolMember> pool);
  ServerChoice pick_edf(std::span<const PoolMember> pool);
  void sync_smooth(std::span<const PoolMember> pool);
  bool sync_smooth_member(std::span<const PoolMember> pool, uint32_t server);
  int64_t current_weight(uint32_t server) const;

  Variant variant_;
  // smooth: the eligible servers take turns in `turns_`; `parked_` holds the current weight of
  // each server outside it; `known_` is the pool as last announced.
  SmoothWeightSet turns_;
  std::vector<SmoothWeightSet::Place> places_;
  std::vector<int64_t> parked_;
  std::vector<PoolMember> known_;
  // After a change of one member the turns are heaps; they are put back in turn order (O(n log n))
  // once as many picks as there are servers have passed without another change.
  bool in_turn_order_ = true;
  std::size_t picks_since_change_ = 0;
  PoolWatch watch_;
  std::vector<uint32_t> map_;
  std::size_t next_ = 0;  // HAProxy's rr_idx
  FwrrScheduler fwrr_;
  EnvoyRoundRobin edf_;
};

// weighted_round_robin: its name, rule, options and routing (declaration.hpp).
AlgorithmDeclaration weighted_round_robin_declaration();

}  // namespace lbsim::models
