// The static-rr map of HAProxy (recalc_server_map() and the GCD reduction of init_server_map()
// in src/lb_map.c), used by weighted_round_robin's "classic" variant.
//
// Weights are divided by the GCD of all configured weights; tot = the sum of the reduced weights
// of the eligible members. For each of the tot slots, every eligible member does ws += w and
// v = (ws + tot) / tot (C integer division); the slot goes to the first member with the largest v,
// which then does ws -= tot. 5,1,1 gives a a a b a a c; 2,1 gives a a b. O(n * tot) to build.
#pragma once

#include "models/balancers/algorithms/balancer.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace lbsim::models {

// The map, one member index per slot; empty when no member is eligible.
std::vector<uint32_t> build_static_rr_map(std::span<const PoolMember> pool);

}  // namespace lbsim::models
