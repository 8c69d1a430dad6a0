// haproxy_hash: HAProxy's `balance source` (hash_key: client) and `balance uri` (hash_key: path),
// with `hash-type map-based` (the default) or `hash-type consistent` (HAProxy 2.6:
// get_server_sh() and get_server_uh() in src/backend.c, src/lb_map.c, src/lb_chash.c).
//
// The key is the client's IPv4 address taken as one 32-bit number, or the request path up to its
// "?" hashed with sdbm, HAProxy's default hash function (h = c + (h << 6) + (h << 16) - h per
// byte). Then:
//   map-based: the server in slot h mod tot of the static-rr map (static_rr_map.hpp: GCD-reduced
//     weights of the eligible servers, tot slots). Any change of the pool remaps most keys.
//   consistent: h goes through HAProxy's avalanche (Bob Jenkins' full_hash, times 3221225473;
//     "hash-type consistent" without a function applies it), and lands on a ring where server
//     number k (1-based, in pool order: HAProxy's puid) has 16 x weight points at
//     full_hash(k * 4096 + j). The nearer of the points just before and at-or-after h wins (the
//     one before on a tie). A server going down takes its points away: only its keys move.
// So nginx's ip_hash (first three octets) or ketama give other servers for the same clients.
// Cost: O(1) per pick (map) or O(log points) (ring), plus the key's bytes for a path; a rebuild
// per change, O(n * tot) or O(points log points).
#pragma once

#include "models/balancers/algorithms/balancer.hpp"
#include "models/balancers/algorithms/declaration.hpp"
#include "models/balancers/algorithms/pool_watch.hpp"
#include "models/balancers/hashing/request_key.hpp"

#include <cstdint>
#include <string_view>
#include <vector>

namespace lbsim::models {

class HaproxyHashBalancer final : public Balancer {
public:
  enum class HashType { map_based, consistent };
  // "map-based" (or "") and "consistent"; anything else throws std::invalid_argument.
  static HashType parse_hash_type(const std::string& text);

  HaproxyHashBalancer(RequestKeySource source, HashType type) : source_(source), type_(type) {}

  // HAProxy's hash_sdbm() over the path up to its first "?" (balance uri without "whole").
  static uint32_t uri_hash(std::string_view path);
  // HAProxy's full_hash() (include/haproxy/intops.h): the avalanche of consistent hashing.
  static uint32_t full_hash(uint32_t a);

  ServerChoice pick(std::span<const PoolMember> pool, PickContext& context) override;
  void on_pool_changed(std::span<const PoolMember> pool) override { watch_.notify(pool); }

private:
  struct Point {
    uint32_t key;
    uint32_t server;
  };
  void rebuild(std::span<const PoolMember> pool);
  uint32_t ring_lookup(uint32_t h) const;

  RequestKeySource source_;
  HashType type_;
  PoolWatch watch_;
  std::vector<uint32_t> map_;  // map-based: the server of each slot
  std::vector<Point> ring_;    // consistent: the eligible servers' points, by key (stable)
};

// haproxy_hash: its name, rule, options and routing (declaration.hpp).
AlgorithmDeclaration haproxy_hash_declaration();

}  // namespace lbsim::models
