// PreflightCache: the browsers' CORS preflight caches (docs/gateway.md, "CORS"). A cross-origin
// browser sending a request type that needs a preflight (a non-safelisted method or header)
// first sends OPTIONS, unless it holds a live answer for that URL: entries are per (client, method
// and URL), so a drawn id in the path is a URL of its own. An entry lives min(max_age, the
// browser's cap) from the preflight's answer (5 s when the gateway sends no max_age) and is not
// refreshed by the requests it covers: a TTL cache with the timer set on fill.
#pragma once

#include "engine/rng.hpp"
#include "engine/sim_time.hpp"
#include "models/requests/request.hpp"
#include "models/system_config.hpp"

#include <unordered_map>
#include <vector>

namespace lbsim::models {

class PreflightCache {
public:
  // `max_age`: the gateway's Access-Control-Max-Age (absent: none sent).
  PreflightCache(const SystemConfig& config, std::optional<SimTime> max_age) : config_(config), max_age_(max_age)
  {
    for (const ClientGroupConfig& group : config.clients) {
      auto& hashes = type_hash_.emplace_back();
      for (const RequestType& type : group.mix) hashes.push_back(engine::stable_hash(type.method + " " + type.path));
    }
  }

  // True when this request must wait for a preflight first.
  bool needs_preflight(const Request& r, SimTime now)
  {
    const ClientGroupConfig& group = config_.clients[r.client_group];
    if (group.cross_origin <= 0 || !group.mix[r.type].preflighted) return false;
    const uint32_t address = group.addresses[r.client];
    if (!cross_origin(group, address)) return false;
    const auto it = entries_.find(key(r, address));
    return it == entries_.end() || now >= it->second;
  }

  // The preflight was answered: the browser keeps the answer.
  void store(const Request& r, SimTime now)
  {
    const ClientGroupConfig& group = config_.clients[r.client_group];
    const SimTime lifetime = std::min(max_age_.value_or(kDefaultMaxAge), group.preflight_cap);
    entries_[key(r, group.addresses[r.client])] = now + lifetime;
    if (entries_.size() > prune_at_) prune(now);
  }

  size_t entries() const { return entries_.size(); }

  // Which addresses are cross-origin browsers: a fixed share, chosen by a hash of the address so
  // the same clients are browsers in every run.
  static bool cross_origin(const ClientGroupConfig& group, uint32_t address)
  {
    if (group.cross_origin >= 1) return true;
    uint64_t state = address;
    const uint64_t u = engine::splitmix64(state);
    return static_cast<double>(u >> 11) * 0x1.0p-53 < group.cross_origin;
  }

  // Browsers cache a preflight 5 s when the answer carries no Access-Control-Max-Age (Fetch).
  static constexpr SimTime kDefaultMaxAge = engine::seconds(5);

private:
  uint64_t key(const Request& r, uint32_t address) const
  {
    return (uint64_t{address} * 0x9E3779B97F4A7C15ull) ^ type_hash_[r.client_group][r.type] ^
           (uint64_t{r.resource} * 0xC2B2AE3D27D4EB4Full) ^ (uint64_t{r.client_group} << 40);
  }
  // Expired entries go when the table has doubled since the last sweep, so memory follows the
  // live entries.
  void prune(SimTime now)
  {
    for (auto it = entries_.begin(); it != entries_.end();) it = now >= it->second ? entries_.erase(it) : std::next(it);
    prune_at_ = std::max<size_t>(1024, 2 * entries_.size());
  }

  const SystemConfig& config_;
  std::optional<SimTime> max_age_;
  std::vector<std::vector<uint64_t>> type_hash_;  // per client group: per request type
  std::unordered_map<uint64_t, SimTime> entries_;  // key -> expiry
  size_t prune_at_ = 1024;
};

}  // namespace lbsim::models
