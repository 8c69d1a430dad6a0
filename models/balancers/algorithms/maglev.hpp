// maglev: Envoy's Maglev table (source/extensions/load_balancing_policies/maglev/maglev_lb.cc,
// OriginalMaglevTable), after Eisenbud et al., "Maglev", NSDI 2016.
//
// Build, over the eligible members (Envoy rebuilds over the healthy hosts): hosts sorted by key
// (the server name, as Envoy sorts by address or hostname); offset = xxh64(key, 0) mod M,
// skip = xxh64(key, 1) mod (M - 1) + 1; normalized weight w = weight / total, max_w the largest.
// In iterations i = 1, 2, ... every host with i * w >= target takes its next free slot of the
// permutation offset + skip * next (mod M), then target += max_w, until all M slots are taken.
// The arithmetic is Envoy's, in doubles. Vectors (Envoy's tests): M = 7, 127.0.0.1:90..95 ->
// [92,94,90,91,95,90,93]; M = 17, :90 (w1) and :91 (w2) -> 10010110111110101.
//
// Lookup: table[xxh64(key, 0) mod M], the key being the client address as dotted text or the path
// (BalancerOptions::hash_key). xxHash64 with seed 0 of that text is what Envoy's hash policies
// compute for `connection_properties: {source_ip: true}` and for a header such as `:path`.
//
// State: the table (M member indices, 4 bytes each). O(1) per pick; a rebuild, on any change of
// eligibility, weight, name or size, costs O(M) expected. Envoy's panic mode (all hosts used when
// fewer than 50 % are healthy) and bounded load (hash_balance_factor) are not modelled.
#pragma once

#include "models/balancers/algorithms/balancer.hpp"
#include "models/balancers/algorithms/declaration.hpp"
#include "models/balancers/algorithms/pool_watch.hpp"
#include "models/balancers/hashing/request_key.hpp"

#include <string>
#include <vector>

namespace lbsim::models {

class MaglevBalancer final : public Balancer {
public:
  static constexpr uint64_t kDefaultTableSize = 65537;
  static constexpr uint64_t kMaxTableSize = 5000011;  // Envoy's limit
  static constexpr uint32_t kEmpty = 0xffff'ffffu;

  // `names[i]` identifies member i; members without a name are called "server<i+1>". Throws
  // std::invalid_argument unless table_size is a prime <= 5,000,011.
  MaglevBalancer(RequestKeySource source, std::vector<std::string> names, uint64_t table_size = kDefaultTableSize);

  // Envoy's table for these keys and weights (entries index `keys`); empty when `keys` is.
  static std::vector<uint32_t> build_table(std::span<const std::string> keys, std::span<const int64_t> weights,
                                           uint64_t table_size);

  ServerChoice pick(std::span<const PoolMember> pool, PickContext& context) override;
  void on_pool_changed(std::span<const PoolMember> pool) override;
  void on_server_names(std::span<const std::string> names) override;

  // The current table: a member index per slot (empty before the first pick or with no eligible
  // member).
  const std::vector<uint32_t>& table() const { return table_; }

private:
  void rebuild(std::span<const PoolMember> pool);

  RequestKey key_;
  std::vector<std::string> names_;
  uint64_t table_size_;
  PoolWatch watch_;
  std::vector<uint32_t> table_;
};

// maglev: its name, rule, options and routing (declaration.hpp).
AlgorithmDeclaration maglev_declaration();

}  // namespace lbsim::models
