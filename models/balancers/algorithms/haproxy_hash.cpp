#include "models/balancers/algorithms/haproxy_hash.hpp"

#include "models/balancers/algorithms/static_rr_map.hpp"

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>

namespace lbsim::models {

namespace {
constexpr uint32_t kPointsPerWeight = 16;  // BE_WEIGHT_SCALE
constexpr uint32_t kPointRange = 4096;     // SRV_EWGHT_RANGE: server k's points are k * 4096 + j
}  // namespace

HaproxyHashBalancer::HashType HaproxyHashBalancer::parse_hash_type(const std::string& text)
{
  if (text.empty() || text == "map-based") return HashType::map_based;
  if (text == "consistent") return HashType::consistent;
  throw std::invalid_argument("haproxy_hash hash_type must be \"map-based\" or \"consistent\", not \"" + text + "\"");
}

uint32_t HaproxyHashBalancer::uri_hash(std::string_view path)
{
  uint32_t h = 0;
  for (const char c : path) {
    if (c == '?') break;
    h = static_cast<unsigned char>(c) + (h << 6) + (h << 16) - h;  // unsigned: wraps as in C
  }
  return h;
}

uint32_t HaproxyHashBalancer::full_hash(uint32_t a)
{
  a = (a + 0x7ed55d16u) + (a << 12);
  a = (a ^ 0xc761c23cu) ^ (a >> 19);
  a = (a + 0x165667b1u) + (a << 5);
  a = (a + 0xd3a2646cu) ^ (a << 9);
  a = (a + 0xfd7046c5u) + (a << 3);
  a = (a ^ 0xb55a4f09u) ^ (a >> 16);
  return a * 3221225473u;
}

void HaproxyHashBalancer::rebuild(std::span<const PoolMember> pool)
{
  if (type_ == HashType::map_based) {
    map_ = build_static_rr_map(pool);
    return;
  }
  ring_.clear();
  for (uint32_t server = 0; server < pool.size(); ++server) {
    if (!pool[server].eligible) continue;
    const auto points = static_cast<uint32_t>(effective_weight(pool[server])) * kPointsPerWeight;
    for (uint32_t j = 0; j < points; ++j) ring_.push_back({full_hash((server + 1) * kPointRange + j), server});
  }
  // Equal keys keep their insertion order (server, then point), as HAProxy's ebtree does.
  std::stable_sort(ring_.begin(), ring_.end(), [](const Point& a, const Point& b) { return a.key < b.key; });
}

// chash_get_server_hash(): the points around h, the nearer one (the one before on a tie).
uint32_t HaproxyHashBalancer::ring_lookup(uint32_t h) const
{
  auto next = std::lower_bound(ring_.begin(), ring_.end(), h, [](const Point& p, uint32_t key) { return p.key < key; });
  if (next == ring_.end()) next = ring_.begin();
  const auto prev = next == ring_.begin() ? ring_.end() - 1 : next - 1;
  const uint32_t before = h - prev->key, after = next->key - h;  // distances around the 32-bit ring
  return before <= after ? prev->server : next->server;
}

ServerChoice HaproxyHashBalancer::pick(std::span<const PoolMember> pool, PickContext& context)
{
  if (watch_.needs_rebuild(pool)) rebuild(pool);
  const uint32_t key = source_ == RequestKeySource::client ? context.client_address : uri_hash(context.path);
  uint32_t chosen = 0;
  if (type_ == HashType::map_based) {
    if (map_.empty()) return std::nullopt;
    chosen = map_[key % map_.size()];
  } else {
    if (ring_.empty()) return std::nullopt;
    chosen = ring_lookup(full_hash(key));
  }
  if (!pool[chosen].eligible)
    throw std::logic_error("haproxy_hash: server " + std::to_string(chosen) +
                           " became ineligible without on_pool_changed()");
  return chosen;
}

AlgorithmDeclaration haproxy_hash_declaration()
{
  AlgorithmDeclaration declaration{"haproxy_hash",
          "hashes the client's address or the path as HAProxy's balance source / balance uri do (map-based or consistent).",
          {{"hash_key", AlgorithmOption::Type::choice, &BalancerOptions::hash_key,
            "what is hashed: client (the address, default: balance source) or path (balance uri)", {"client", "path"}},
           {"hash_type", AlgorithmOption::Type::choice, &BalancerOptions::hash_type,
            "map-based (HAProxy's default) or consistent (HAProxy's hash-type consistent)", {"map-based", "consistent"}}},
          AnalyticRouting::by_hash,
          [](const BalancerOptions& o) {
            return std::make_unique<HaproxyHashBalancer>(parse_request_key_source(o.hash_key),
                                                         HaproxyHashBalancer::parse_hash_type(o.hash_type));
          }};
  // HAProxy: the first backup only (without option allbackups); map-based hashing shares its map
  // between the groups, hash-type consistent keeps a backup tree.
  declaration.backups = [](const BalancerOptions& o) {
    return BackupRule{BackupRule::Use::first, o.hash_type != "consistent"};
  };
  return declaration;
}

}  // namespace lbsim::models
