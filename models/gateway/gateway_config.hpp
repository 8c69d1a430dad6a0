// The plain description of an API gateway (the contract: ../shared/spec/services-and-gateway.md,
// "Gateway", "Auth", "Cache", "Rate limits", "CORS"; docs/gateway.md says what lbsim does with
// each key). No YAML here; every time is SimTime, every rate per second.
#pragma once

#include "engine/distributions.hpp"
#include "engine/sim_time.hpp"
#include "models/requests/path_match.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lbsim::models {

using engine::SimTime;
using GatewayDistribution = std::shared_ptr<const engine::Distribution>;

// Where a route's requests match: methods (empty: any) and the path, exactly, as a pattern with
// {name} segments, or as a prefix.
struct RouteMatch {
  std::vector<std::string> methods;
  PathMatch kind = PathMatch::prefix;
  std::string path = "/";
  bool matches(const std::string& method, const std::string& path) const;
};

// How the path changes on its way upstream (Envoy's prefix_rewrite, nginx's proxy_pass URI).
struct RouteRewrite {
  std::string strip_prefix;  // removed from the front when present
  std::string prefix;        // replaces the route's matched prefix
  std::string path;          // replaces the whole path
  std::string apply(const std::string& matched_prefix, const std::string& path) const;
};

// Envoy's retry policy: which outcomes are retried, how often, how long each try may take, the
// backoff between tries and the budget of retries at once.
struct RetryPolicy {
  int max = 1;                     // num_retries
  bool on_5xx = false;             // any 5xx answer (includes gateway errors)
  bool on_gateway_error = false;   // 502, 503, 504
  bool on_reset = false;           // the server failed the request (a reset connection)
  bool on_connect_failure = false; // the server was not running
  SimTime per_try_timeout;         // 0: none (the route's timeout covers every try)
  SimTime backoff_base = engine::milliseconds(25);
  SimTime backoff_max = engine::milliseconds(250);
  std::optional<double> budget_percent;  // a fraction: retries at once <= max(it x tries out, min_concurrency)
  int budget_min_concurrency = 3;
  bool non_idempotent = false;     // retry POST and PATCH too (off: as nginx and Envoy do)
};

// A route's response cache (docs/gateway.md, "Cache").
struct CacheConfig {
  SimTime ttl = engine::minutes(5);
  bool ttl_reset_on_hit = false;
  uint64_t capacity_entries = 0;   // 0: no limit in entries
  double capacity_bytes = 0;       // 0: no limit in bytes (counts response sizes)
  bool key_api_key = false;        // the key adds the request's API key
  bool key_client = false;         // the key adds the client's address
  std::vector<std::string> methods = {"GET", "HEAD"};
  std::vector<int> statuses = {200, 301, 404};
  bool lock = false;
  SimTime lock_timeout = engine::seconds(5);
  bool stale_updating = false, stale_if_error = false, background_update = false;
  SimTime stale_grace;             // how long past its TTL an entry may still be served stale
  GatewayDistribution hit_cost;    // gateway CPU per hit; null: none
};

// KrakenD-style aggregation: the route calls several services at once and merges their answers.
struct AggregateBackend {
  std::string service;
  uint32_t service_index = 0;
  int32_t endpoint = 0;
  std::string method = "GET";
  std::string path = "/";
  double request_bytes = 0;
  double response_bytes = 0;
};
struct AggregateConfig {
  SimTime timeout = engine::seconds(2);
  bool partial = false;            // answer 200 with what arrived; else a missing part is a 500
  bool sequential = false;         // one backend after the other (KrakenD's sequential proxy)
  std::vector<AggregateBackend> backends;
  GatewayDistribution merge_work;  // gateway CPU to merge; null: none
};

struct RouteConfig {
  std::string name;
  RouteMatch match;
  // Upstream: one service, or an aggregate.
  std::string service;
  uint32_t service_index = 0;
  std::optional<AggregateConfig> aggregate;
  RouteRewrite rewrite;
  double request_headers_add_bytes = 0;
  SimTime timeout = engine::seconds(15);  // Envoy's default route timeout
  std::optional<RetryPolicy> retries;
  std::optional<CacheConfig> cache;
  std::optional<std::vector<uint32_t>> rate_limits;  // indices into the gateway's; absent: all
  enum class Auth { inherit, required, none };
  Auth auth = Auth::inherit;
};

struct RateLimitConfig {
  enum class Algorithm { leaky_bucket, token_bucket, fixed_window, sliding_window, quota, concurrency };
  enum class Key { ip, api_key, route, global };
  std::string name;
  Algorithm algorithm = Algorithm::leaky_bucket;
  Key key = Key::ip;
  int status = 429;
  // leaky_bucket (nginx limit_req): rate in milli-requests per second (as nginx keeps it), burst,
  // delay (requests past which the excess waits; nodelay: none waits).
  int64_t rate_milli = 0;
  int64_t burst = 0;
  int64_t delay = 0;
  bool nodelay = false;
  // token_bucket: tokens per second, bucket size (starts full), continuous or timer refill.
  double tokens_per_s = 0;
  double max_tokens = 0;
  bool interval_refill = false;
  SimTime fill_interval = engine::seconds(1);
  // fixed_window, sliding_window, quota: `limit` requests per `window` (quota: per `period`).
  int64_t limit = 0;
  SimTime window = engine::minutes(1);
  bool count_rejected = false;     // sliding_window: denied requests count too (Kong's disable_penalty: false)
  // concurrency (nginx limit_conn): `limit` requests at once per key.
  // Scope: per gateway instance, or shared through a store service.
  bool shared = false;
  std::string store_service;
  uint32_t store_service_index = 0;
  int32_t store_endpoint = -1;
  GatewayDistribution store_cost;  // per check, when shared without a store service's endpoint
};

struct AuthConfig {
  enum class Kind { none, jwt, api_key, introspection };
  Kind kind = Kind::none;
  std::string alg;                 // jwt
  GatewayDistribution cost;        // gateway CPU per check
  std::optional<CacheConfig> cache;  // verified tokens or introspection results (ttl, capacity)
  SimTime token_lifetime;          // 0: a token lasts the whole run
  // introspection / ext_authz: a call to a service.
  std::string remote_service;
  uint32_t remote_service_index = 0;
  int32_t remote_endpoint = -1;
  std::string remote_method = "POST";
  std::string remote_path = "/introspect";
  SimTime remote_timeout = engine::milliseconds(200);
  bool allow_on_error = false;     // on_error: allow (else deny: 403)
  int status_missing = 401;
  int status_denied = 403;
};

struct CorsConfig {
  std::optional<SimTime> max_age;  // absent: browsers cache a preflight 5 s
  GatewayDistribution processing;  // the gateway's time per preflight; null: none
  bool forward_preflight = false;  // the preflight goes to the service like a request
};

struct GatewayConfig {
  std::string name = "gw";
  int instances = 1;
  GatewayDistribution processing;  // per request, on a worker; null: none
  int workers = 1;
  std::optional<uint64_t> max_connections;
  std::optional<uint64_t> backlog;
  enum class Stage { cors, auth, rate_limit, cache };
  std::vector<Stage> pipeline = {Stage::cors, Stage::auth, Stage::rate_limit, Stage::cache};  // Kong's order
  int not_found = 404;
  std::vector<RouteConfig> routes;
  AuthConfig auth;
  std::vector<RateLimitConfig> rate_limits;
  std::optional<CorsConfig> cors;
};

}  // namespace lbsim::models
