// EnvoyRoundRobin: Envoy's round_robin (round_robin/round_robin_lb.h over EdfLoadBalancerBase in
// common/load_balancer_impl.cc), used by weighted_round_robin's "edf" variant.
//
// Envoy rebuilds on every change of its healthy hosts (a host going down or up, a weight change,
// hosts added or removed): refresh() starts a new EdfScheduler (createWithPicks) over the healthy
// hosts when their weights differ; when they are all equal, or there is at most one, it uses no
// scheduler and picks healthy[rr_index++ mod m], with rr_index kept across rebuilds.
// Envoy starts rr_index and createWithPicks at a random seed per balancer; lbsim starts both at 0,
// the phase its vectors describe (5,1,1 -> a a a a b c a; 3,2,1 -> a b a c b a).
// O(log n) per pick (O(1) with equal weights), O(n) per rebuild.
#pragma once

#include "models/balancers/algorithms/balancer.hpp"
#include "models/balancers/algorithms/edf_scheduler.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace lbsim::models {

class EnvoyRoundRobin {
public:
  // refresh(): over the eligible members, in pool order.
  void rebuild(std::span<const PoolMember> pool);
  // chooseHostOnce(): none when no member is eligible.
  ServerChoice next(std::span<const PoolMember> pool);

private:
  std::vector<uint32_t> hosts_;  // the eligible members, in pool order
  EdfScheduler edf_;             // empty when the weights are equal
  uint64_t rr_index_ = 0;
};

}  // namespace lbsim::models
