// ip_hash: nginx's ip_hash (ngx_http_upstream_ip_hash_module.c), IPv4.
//
// The key is the first three octets of the client address, so one /24 maps to one server.
// h starts at 89; for each of the three bytes h = (h * 113 + byte) mod 6271; the server is found by
// walking the members by weight on h mod total_weight (the total over every member, eligible or
// not, as nginx's peers->total_weight). An ineligible server makes nginx run the byte loop again on
// the current h; after more than 20 such tries it falls back to round robin (smooth WRR over the
// eligible members). 192.168.1.10: h = 3978 -> 4441 -> 154; 3 equal servers -> 154 mod 3 = 1 ->
// server 2; weights 2,1,1 -> 154 mod 4 = 2 -> server 2. A pool of one member uses round robin,
// as nginx does for a single peer.
//
// State: the round-robin fallback's current weights and, since h < 6271 whatever the pool, the
// server of every h (a table of 6,271 entries, rebuilt when a weight or the size changes). Cost:
// the byte loop plus one table read per try, O(1) (nginx walks the peer list, O(n)). Any change to
// the pool's weights or size remaps most clients (modulo hashing).
#pragma once

#include "models/balancers/algorithms/balancer.hpp"
#include "models/balancers/algorithms/declaration.hpp"
#include "models/balancers/algorithms/pool_watch.hpp"
#include "models/balancers/algorithms/smooth_weighted_round_robin.hpp"

#include <vector>

namespace lbsim::models {

class IpHashBalancer final : public Balancer {
public:
  // nginx's hash of one IPv4 client after `rounds` passes of the byte loop (1 for the first try).
  static uint32_t hash(uint32_t client_address, int rounds = 1);

  ServerChoice pick(std::span<const PoolMember> pool, PickContext& context) override;
  void on_pool_changed(std::span<const PoolMember> pool) override;

private:
  static constexpr uint32_t kHashes = 6271;  // h is always below nginx's modulus

  PoolWatch watch_{PoolWatch::Depends::weights};
  std::vector<uint32_t> member_of_hash_;  // [h]: nginx's weight walk on h mod total_weight
  SmoothWeightedRoundRobin fallback_;
};

// ip_hash: its name, rule, options and routing (declaration.hpp).
AlgorithmDeclaration ip_hash_declaration();

}  // namespace lbsim::models
