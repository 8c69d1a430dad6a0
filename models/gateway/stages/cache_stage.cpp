// cache: a route's response cache at the gateway (docs/gateway.md, "Cache"; the store itself is
// models/gateway/cache/response_cache.hpp). The key is the method and path with the request's
// drawn resource id (and its API key or client when the route asks). A hit is answered at the
// gateway after `hit_cost` of a worker; a miss goes upstream and its response is stored when its
// status is cacheable. With `lock` (nginx proxy_cache_lock) one request fills a key while the
// others for it wait, at most lock_timeout (then they go upstream and their responses are not
// stored, as nginx's); with stale.updating they get the expired copy meanwhile; with
// stale.if_error a failed fill is answered with the expired copy within the grace. Each gateway
// replica has its own cache (Kong's and nginx's are per node).
#include "models/gateway/stages/stages.hpp"

#include "engine/rng.hpp"
#include "models/gateway/cache/response_cache.hpp"
#include "models/metrics/run_summary.hpp"

#include <algorithm>
#include <unordered_map>

namespace lbsim::models {

namespace {

constexpr uint32_t kServed = 1;       // a hit's cost is spent: answer
constexpr uint32_t kLockTimeout = 2;  // waited lock_timeout for another request's fill
constexpr uint32_t kFillDone = 3;     // the fill it waited for is over: look again

class CacheStage final : public GatewayStage {
public:
  CacheStage(const GatewayConfig& config, RunContext& run, GatewayApi& api)
      : config_(config), run_(run), api_(api), rng_(run.config.seed, "gateway:" + config.name + ":cache")
  {
    for (const RouteConfig& route : config_.routes) {
      auto& per_instance = caches_.emplace_back();
      if (route.cache)
        for (int i = 0; i < config_.instances; ++i) per_instance.push_back(std::make_unique<ResponseCache>(*route.cache));
    }
    // Each request type's method and path, hashed once: the key's fixed part.
    for (const ClientGroupConfig& group : run_.config.clients) {
      auto& hashes = type_hash_.emplace_back();
      for (const RequestType& type : group.mix)
        hashes.push_back(engine::stable_hash(type.method + " " + type.path));
    }
  }
  const char* name() const override { return "cache"; }
  bool applies(const Request& r, const GatewayVisit& v) const override
  {
    if (r.preflight) return false;
    const RouteConfig& route = api_.route(v);
    if (!route.cache) return false;
    const std::string& method = run_.config.clients[r.client_group].mix[r.type].method;
    const auto& methods = route.cache->methods;
    return std::find(methods.begin(), methods.end(), method) != methods.end();
  }

  void on_request(RequestId id, const Request& r, GatewayVisit& v) override
  {
    v.key = key_of(r, v);
    look_up(id, r, v);
  }

  void on_resume(RequestId id, const Request& r, GatewayVisit& v, uint32_t token) override
  {
    switch (token) {
      case kServed: api_.answer(id, kOk, 0, response_bytes(r)); return;
      case kLockTimeout:  // nginx: go upstream, and do not store the response
        v.cache = GatewayVisit::CacheStatus::miss;
        v.fills = false;
        api_.proceed(id);
        return;
      case kFillDone: look_up(id, r, v, true); return;
      default: return;
    }
  }

  bool on_upstream_error(RequestId id, const Request& r, GatewayVisit& v) override
  {
    const CacheConfig& c = *api_.route(v).cache;
    if (!c.stale_if_error || v.cache != GatewayVisit::CacheStatus::miss) return false;
    if (!cache(v).serve_stale_on_error(v.key, api_.now())) return false;
    v.cache = GatewayVisit::CacheStatus::stale;
    api_.answer(id, kOk, 0, response_bytes(r));  // on_leave sees no fill: the failure is not stored
    return true;
  }

  void on_leave(RequestId, const Request& r, GatewayVisit& v) override
  {
    if (!v.fills) return;
    v.fills = false;
    const CacheConfig& c = *api_.route(v).cache;
    const bool cacheable = v.status != 0 && std::find(c.statuses.begin(), c.statuses.end(), v.status) != c.statuses.end()
                           && !(v.flags & GatewayVisit::kRateLimited) && !(v.flags & GatewayVisit::kAuthDenied);
    const bool stored = cache(v).complete_fill(v.key, api_.now(), static_cast<uint64_t>(response_bytes(r)), cacheable);
    (void)stored;
    wake_waiters(v);
  }

  void reset_measurement(SimTime) override
  {
    for (auto& per_instance : caches_)
      for (auto& c : per_instance) c->reset_counters();
    collapsed_served_ = 0;
  }

  void summarize(GatewaySummary& s, SimTime) const override
  {
    bool any = false;
    CacheSummary out;
    for (const auto& per_instance : caches_)
      for (const auto& c : per_instance) {
        any = true;
        const CacheCounters& k = c->counters();
        out.hits += k.hits;
        out.misses += k.misses;
        out.stale += k.stale;
        out.collapsed += k.collapsed;
        out.expired += k.expired;
        out.evictions += k.evictions;
        out.entries += c->entries();
        out.memory_bytes += c->memory_bytes();
      }
    if (!any) return;
    const uint64_t lookups = out.hits + out.misses + out.stale;
    out.hit_ratio = lookups ? static_cast<double>(out.hits + out.stale) / static_cast<double>(lookups) : 0;
    out.upstream_saved = out.hits + out.stale + collapsed_served_;
    s.cache = out;
  }

private:
  ResponseCache& cache(const GatewayVisit& v) { return *caches_[static_cast<size_t>(v.route)][v.instance]; }
  double response_bytes(const Request& r) const { return run_.shapes[r.shape].response_bytes; }

  uint64_t key_of(const Request& r, const GatewayVisit& v) const
  {
    const CacheConfig& c = *api_.route(v).cache;
    uint64_t key = type_hash_[r.client_group][r.type] ^ (uint64_t{r.resource} * 0x9E3779B97F4A7C15ull);
    if (c.key_api_key) {
      const uint32_t keys = run_.config.clients[r.client_group].api_keys;
      key ^= (uint64_t{keys ? r.client % keys : 0} + 1) * 0xC2B2AE3D27D4EB4Full;
    }
    if (c.key_client) key ^= (uint64_t{run_.client_address(r)} + 1) * 0x165667B19E3779F9ull;
    return key;
  }

  // `again`: a request that waited for a fill looks once more; it does not count a second lookup.
  void look_up(RequestId id, const Request& r, GatewayVisit& v, bool again = false)
  {
    const CacheConfig& c = *api_.route(v).cache;
    ResponseCache& store = cache(v);
    if (again) {
      const auto entry = store.peek(v.key);
      if (entry && entry->has_response && api_.now() < entry->expiry) {
        if (r.measured) ++collapsed_served_;
        serve(id, r, v, GatewayVisit::CacheStatus::hit, c);
        return;
      }
      go_upstream(id, v, c, store);  // the fill stored nothing: this one fills now
      return;
    }
    const CacheLookup look = store.lookup(v.key, api_.now());
    if (look.status == CacheStatus::hit) {
      serve(id, r, v, GatewayVisit::CacheStatus::hit, c);
      return;
    }
    if (look.status == CacheStatus::stale) {
      serve(id, r, v, look.filling ? GatewayVisit::CacheStatus::updating : GatewayVisit::CacheStatus::stale, c);
      return;
    }
    if (look.filling && c.lock) {  // collapse onto the fill in progress
      store.report_collapsed();
      v.cache = GatewayVisit::CacheStatus::miss;
      waiters_[waiter_key(v)].push_back(Waiter{id, v.number});
      api_.wait(id, c.lock_timeout, kLockTimeout);
      return;
    }
    go_upstream(id, v, c, store);
  }

  void go_upstream(RequestId id, GatewayVisit& v, const CacheConfig& c, ResponseCache& store)
  {
    v.cache = GatewayVisit::CacheStatus::miss;
    v.fills = true;
    // The fill is marked for those who may collapse onto it (lock) or be served stale meanwhile
    // (nginx's use_stale updating, which needs no lock).
    if (c.lock || c.stale_updating) store.begin_fill(v.key, api_.now());
    api_.proceed(id);
  }

  void serve(RequestId id, const Request& r, GatewayVisit& v, GatewayVisit::CacheStatus status, const CacheConfig& c)
  {
    v.cache = status;
    if (c.hit_cost) {
      api_.work(id, SimTime::from_seconds(c.hit_cost->sample(rng_)), kServed);
      return;
    }
    api_.answer(id, kOk, 0, response_bytes(r));
  }

  // Requests that waited for this key's fill look again, in the order they came.
  void wake_waiters(const GatewayVisit& v)
  {
    const auto it = waiters_.find(waiter_key(v));
    if (it == waiters_.end()) return;
    std::vector<Waiter> waiting = std::move(it->second);
    waiters_.erase(it);
    for (const Waiter& w : waiting) {
      const GatewayVisit& wv = api_.visit(w.id);
      if (wv.number != w.visit) continue;  // it gave up (lock_timeout) and went on
      api_.wake(w.id, kFillDone);
    }
  }
  // Waiters are per replica and route as well as per key.
  static uint64_t waiter_key(const GatewayVisit& v)
  {
    return v.key ^ (uint64_t{v.instance} << 48) ^ (static_cast<uint64_t>(v.route) << 56);
  }

  struct Waiter {
    RequestId id;
    uint64_t visit;
  };
  const GatewayConfig& config_;
  RunContext& run_;
  GatewayApi& api_;
  engine::RngStream rng_;
  std::vector<std::vector<std::unique_ptr<ResponseCache>>> caches_;  // per route: per replica (none without a cache)
  std::vector<std::vector<uint64_t>> type_hash_;                     // per client group: per request type
  std::unordered_map<uint64_t, std::vector<Waiter>> waiters_;
  uint64_t collapsed_served_ = 0;
};

}  // namespace

std::unique_ptr<GatewayStage> make_cache_stage(const GatewayConfig& config, RunContext& run, GatewayApi& api)
{
  return std::make_unique<CacheStage>(config, run, api);
}

}  // namespace lbsim::models
