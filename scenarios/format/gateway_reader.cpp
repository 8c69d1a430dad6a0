// The gateway section (services-and-gateway.md, "Gateway", "Auth", "CORS", "Rate limits"; what
// lbsim does with each key: docs/gateway.md): the station, its routes (matched first in file
// order), their upstream (a service or an aggregate), rewriting, timeouts, retries, caches and
// limits; then each client request type's route, rewritten path and upstream endpoint.
#include "scenarios/format/scenario_loader.hpp"

#include "scenarios/format/cache_reader.hpp"
#include "scenarios/format/connection_limits_reader.hpp"
#include "scenarios/format/distribution_reader.hpp"
#include "scenarios/format/rate_limit_reader.hpp"

#include <algorithm>
#include <set>

namespace lbsim::scenarios {

namespace {

// JWT verification cost by algorithm (reference/gateway.md 1.8: OpenSSL verify measured on one
// core, plus 5 us of base64url and JSON parsing); HS256 from the fast-jwt library table.
double jwt_cost_s(const std::string& alg)
{
  if (alg == "RS256") return 25e-6;
  if (alg == "ES256") return 65e-6;
  if (alg == "EdDSA") return 90e-6;
  return 4e-6;  // HS256
}

std::string methods_text(const std::vector<std::string>& methods)
{
  if (methods.empty()) return "any method";
  std::string out;
  for (const std::string& m : methods) out += (out.empty() ? "" : ", ") + m;
  return out;
}

}  // namespace

int32_t ScenarioLoader::endpoint_for(const models::ServiceConfig& service, const std::string& method,
                                     const std::string& path, const YAML::Node& node, const std::string& what) const
{
  if (service.endpoints.empty()) return -1;
  for (size_t e = 0; e < service.endpoints.size(); ++e)
    if (service.endpoints[e].matches(method, path)) return static_cast<int32_t>(e);
  std::string list;
  for (const models::EndpointConfig& e : service.endpoints)
    list += (list.empty() ? "" : ", ") + (e.method.empty() ? std::string("any") : e.method) + " " +
            (e.match == models::PathMatch::prefix ? "prefix " : "") + e.path;
  r_.fail(node, what + " (" + method + " " + path + ") matches no endpoint of service \"" + service.name + "\" (" + list +
                    "); add an endpoint or change the method or path");
}

void ScenarioLoader::read_gateway(const YAML::Node& node, models::SystemConfig& c)
{
  const std::string ctx = "gateway";
  r_.require_map(node, ctx);
  r_.check_keys(node, ctx,
                {"name", "instances", "processing", "workers", "max_connections", "backlog", "pipeline", "not_found",
                 "routes", "auth", "rate_limits", "cors"});
  r_.require_key(node, "routes", ctx, "routes: [{name: users, match: {prefix: /api/users}, service: users}]");
  models::GatewayConfig gw;
  if (node["name"]) gw.name = r_.string(node["name"], ctx + ".name");
  for (const models::ServiceConfig& s : c.services) {
    const bool taken = s.name == gw.name || (s.balancer && s.balancer->name == gw.name) ||
                       std::any_of(s.servers.begin(), s.servers.end(),
                                   [&](const models::ServerConfig& v) { return v.name == gw.name; });
    if (taken)
      r_.fail(node["name"] ? node["name"] : node, "the gateway is named \"" + gw.name +
                                                      "\" like a service, balancer or server; give it a name of its own");
  }
  if (node["instances"]) gw.instances = static_cast<int>(r_.integer(node["instances"], ctx + ".instances", 1, 256));
  if (const YAML::Node p = node["processing"]) {
    models::DistributionPtr d = read_time_distribution(p, ctx + ".processing", r_, base_dir_);
    if (d && d->mean() > 0) gw.processing = std::move(d);
  }
  if (node["workers"]) gw.workers = static_cast<int>(r_.integer(node["workers"], ctx + ".workers", 1, 4096));
  read_connection_limits(r_, node, ctx, gw.max_connections, gw.backlog);
  if (node["not_found"]) gw.not_found = static_cast<int>(r_.integer(node["not_found"], ctx + ".not_found", 400, 599));
  if (const YAML::Node p = node["pipeline"]) {
    r_.require_sequence(p, ctx + ".pipeline");
    gw.pipeline.clear();
    std::set<std::string> seen;
    for (size_t i = 0; i < p.size(); ++i) {
      const std::string stage =
          r_.one_of(p[i], ctx + ".pipeline[" + std::to_string(i) + "]", {"cors", "auth", "rate_limit", "cache"});
      if (!seen.insert(stage).second) r_.fail(p[i], ctx + ".pipeline lists " + stage + " twice");
      using Stage = models::GatewayConfig::Stage;
      gw.pipeline.push_back(stage == "cors" ? Stage::cors
                            : stage == "auth" ? Stage::auth
                            : stage == "rate_limit" ? Stage::rate_limit
                                                    : Stage::cache);
    }
  }
  // Rate limits first: routes name them.
  std::vector<std::string> limit_names;
  if (const YAML::Node list = node["rate_limits"]) {
    r_.require_sequence(list, ctx + ".rate_limits");
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string lctx = ctx + ".rate_limits[" + std::to_string(i) + "]";
      models::RateLimitConfig limit = read_rate_limit(r_, list[i], lctx, base_dir_);
      if (std::find(limit_names.begin(), limit_names.end(), limit.name) != limit_names.end())
        r_.fail(list[i]["name"] ? list[i]["name"] : list[i], "two rate limits are named \"" + limit.name +
                                                                  "\"; give each its own name");
      if (!limit.store_service.empty()) {
        const YAML::Node store = list[i]["store"];
        limit.store_service_index = service_named(store["service"], lctx + ".store.service", c);
        const models::ServiceConfig& s = c.services[limit.store_service_index];
        if (!s.endpoints.empty()) {
          limit.store_endpoint = endpoint_for(s, "POST", "/ratelimit", store["service"], lctx + ".store's check");
          if (store["cost"])
            r_.fail(store["cost"], lctx + ".store.cost is the store's time per check, and service \"" + s.name +
                                       "\" has endpoints that say it (its POST /ratelimit); remove cost");
        } else if (!limit.store_cost) {
          r_.fail(store, lctx + ".store needs cost (the store's time per check, e.g. cost: 0.3 ms), since service \"" +
                             s.name + "\" has no endpoints");
        }
      }
      limit_names.push_back(limit.name);
      gw.rate_limits.push_back(std::move(limit));
    }
  }
  if (const YAML::Node a = node["auth"]) read_auth(a, ctx + ".auth", c, gw.auth);
  if (const YAML::Node cors = node["cors"]) {
    const std::string cctx = ctx + ".cors";
    r_.require_map(cors, cctx);
    r_.check_keys(cors, cctx, {"max_age", "processing", "forward_preflight"});
    models::CorsConfig cc;
    if (cors["max_age"]) cc.max_age = SimTime::from_ns(r_.time_ns(cors["max_age"], cctx + ".max_age", true));
    if (cors["processing"]) {
      models::DistributionPtr d = read_time_distribution(cors["processing"], cctx + ".processing", r_, base_dir_);
      if (d && d->mean() > 0) cc.processing = std::move(d);
    }
    if (cors["forward_preflight"] && r_.boolean(cors["forward_preflight"], cctx + ".forward_preflight"))
      r_.fail(cors["forward_preflight"], cctx + ".forward_preflight: true (preflights answered by the services) is not "
                                         "implemented yet; the gateway answers preflights (Kong's default)");
    gw.cors = cc;
    // A cors configured but left out of the pipeline answers first, as nginx's `if ($request_method =
    // OPTIONS)` in the rewrite phase does, before any limit or auth.
    if (std::find(gw.pipeline.begin(), gw.pipeline.end(), models::GatewayConfig::Stage::cors) == gw.pipeline.end())
      gw.pipeline.insert(gw.pipeline.begin(), models::GatewayConfig::Stage::cors);
  }
  const YAML::Node routes = node["routes"];
  r_.require_sequence(routes, ctx + ".routes");
  if (routes.size() == 0) r_.fail(routes, ctx + ".routes is empty; a gateway needs at least one route");
  std::set<std::string> route_names;
  for (size_t i = 0; i < routes.size(); ++i) {
    const std::string rctx = ctx + ".routes[" + std::to_string(i) + "]";
    models::RouteConfig route = read_route(routes[i], rctx, c, gw);
    if (!route_names.insert(route.name).second)
      r_.fail(routes[i]["name"] ? routes[i]["name"] : routes[i],
              "two routes are named \"" + route.name + "\"; give each route its own name");
    if (const YAML::Node names = routes[i]["rate_limits"]) {
      std::vector<uint32_t> order;
      for (size_t k = 0; k < names.size(); ++k) {
        const std::string name = r_.one_of(names[k], rctx + ".rate_limits[" + std::to_string(k) + "]", limit_names);
        order.push_back(static_cast<uint32_t>(std::find(limit_names.begin(), limit_names.end(), name) -
                                               limit_names.begin()));
      }
      route.rate_limits = std::move(order);
    }
    route_nodes_.push_back(routes[i]);
    gw.routes.push_back(std::move(route));
  }
  check_route_shadowing(routes, gw);
  // A configured stage left out of an explicit pipeline would silently never run.
  if (const YAML::Node p = node["pipeline"]) {
    using Stage = models::GatewayConfig::Stage;
    const auto listed = [&](Stage s) { return std::find(gw.pipeline.begin(), gw.pipeline.end(), s) != gw.pipeline.end(); };
    const bool cached = std::any_of(gw.routes.begin(), gw.routes.end(), [](const auto& r) { return r.cache.has_value(); });
    const auto missing = [&](const char* stage, const char* what) {
      r_.fail(p, ctx + ".pipeline leaves out " + stage + ", and the gateway has " + what + "; list " + stage +
                     " where it runs (e.g. nginx's order [rate_limit, auth, cache]) or remove " + what);
    };
    if (gw.auth.kind != models::AuthConfig::Kind::none && !listed(Stage::auth)) missing("auth", "auth");
    if (!gw.rate_limits.empty() && !listed(Stage::rate_limit)) missing("rate_limit", "rate_limits");
    if (cached && !listed(Stage::cache)) missing("cache", "a route with a cache");
  }
  c.gateway = std::move(gw);
  resolve_gateway_requests(c);
}

models::RouteConfig ScenarioLoader::read_route(const YAML::Node& node, const std::string& ctx,
                                               const models::SystemConfig& c, const models::GatewayConfig& gw)
{
  r_.require_map(node, ctx);
  r_.check_keys(node, ctx,
                {"name", "match", "service", "aggregate", "rewrite", "request_headers_add", "timeout", "retries",
                 "cache", "rate_limits", "auth"});
  r_.require_key(node, "match", ctx, "match: {prefix: /api/users}");
  models::RouteConfig route;
  route.name = node["name"] ? r_.string(node["name"], ctx + ".name") : "route-" + std::to_string(gw.routes.size() + 1);
  const YAML::Node m = node["match"];
  r_.require_map(m, ctx + ".match");
  r_.check_keys(m, ctx + ".match", {"methods", "path", "pattern", "prefix"});
  const int ways = (m["path"] ? 1 : 0) + (m["pattern"] ? 1 : 0) + (m["prefix"] ? 1 : 0);
  if (ways != 1)
    r_.fail(m, ctx + ".match needs exactly one of path (exact), pattern (/api/users/{id}) and prefix (every path "
                     "under it)");
  const YAML::Node path = m["path"] ? m["path"] : m["pattern"] ? m["pattern"] : m["prefix"];
  const std::string key = m["path"] ? "path" : m["pattern"] ? "pattern" : "prefix";
  route.match.path = r_.string(path, ctx + ".match." + key);
  if (route.match.path.empty() || route.match.path.front() != '/')
    r_.fail(path, ctx + ".match." + key + " must start with /, got \"" + route.match.path + "\"");
  route.match.kind = m["prefix"] ? models::PathMatch::prefix
                     : m["pattern"] ? models::PathMatch::pattern
                                    : models::PathMatch::exact;
  if (route.match.kind == models::PathMatch::exact && route.match.path.find('{') != std::string::npos)
    route.match.kind = models::PathMatch::pattern;
  if (const YAML::Node methods = m["methods"]) {
    r_.require_sequence(methods, ctx + ".match.methods");
    for (size_t k = 0; k < methods.size(); ++k)
      route.match.methods.push_back(r_.string(methods[k], ctx + ".match.methods[" + std::to_string(k) + "]"));
  }
  if (static_cast<bool>(node["service"]) == static_cast<bool>(node["aggregate"]))
    r_.fail(node, ctx + " needs exactly one of service (the service it routes to) and aggregate (several at once)");
  if (node["service"]) {
    route.service_index = service_named(node["service"], ctx + ".service", c);
    route.service = c.services[route.service_index].name;
  } else {
    route.aggregate = read_aggregate(node["aggregate"], ctx + ".aggregate", c);
    for (const char* k : {"rewrite", "retries", "timeout"})
      if (node[k])
        r_.fail(node[k], ctx + "." + k + " applies to a route's one service; an aggregate has its own timeout and "
                                     "calls each backend's own path");
  }
  if (const YAML::Node rw = node["rewrite"]) {
    r_.require_map(rw, ctx + ".rewrite");
    r_.check_keys(rw, ctx + ".rewrite", {"strip_prefix", "prefix", "path"});
    if (rw["strip_prefix"]) route.rewrite.strip_prefix = r_.string(rw["strip_prefix"], ctx + ".rewrite.strip_prefix");
    if (rw["prefix"]) route.rewrite.prefix = r_.string(rw["prefix"], ctx + ".rewrite.prefix");
    if (rw["path"]) route.rewrite.path = r_.string(rw["path"], ctx + ".rewrite.path");
    if (rw["path"] && (rw["prefix"] || rw["strip_prefix"]))
      r_.fail(rw, ctx + ".rewrite.path replaces the whole path; it cannot be combined with prefix or strip_prefix");
    if (rw["prefix"] && rw["strip_prefix"])
      r_.fail(rw, ctx + ".rewrite.prefix replaces the matched prefix, which strip_prefix would already have removed; "
                        "use one of them (e.g. prefix: /v2 alone turns /api/users/7 into /v2/users/7 for a route "
                        "matching the prefix /api)");
  }
  if (node["request_headers_add"])
    route.request_headers_add_bytes = r_.size_bytes(node["request_headers_add"], ctx + ".request_headers_add");
  if (node["timeout"]) route.timeout = SimTime::from_ns(r_.time_ns(node["timeout"], ctx + ".timeout", true));
  if (node["retries"]) route.retries = read_retries(node["retries"], ctx + ".retries");
  if (const YAML::Node cache = node["cache"]) route.cache = read_cache(r_, cache, ctx + ".cache", route.name, route.match.methods, base_dir_);
  if (const YAML::Node names = node["rate_limits"]) {
    r_.require_sequence(names, ctx + ".rate_limits");
    if (gw.rate_limits.empty() && names.size() > 0)
      r_.fail(names, ctx + ".rate_limits names limits of gateway.rate_limits, and the gateway has none");
  }
  if (const YAML::Node a = node["auth"]) {
    const std::string v = r_.one_of(a, ctx + ".auth", {"required", "none"});
    route.auth = v == "none" ? models::RouteConfig::Auth::none : models::RouteConfig::Auth::required;
    if (route.auth == models::RouteConfig::Auth::required && gw.auth.kind == models::AuthConfig::Kind::none)
      r_.fail(a, ctx + ".auth: required, and the gateway has no auth; add gateway.auth (e.g. {kind: jwt, alg: RS256})");
  }
  return route;
}

models::RetryPolicy ScenarioLoader::read_retries(const YAML::Node& node, const std::string& ctx)
{
  r_.require_map(node, ctx);
  r_.check_keys(node, ctx, {"max", "on", "per_try_timeout", "backoff", "budget", "non_idempotent"});
  models::RetryPolicy p;
  if (node["max"]) p.max = static_cast<int>(r_.integer(node["max"], ctx + ".max", 0, 100));
  if (const YAML::Node on = node["on"]) {
    r_.require_sequence(on, ctx + ".on");
    for (size_t k = 0; k < on.size(); ++k) {
      const std::string what = r_.one_of(on[k], ctx + ".on[" + std::to_string(k) + "]",
                                         {"5xx", "gateway_error", "reset", "connect_failure"});
      if (what == "5xx") p.on_5xx = true;
      else if (what == "gateway_error") p.on_gateway_error = true;
      else if (what == "reset") p.on_reset = true;
      else p.on_connect_failure = true;
    }
  } else {
    p.on_5xx = true;  // `retries` without `on`: any 5xx (which covers resets and connect failures)
  }
  if (node["per_try_timeout"])
    p.per_try_timeout = SimTime::from_ns(r_.time_ns(node["per_try_timeout"], ctx + ".per_try_timeout", false));
  if (const YAML::Node b = node["backoff"]) {
    r_.require_map(b, ctx + ".backoff");
    r_.check_keys(b, ctx + ".backoff", {"base", "max"});
    if (b["base"]) {
      p.backoff_base = SimTime::from_ns(r_.time_ns(b["base"], ctx + ".backoff.base", false));
      if (!b["max"]) p.backoff_max = p.backoff_base * 10;  // Envoy: 10 x base
    }
    if (b["max"]) p.backoff_max = SimTime::from_ns(r_.time_ns(b["max"], ctx + ".backoff.max", false));
    if (p.backoff_max < p.backoff_base)
      r_.fail(b["max"], ctx + ".backoff.max is below backoff.base; the backoff grows from base up to max");
    if (p.backoff_base < engine::milliseconds(1))
      r_.fail(b["base"], ctx + ".backoff.base is below 1 ms; Envoy draws the backoff in whole milliseconds");
  }
  if (const YAML::Node b = node["budget"]) {
    r_.require_map(b, ctx + ".budget");
    r_.check_keys(b, ctx + ".budget", {"percent", "min_concurrency"});
    p.budget_percent = b["percent"] ? r_.fraction(b["percent"], ctx + ".budget.percent") : 0.2;
    if (b["min_concurrency"])
      p.budget_min_concurrency = static_cast<int>(r_.integer(b["min_concurrency"], ctx + ".budget.min_concurrency", 0, 1 << 20));
  }
  if (node["non_idempotent"]) p.non_idempotent = r_.boolean(node["non_idempotent"], ctx + ".non_idempotent");
  return p;
}

models::AggregateConfig ScenarioLoader::read_aggregate(const YAML::Node& node, const std::string& ctx,
                                                       const models::SystemConfig& c)
{
  r_.require_map(node, ctx);
  r_.check_keys(node, ctx, {"timeout", "partial", "sequential", "backends", "merge_work"});
  r_.require_key(node, "backends", ctx, "backends: [{service: users, path: /users/me}]");
  models::AggregateConfig a;
  if (node["timeout"]) a.timeout = SimTime::from_ns(r_.time_ns(node["timeout"], ctx + ".timeout", false));
  if (node["partial"]) a.partial = r_.boolean(node["partial"], ctx + ".partial");
  if (node["sequential"]) a.sequential = r_.boolean(node["sequential"], ctx + ".sequential");
  if (node["merge_work"]) {
    models::DistributionPtr d = read_time_distribution(node["merge_work"], ctx + ".merge_work", r_, base_dir_);
    if (d && d->mean() > 0) a.merge_work = std::move(d);
  }
  const YAML::Node list = node["backends"];
  r_.require_sequence(list, ctx + ".backends");
  if (list.size() == 0) r_.fail(list, ctx + ".backends is empty; an aggregate calls at least one service");
  if (list.size() > 64) r_.fail(list, ctx + ".backends lists more than 64 services");
  for (size_t k = 0; k < list.size(); ++k) {
    const YAML::Node b = list[k];
    const std::string bctx = ctx + ".backends[" + std::to_string(k) + "]";
    r_.require_map(b, bctx);
    r_.check_keys(b, bctx, {"service", "method", "path", "request_size", "response_size"});
    r_.require_key(b, "service", bctx, "service: users");
    models::AggregateBackend out;
    out.service_index = service_named(b["service"], bctx + ".service", c);
    out.service = c.services[out.service_index].name;
    if (b["method"]) out.method = r_.string(b["method"], bctx + ".method");
    if (b["path"]) out.path = r_.string(b["path"], bctx + ".path");
    if (b["request_size"]) out.request_bytes = r_.size_bytes(b["request_size"], bctx + ".request_size");
    const models::ServiceConfig& s = c.services[out.service_index];
    if (s.endpoints.empty())
      r_.fail(b["service"], "service \"" + s.name + "\" has no endpoints, so an aggregate's call to it has no work to "
                            "do; give it endpoints (e.g. - {method: GET, path: " + out.path + ", work: 5 ms})");
    out.endpoint = endpoint_for(s, out.method, out.path, b["path"] ? b["path"] : b, bctx);
    out.response_bytes = b["response_size"] ? r_.size_bytes(b["response_size"], bctx + ".response_size")
                                             : s.endpoints[static_cast<size_t>(out.endpoint)].response_bytes;
    a.backends.push_back(std::move(out));
  }
  return a;
}

void ScenarioLoader::read_auth(const YAML::Node& node, const std::string& ctx, const models::SystemConfig& c,
                               models::AuthConfig& auth)
{
  r_.require_map(node, ctx);
  r_.require_key(node, "kind", ctx, "kind: jwt");
  const std::string kind = r_.one_of(node["kind"], ctx + ".kind", {"jwt", "api_key", "introspection", "none"});
  using Kind = models::AuthConfig::Kind;
  auth.kind = kind == "jwt" ? Kind::jwt : kind == "api_key" ? Kind::api_key : kind == "introspection" ? Kind::introspection : Kind::none;
  std::vector<std::string> keys = {"kind", "cost", "cache", "token_lifetime", "status"};
  if (auth.kind == Kind::jwt) keys.push_back("alg");
  if (auth.kind == Kind::introspection) keys.push_back("remote");
  for (const auto& entry : node) {
    const std::string k = entry.first.Scalar();
    if (k == "alg" && auth.kind != Kind::jwt) r_.fail(entry.first, ctx + ".alg is a JWT's signing algorithm; kind is " + kind);
    if (k == "remote" && auth.kind != Kind::introspection)
      r_.fail(entry.first, ctx + ".remote is the introspection service (kind: introspection); kind is " + kind);
  }
  r_.check_keys(node, ctx, keys);
  if (auth.kind == Kind::jwt) {
    auth.alg = node["alg"] ? r_.one_of(node["alg"], ctx + ".alg", {"RS256", "ES256", "EdDSA", "HS256"}) : "RS256";
    auth.cost = engine::make_constant(jwt_cost_s(auth.alg));
  } else if (auth.kind == Kind::api_key) {
    // Kong's key-auth: a lookup in the node's memory cache once the key is known.
    auth.cost = engine::make_constant(2e-6);
  }
  if (node["cost"]) auth.cost = read_time_distribution(node["cost"], ctx + ".cost", r_, base_dir_);
  if (const YAML::Node cache = node["cache"]) {
    const std::string cctx = ctx + ".cache";
    r_.require_map(cache, cctx);
    r_.check_keys(cache, cctx, {"ttl", "capacity"});
    models::CacheConfig tc;
    tc.methods.clear();
    tc.statuses.clear();
    if (cache["ttl"]) tc.ttl = SimTime::from_ns(r_.time_ns(cache["ttl"], cctx + ".ttl", false));
    if (cache["capacity"])
      tc.capacity_entries = static_cast<uint64_t>(r_.integer(cache["capacity"], cctx + ".capacity", 1, 1'000'000'000));
    auth.cache = tc;
  }
  if (node["token_lifetime"])
    auth.token_lifetime = SimTime::from_ns(r_.time_ns(node["token_lifetime"], ctx + ".token_lifetime", false));
  if (const YAML::Node st = node["status"]) {
    r_.require_map(st, ctx + ".status");
    r_.check_keys(st, ctx + ".status", {"missing", "denied"});
    if (st["missing"]) auth.status_missing = static_cast<int>(r_.integer(st["missing"], ctx + ".status.missing", 400, 499));
    if (st["denied"]) auth.status_denied = static_cast<int>(r_.integer(st["denied"], ctx + ".status.denied", 400, 499));
  }
  if (auth.kind == Kind::introspection) {
    r_.require_key(node, "remote", ctx, "remote: {service: auth, path: /introspect}");
    const YAML::Node rm = node["remote"];
    const std::string rctx = ctx + ".remote";
    r_.require_map(rm, rctx);
    r_.check_keys(rm, rctx, {"service", "method", "path", "timeout", "on_error"});
    r_.require_key(rm, "service", rctx, "service: auth");
    auth.remote_service_index = service_named(rm["service"], rctx + ".service", c);
    auth.remote_service = c.services[auth.remote_service_index].name;
    if (rm["method"]) auth.remote_method = r_.string(rm["method"], rctx + ".method");
    if (rm["path"]) auth.remote_path = r_.string(rm["path"], rctx + ".path");
    if (rm["timeout"]) auth.remote_timeout = SimTime::from_ns(r_.time_ns(rm["timeout"], rctx + ".timeout", true));
    if (rm["on_error"]) auth.allow_on_error = r_.one_of(rm["on_error"], rctx + ".on_error", {"deny", "allow"}) == "allow";
    const models::ServiceConfig& s = c.services[auth.remote_service_index];
    if (s.endpoints.empty())
      r_.fail(rm["service"], "service \"" + s.name + "\" has no endpoints, so an introspection call to it has no work "
                             "to do; give it an endpoint (e.g. - {method: POST, path: /introspect, work: 2 ms})");
    auth.remote_endpoint = endpoint_for(s, auth.remote_method, auth.remote_path, rm["path"] ? rm["path"] : rm, rctx);
  }
}

// A route that no request can reach, since an earlier one takes every request it would match, is
// an error at the later route (first match wins).
void ScenarioLoader::check_route_shadowing(const YAML::Node& routes, const models::GatewayConfig& gw) const
{
  for (size_t j = 1; j < gw.routes.size(); ++j) {
    const models::RouteMatch& later = gw.routes[j].match;
    for (size_t i = 0; i < j; ++i) {
      const models::RouteMatch& earlier = gw.routes[i].match;
      const bool methods_covered =
          earlier.methods.empty() ||
          (!later.methods.empty() && std::all_of(later.methods.begin(), later.methods.end(), [&](const std::string& m) {
            return std::find(earlier.methods.begin(), earlier.methods.end(), m) != earlier.methods.end();
          }));
      if (!methods_covered) continue;
      bool paths_covered = false;
      switch (earlier.kind) {
        case models::PathMatch::prefix:
          // Every path the later route matches starts with the earlier prefix.
          paths_covered = later.path.compare(0, earlier.path.size(), earlier.path) == 0 &&
                          (later.kind != models::PathMatch::pattern ||
                           later.path.find('{') >= earlier.path.size());
          break;
        case models::PathMatch::exact: paths_covered = later.kind == models::PathMatch::exact && later.path == earlier.path; break;
        case models::PathMatch::pattern:
          paths_covered = later.kind != models::PathMatch::prefix && models::path_matches(earlier.kind, earlier.path, later.path);
          break;
      }
      if (!paths_covered) continue;
      const YAML::Node at = routes[j]["match"] ? routes[j]["match"] : routes[j];
      r_.fail(at, "route \"" + gw.routes[j].name + "\" can never match: the earlier route \"" + gw.routes[i].name +
                      "\" (" + methods_text(earlier.methods) + ", " + earlier.path + ") takes every request it would " +
                      "(routes match first in file order); move it above \"" + gw.routes[i].name +
                      "\" or narrow the earlier one");
    }
  }
}

// Each client request type's route (first match), its path upstream, and the endpoint there.
void ScenarioLoader::resolve_gateway_requests(models::SystemConfig& c)
{
  const models::GatewayConfig& gw = *c.gateway;
  for (size_t g = 0; g < c.clients.size(); ++g) {
    models::ClientGroupConfig& group = c.clients[g];
    const std::string gctx = "clients[" + std::to_string(g) + "]";
    for (size_t k = 0; k < group.mix.size(); ++k) {
      models::RequestType& type = group.mix[k];
      const YAML::Node& item = mix_nodes_[g][k];
      const std::string tctx = gctx + ".mix[" + std::to_string(k) + "]";
      for (size_t i = 0; i < gw.routes.size() && type.route < 0; ++i)
        if (gw.routes[i].match.matches(type.method, type.path)) type.route = static_cast<int32_t>(i);
      if (type.route < 0) {  // answered 404 at the gateway: no work anywhere
        if (item["work"])
          r_.fail(item["work"], tctx + ".work is not used: " + type.method + " " + type.path +
                                    " matches no gateway route (a 404 at the gateway); remove work");
        continue;
      }
      const models::RouteConfig& route = gw.routes[static_cast<size_t>(type.route)];
      if (route.aggregate) {
        if (item["work"])
          r_.fail(item["work"], tctx + ".work is not used: route \"" + route.name + "\" aggregates services whose "
                                    "endpoints say their work; remove work");
        if (!item["response_size"]) {
          type.response_bytes = 0;
          for (const models::AggregateBackend& b : route.aggregate->backends) type.response_bytes += b.response_bytes;
        }
        continue;
      }
      const std::string matched = route.match.kind == models::PathMatch::prefix ? route.match.path : std::string();
      type.upstream_path = route.rewrite.apply(matched, type.path);
      const models::ServiceConfig& service = c.services[route.service_index];
      if (service.endpoints.empty()) {
        r_.require_key(item, "work", tctx,
                       "work: 5 ms (route \"" + route.name + "\" goes to service \"" + service.name +
                           "\", which has no endpoints to say the work)");
        continue;
      }
      if (item["work"])
        r_.fail(item["work"], tctx + ".work is not used: route \"" + route.name + "\" goes to service \"" + service.name +
                                  "\", whose endpoints say the work; remove work");
      type.upstream_endpoint = endpoint_for(service, type.method, type.upstream_path, item,
                                            tctx + " through route \"" + route.name + "\" as");
      if (!item["response_size"])
        type.response_bytes = service.endpoints[static_cast<size_t>(type.upstream_endpoint)].response_bytes;
    }
  }
  // Every cross-origin group needs a gateway that answers preflights.
  for (size_t g = 0; g < c.clients.size(); ++g)
    if (c.clients[g].cross_origin > 0 && !gw.cors)
      r_.fail(*cross_origin_nodes_[g], "clients[" + std::to_string(g) + "] has cross-origin browsers, whose preflights "
                                       "the gateway answers; add gateway.cors (e.g. cors: {max_age: 10 min})");
  if (gw.auth.kind == models::AuthConfig::Kind::api_key)
    for (size_t g = 0; g < c.clients.size(); ++g)
      if (c.clients[g].api_keys == 0)
        r_.fail(region_nodes_[g], "clients[" + std::to_string(g) + "] has no api_keys, and gateway.auth is api_key: "
                                  "every request would be refused with 401; give the group e.g. api_keys: 100");
}

}  // namespace lbsim::scenarios
