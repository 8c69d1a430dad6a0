#include "models/balancers/algorithms/ip_hash.hpp"

#include <algorithm>

namespace lbsim::models {

namespace {

constexpr int kMaxTries = 20;

uint32_t hash_round(uint32_t h, uint32_t client_address)
{
  for (int shift = 24; shift >= 8; shift -= 8) h = (h * 113 + ((client_address >> shift) & 0xffu)) % 6271;
  return h;
}

}  // namespace

uint32_t IpHashBalancer::hash(uint32_t client_address, int rounds)
{
  uint32_t h = 89;
  for (int r = 0; r < rounds; ++r) h = hash_round(h, client_address);
  return h;
}

void IpHashBalancer::on_pool_changed(std::span<const PoolMember> pool) { watch_.notify(pool); }

ServerChoice IpHashBalancer::pick(std::span<const PoolMember> pool, PickContext& context)
{
  if (pool.size() < 2) return fallback_.pick(pool);
  if (watch_.needs_rebuild(pool)) {
    std::vector<uint64_t> cumulative(pool.size());  // [i]: the total weight of members 0..i
    uint64_t total = 0;
    for (std::size_t i = 0; i < pool.size(); ++i) cumulative[i] = total += static_cast<uint64_t>(effective_weight(pool[i]));
    // The walk `while (w >= peer->weight) { w -= peer->weight; peer = peer->next; }` for w = h mod total.
    member_of_hash_.resize(kHashes);
    for (uint32_t h = 0; h < kHashes; ++h)
      member_of_hash_[h] = static_cast<uint32_t>(
          std::upper_bound(cumulative.begin(), cumulative.end(), h % total) - cumulative.begin());
  }
  uint32_t h = 89;
  for (int tries = 0;;) {
    h = hash_round(h, context.client_address);
    const uint32_t member = member_of_hash_[h];
    if (pool[member].eligible) return member;
    if (++tries > kMaxTries) return fallback_.pick(pool);
  }
}

AlgorithmDeclaration ip_hash_declaration()
{
  AlgorithmDeclaration declaration{"ip_hash",
          "hashes the client's address: one client always lands on the same server while the pool is unchanged.",
          {},
          AnalyticRouting::by_hash,
          [](const BalancerOptions&) { return std::make_unique<IpHashBalancer>(); }};
  // nginx refuses `backup` with ip_hash, hash and random ("invalid parameter \"backup\"").
  declaration.backups = [](const BalancerOptions&) { return BackupRule{BackupRule::Use::refused}; };
  return declaration;
}

}  // namespace lbsim::models
