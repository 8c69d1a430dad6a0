// ring_hash: Envoy's ring_hash (source/extensions/load_balancing_policies/ring_hash/ring_hash_lb.cc,
// weights normalised by normalizeHostWeights() in common/thread_aware_lb_impl.cc), a ketama-style
// ring of xxHash64 points.
//
// Build, over the eligible members in pool order (Envoy builds over the healthy hosts): normalised
// weights w_i = weight_i / sum; scale = min(ceil(min_w * minimum_ring_size) / min_w,
// maximum_ring_size), so the lightest server gets a whole number of points; walking the servers,
// target += scale * w_i and server i adds points while current < target, point j at
// xxHash64("<name>_<j>") (seed 0; the name is the server's, as Envoy hashes "ip:port" or the
// hostname). The points are sorted by hash (equal hashes keep pool order).
// Lookup: Envoy's port of ketama_get_server(): a binary search for the first point >= h (h above
// every point, or at most the lowest, wraps to the first); h = xxHash64 of the request key, as
// maglev computes it. Vector (Envoy's test): 127.0.0.1:90..95, minimum_ring_size 12 -> 12 points;
// h = 0 -> :94, 3551244743356806947 -> :95, +1 -> :93.
// State: the ring, 16 bytes per point. O(log p) per pick for p points; a rebuild, on any change of
// eligibility, weight, name or size, costs O(p log p). Panic mode, hash_balance_factor (bounded
// load), MurmurHash2 and retry attempts are not modelled.
#pragma once

#include "models/balancers/algorithms/balancer.hpp"
#include "models/balancers/algorithms/declaration.hpp"
#include "models/balancers/algorithms/pool_watch.hpp"
#include "models/balancers/hashing/request_key.hpp"

#include <string>
#include <vector>

namespace lbsim::models {

class RingHashBalancer final : public Balancer {
public:
  static constexpr uint64_t kDefaultMinimumRingSize = 1024;
  static constexpr uint64_t kDefaultMaximumRingSize = 8 * 1024 * 1024;  // also Envoy's bound on both

  struct Point {
    uint64_t hash;
    uint32_t server;  // index into the keys given to build_ring
  };

  // `names[i]` identifies member i; members without a name are called "server<i+1>". Throws
  // std::invalid_argument when a size is 0 or above 8M, or minimum > maximum (as Envoy refuses it).
  RingHashBalancer(RequestKeySource source, std::vector<std::string> names,
                   uint64_t minimum_ring_size = kDefaultMinimumRingSize,
                   uint64_t maximum_ring_size = kDefaultMaximumRingSize);

  // Envoy's ring for these keys and weights, sorted by hash.
  static std::vector<Point> build_ring(std::span<const std::string> keys, std::span<const int64_t> weights,
                                       uint64_t minimum_ring_size, uint64_t maximum_ring_size);
  // Ring::chooseHost(h, 0): the index of the point h maps to (the ring must not be empty).
  static std::size_t find_point(std::span<const Point> ring, uint64_t h);

  ServerChoice pick(std::span<const PoolMember> pool, PickContext& context) override;
  void on_pool_changed(std::span<const PoolMember> pool) override;
  void on_server_names(std::span<const std::string> names) override;

  // The current ring (points index pool members), empty before the first pick or with no
  // eligible member.
  const std::vector<Point>& ring() const { return ring_; }

private:
  void rebuild(std::span<const PoolMember> pool);

  RequestKey key_;
  std::vector<std::string> names_;
  uint64_t minimum_ring_size_, maximum_ring_size_;
  PoolWatch watch_;
  std::vector<Point> ring_;
};

// ring_hash: its name, rule, options and routing (declaration.hpp).
AlgorithmDeclaration ring_hash_declaration();

}  // namespace lbsim::models
