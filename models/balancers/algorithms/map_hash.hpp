// map_hash: HAProxy's `balance source` and `balance uri` with the default `hash-type map-based`
// (get_server_sh() and get_server_uh() in src/backend.c, map_get_server_hash() in src/lb_map.c,
// HAProxy 2.6).
//
// The key is the client's IPv4 address taken as one 32-bit number (hash_key: client), or the
// request path up to its "?" hashed with sdbm, HAProxy's default hash function
// (h = c + (h << 6) + (h << 16) - h per byte; hash_key: path). The server is slot h mod tot of
// the static-rr map (static_rr_map.hpp: GCD-reduced weights of the eligible servers, tot slots).
// So consecutive addresses go to consecutive slots, and nginx's ip_hash (first three octets) or
// ketama give other servers for the same clients. A server going down or coming back rebuilds the
// map and remaps most keys (modulo hashing). Cost: O(1) per pick (the key's bytes for a path),
// O(n * tot) per change.
#pragma once

#include "models/balancers/algorithms/balancer.hpp"
#include "models/balancers/algorithms/declaration.hpp"
#include "models/balancers/algorithms/pool_watch.hpp"
#include "models/balancers/hashing/request_key.hpp"

#include <cstdint>
#include <string_view>
#include <vector>

namespace lbsim::models {

class MapHashBalancer final : public Balancer {
public:
  explicit MapHashBalancer(RequestKeySource source) : source_(source) {}

  // HAProxy's hash_sdbm() over the path up to its first "?" (balance uri without "whole").
  static uint32_t uri_hash(std::string_view path);

  ServerChoice pick(std::span<const PoolMember> pool, PickContext& context) override;
  void on_pool_changed(std::span<const PoolMember> pool) override { watch_.notify(pool); }

private:
  RequestKeySource source_;
  PoolWatch watch_;
  std::vector<uint32_t> map_;
};

// map_hash: its name, rule, options and routing (declaration.hpp).
AlgorithmDeclaration map_hash_declaration();

}  // namespace lbsim::models
