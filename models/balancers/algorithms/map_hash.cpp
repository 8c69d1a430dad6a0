#include "models/balancers/algorithms/map_hash.hpp"

#include "models/balancers/algorithms/static_rr_map.hpp"

#include <memory>
#include <stdexcept>
#include <string>

namespace lbsim::models {

uint32_t MapHashBalancer::uri_hash(std::string_view path)
{
  uint32_t h = 0;
  for (const char c : path) {
    if (c == '?') break;
    h = static_cast<unsigned char>(c) + (h << 6) + (h << 16) - h;  // unsigned: wraps as in C
  }
  return h;
}

ServerChoice MapHashBalancer::pick(std::span<const PoolMember> pool, PickContext& context)
{
  if (watch_.needs_rebuild(pool)) map_ = build_static_rr_map(pool);
  if (map_.empty()) return std::nullopt;
  const uint32_t h = source_ == RequestKeySource::client ? context.client_address : uri_hash(context.path);
  const uint32_t chosen = map_[h % map_.size()];
  if (!pool[chosen].eligible)
    throw std::logic_error("map_hash: server " + std::to_string(chosen) + " became ineligible without on_pool_changed()");
  return chosen;
}

AlgorithmDeclaration map_hash_declaration()
{
  return {"map_hash",
          "hashes the client's address or the path onto HAProxy's map of weighted slots (balance source, balance uri).",
          {{"hash_key", AlgorithmOption::Type::choice, &BalancerOptions::hash_key,
            "what is hashed: client (the address, default: balance source) or path (balance uri)", {"client", "path"}}},
          AnalyticRouting::by_hash,
          [](const BalancerOptions& o) { return std::make_unique<MapHashBalancer>(parse_request_key_source(o.hash_key)); }};
}

}  // namespace lbsim::models
