// Remapping: the share of clients whose server changes when one server is added to the pool or
// removed from it, measured through the Balancer interface on a fixed, deterministic key set.
// `lbsim remap` prints it (docs/algorithms.md, "Remapping").
#pragma once

#include "models/balancers/algorithms/registry.hpp"

#include <cstdint>
#include <string>

namespace lbsim::models {

struct RemapOptions {
  uint32_t servers = 10;     // N: the pool before the change (named s-1 .. s-N)
  uint32_t keys = 10'000;    // distinct clients, each on its own /24 (so ip_hash sees them all)
  uint64_t seed = 1;         // the balancer's RNG stream (random, power_of_two_choices)
};

struct RemapResult {
  double added = 0;    // share of keys whose server changes when s-(N+1) joins
  double removed = 0;  // share of keys whose server changes when s-N leaves
};

// The i-th key of the set: 10.0.0.1, 10.0.1.1, 10.0.2.1, ... (one /24 each; i < 2^24).
uint32_t remap_key_address(uint32_t i);

// Each key is picked once, in order, by a fresh balancer over N, N+1 and N-1 servers (equal
// weights, all eligible); a pick stays active (one open request per client), so least-connections
// style algorithms spread the keys as they would spread concurrent clients. A key "moves" when
// the server name it gets differs. Throws std::invalid_argument for an unknown algorithm or
// servers < 2.
RemapResult measure_remap(const BalancerRegistry& registry, const std::string& algorithm, const RemapOptions& options);

}  // namespace lbsim::models
