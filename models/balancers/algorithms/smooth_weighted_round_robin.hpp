// SmoothWeightedRoundRobin: nginx's peer selection (ngx_http_upstream_get_peer() in
// ngx_http_upstream_round_robin.c), reused by weighted_round_robin (variant smooth) and as the
// round-robin fallback of ip_hash and consistent_hash, as nginx falls back to get_rr_peer.
//
//   for each eligible member p: cw[p] += w[p]; total += w[p]; best = the largest cw (tie: first)
//   cw[best] -= total
//
// 5,1,1 gives a a b a c a a; 2,1 gives a b a a b a. nginx's effective weight `ew` only differs from
// `weight` after a passive failure, which lbsim's balancer view does not model, so ew = weight.
// State: one current weight per member; a member added at the end starts at 0, the others keep
// theirs (as peers added to an nginx upstream zone). O(n) per pick.
#pragma once

#include "models/balancers/algorithms/balancer.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace lbsim::models {

class SmoothWeightedRoundRobin {
public:
  ServerChoice pick(std::span<const PoolMember> pool);
  std::span<const int64_t> current_weights() const { return current_; }

private:
  std::vector<int64_t> current_;
};

}  // namespace lbsim::models
