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

void IpHashBalancer::on_pool_changed(std::span<const PoolMember>) { watch_.notify(); }

ServerChoice IpHashBalancer::pick(std::span<const PoolMember> pool, PickContext& context)
{
  if (pool.size() < 2) return fallback_.pick(pool);
  if (watch_.needs_rebuild(pool)) {
    cumulative_.resize(pool.size());
    uint64_t total = 0;
    for (std::size_t i = 0; i < pool.size(); ++i) cumulative_[i] = total += static_cast<uint64_t>(effective_weight(pool[i]));
  }
  const uint64_t total_weight = cumulative_.back();
  uint32_t h = 89;
  for (int tries = 0;;) {
    h = hash_round(h, context.client_address);
    const uint64_t w = h % total_weight;
    // The walk `while (w >= peer->weight) { w -= peer->weight; peer = peer->next; }`.
    const auto member = static_cast<uint32_t>(std::upper_bound(cumulative_.begin(), cumulative_.end(), w) -
                                              cumulative_.begin());
    if (pool[member].eligible) return member;
    if (++tries > kMaxTries) return fallback_.pick(pool);
  }
}

AlgorithmDeclaration ip_hash_declaration()
{
  return {"ip_hash",
          "hashes the client's address: one client always lands on the same server while the pool is unchanged.",
          {},
          AnalyticRouting::by_hash,
          [](const BalancerOptions&) { return std::make_unique<IpHashBalancer>(); }};
}

}  // namespace lbsim::models
