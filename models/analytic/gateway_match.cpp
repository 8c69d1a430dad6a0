#include "models/analytic/gateway_match.hpp"

#include "models/analytic/cache.hpp"
#include "models/analytic/rate_limits.hpp"
#include "models/clients/preflight_cache.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <map>
#include <stdexcept>

namespace lbsim::models::analytic {

namespace {

using Stage = GatewayConfig::Stage;

std::string format(const char* pattern, double a, double b = 0, double c = 0)
{
  char text[512];
  std::snprintf(text, sizeof text, pattern, a, b, c);
  return text;
}

// A request type's rate: its group's rate times its share of the mix.
double type_rate(const ClientGroupConfig& group, const RequestType& type)
{
  double shares = 0;
  for (const RequestType& t : group.mix) shares += t.share;
  return shares > 0 ? group.arrivals.rate_per_s * type.share / shares : 0;
}

bool all_poisson(const SystemConfig& config)
{
  for (const ClientGroupConfig& g : config.clients)
    if (g.arrivals.process != ArrivalConfig::Process::poisson) return false;
  return true;
}

// The key popularity of a request type's path: its ids, or the one path.
std::vector<double> popularity(const RequestType& type)
{
  if (type.ids.count == 0) return {1.0};
  return zipf_popularity(type.ids.count, type.ids.zipf_s);
}

bool before(const GatewayConfig& gw, Stage first, Stage second)
{
  const auto a = std::find(gw.pipeline.begin(), gw.pipeline.end(), first);
  const auto b = std::find(gw.pipeline.begin(), gw.pipeline.end(), second);
  return a != gw.pipeline.end() && b != gw.pipeline.end() && a < b;
}

// The gateway's limits a route applies, in order.
std::vector<uint32_t> route_limits(const GatewayConfig& gw, const RouteConfig& route)
{
  if (route.rate_limits) return *route.rate_limits;
  std::vector<uint32_t> all(gw.rate_limits.size());
  for (uint32_t i = 0; i < all.size(); ++i) all[i] = i;
  return all;
}

bool some_credentials_refused(const SystemConfig& config)
{
  for (const ClientGroupConfig& g : config.clients)
    if (g.credentials_invalid > 0) return true;
  return false;
}

// Why requests reaching a stage of `route` are no longer a Poisson stream, or "".
std::string thinning_before(const SystemConfig& config, const RouteConfig& route, Stage stage)
{
  const GatewayConfig& gw = *config.gateway;
  const bool auth = gw.auth.kind != AuthConfig::Kind::none && route.auth != RouteConfig::Auth::none;
  if (auth && before(gw, Stage::auth, stage) && some_credentials_refused(config))
    return "auth refuses some credentials before it";
  if (stage == Stage::cache && before(gw, Stage::rate_limit, Stage::cache) && !route_limits(gw, route).empty())
    return "a rate limit before it thins the stream by its history";
  if (stage == Stage::rate_limit && route.cache && before(gw, Stage::cache, Stage::rate_limit))
    return "the cache before it answers hits by their history";
  return "";
}

GatewayPrediction cache_prediction(const SystemConfig& config)
{
  const GatewayConfig& gw = *config.gateway;
  GatewayPrediction p;
  p.quantity = "cache hit ratio";
  if (gw.instances > 1) {
    p.reason = "each of the " + std::to_string(gw.instances) + " replicas keeps its own cache";
    return p;
  }
  double rate = 0, hit_rate = 0, keys_total = 0;
  bool reset = false;
  for (size_t r = 0; r < gw.routes.size(); ++r) {
    const RouteConfig& route = gw.routes[r];
    if (!route.cache) continue;
    const CacheConfig& cache = *route.cache;
    if (std::string why = thinning_before(config, route, Stage::cache); !why.empty()) {
      p.reason = "route \"" + route.name + "\": " + why;
      return p;
    }
    if (cache.stale_updating || cache.background_update) {
      p.reason = "route \"" + route.name + "\" serves stale entries while they refresh";
      return p;
    }
    reset = reset || cache.ttl_reset_on_hit;
    // Key families: one per method and path (groups sending the same path share its keys).
    struct Family {
      double rate = 0;
      const RequestType* type = nullptr;
      double divisor = 1;  // keys per id: clients or API keys when the key names them
    };
    std::map<std::string, Family> families;
    double keys = 0, bytes = 0;
    for (const ClientGroupConfig& g : config.clients)
      for (const RequestType& t : g.mix) {
        if (t.route != static_cast<int32_t>(r)) continue;
        if (std::find(cache.methods.begin(), cache.methods.end(), t.method) == cache.methods.end()) continue;
        Family& f = families[t.method + " " + t.path];
        if (f.type && (f.type->ids.count != t.ids.count || f.type->ids.zipf_s != t.ids.zipf_s)) {
          p.reason = "two client groups draw different ids for " + t.method + " " + t.path;
          return p;
        }
        f.type = &t;
        f.rate += type_rate(g, t);
        double divisor = 1;
        if (cache.key_client) divisor *= static_cast<double>(g.addresses.size());
        if (cache.key_api_key && g.api_keys > 0)
          divisor *= static_cast<double>(std::min<size_t>(g.api_keys, g.addresses.size()));
        if (divisor > 1 && config.clients.size() > 1) {
          p.reason = "route \"" + route.name + "\" keys by client or API key, with several client groups";
          return p;
        }
        f.divisor = divisor;
      }
    for (const auto& [name, f] : families) {
      const double n = std::max<double>(1, f.type->ids.count) * f.divisor;
      keys += n;
      bytes += n * f.type->response_bytes;
    }
    if ((cache.capacity_entries != 0 && static_cast<double>(cache.capacity_entries) < keys) ||
        (cache.capacity_bytes != 0 && cache.capacity_bytes < bytes)) {
      p.reason = "route \"" + route.name + "\" holds fewer entries than its " + format("%.0f", keys) +
                 " keys: an LRU with a TTL has no closed form (Che's needs no TTL)";
      return p;
    }
    const double ttl = cache.ttl.seconds();
    for (const auto& [name, f] : families) {
      if (f.rate <= 0) continue;
      rate += f.rate;
      hit_rate += f.rate * ttl_aggregate_hit_ratio(popularity(*f.type), f.rate / f.divisor, ttl, cache.ttl_reset_on_hit);
    }
    keys_total += keys;
  }
  if (rate <= 0) {
    p.reason = "no cached route gets requests it may cache";
    return p;
  }
  p.model = reset ? "TTL reset by hits, Poisson keys: sum p_k (1 - e^(-lambda_k T))"
                  : "TTL set on fill, Poisson keys: sum p_k lambda_k T / (1 + lambda_k T)";
  p.parameters = format("lambda = %.6g/s over %.0f keys; fill time neglected", rate, keys_total);
  p.analytic = hit_rate / rate;
  return p;
}

GatewayPrediction preflight_prediction(const SystemConfig& config)
{
  const GatewayConfig& gw = *config.gateway;
  GatewayPrediction p;
  p.quantity = "preflights per request";
  double total_rate = 0, preflight_rate = 0;
  double max_age_s = 0;
  for (const ClientGroupConfig& g : config.clients) {
    total_rate += g.arrivals.rate_per_s;
    if (g.cross_origin <= 0 || g.addresses.empty()) continue;
    size_t browsers = 0;
    for (uint32_t address : g.addresses) browsers += PreflightCache::cross_origin(g, address) ? 1 : 0;
    const double addresses = static_cast<double>(g.addresses.size());
    const double share = static_cast<double>(browsers) / addresses;
    const double m = std::min(gw.cors->max_age.value_or(PreflightCache::kDefaultMaxAge), g.preflight_cap).seconds();
    max_age_s = std::max(max_age_s, m);
    for (const RequestType& t : g.mix) {
      if (!t.preflighted) continue;
      const double rate = type_rate(g, t);
      double per_request = 0;  // over ids: p_k / (1 + lambda p_k M / A)
      for (double pk : popularity(t)) per_request += pk / (1 + rate * pk * m / addresses);
      preflight_rate += rate * share * per_request;
    }
  }
  if (total_rate <= 0) {
    p.reason = "no requests";
    return p;
  }
  p.model = "per (browser, URL) Poisson lambda: 1 / (1 + lambda M)";
  p.parameters = format("M = %.6g s (max_age, capped by the browser); answers taken as instant", max_age_s);
  // Browsers start with empty caches: the stationary form holds once the run is many times M.
  const double run_s = config.duration ? (config.warmup + *config.duration).seconds() : 0;
  if (run_s > 0 && run_s < 10 * max_age_s)
    p.parameters += format("; stationary, and the run is only %.3g M long (more preflights early on)", run_s / max_age_s);
  p.analytic = preflight_rate / total_rate;
  return p;
}

// One key's admitted rate under a limit, or a reason (thrown as std::domain_error).
double admitted_per_key(const RateLimitConfig& limit, double lambda)
{
  using Algorithm = RateLimitConfig::Algorithm;
  if (lambda <= 0) return 0;
  switch (limit.algorithm) {
    case Algorithm::leaky_bucket:
      if (limit.burst != 0) throw std::domain_error("nginx's burst > 0 has no closed form (a token bucket's is close)");
      return leaky_bucket_burst0_admitted_rate(lambda, limit.rate_milli);
    case Algorithm::token_bucket:
      if (limit.interval_refill) throw std::domain_error("a timer refill has no closed form here");
      if (limit.max_tokens != std::floor(limit.max_tokens))
        throw std::domain_error("a bucket of a fractional size has no closed form here");
      return token_bucket_admitted_rate(lambda, limit.tokens_per_s, static_cast<int64_t>(limit.max_tokens));
    case Algorithm::fixed_window:
    case Algorithm::quota: return fixed_window_admitted_rate(lambda, limit.limit, limit.window.seconds());
    case Algorithm::sliding_window: throw std::domain_error("Kong's sliding estimate has no closed form");
    case Algorithm::concurrency: return lambda;  // completed by add_simulated (Erlang B)
  }
  return 0;
}

GatewayPrediction limit_prediction(const SystemConfig& config, uint32_t index)
{
  const GatewayConfig& gw = *config.gateway;
  const RateLimitConfig& limit = gw.rate_limits[index];
  using Key = RateLimitConfig::Key;
  GatewayPrediction p;
  p.quantity = limit.name + " admitted/s";
  if (gw.instances > 1 && !limit.shared && limit.key != Key::ip) {
    p.reason = "each replica keeps its own counters, and the key spans replicas";
    return p;
  }
  // Requests per second reaching the limit: per client group, and per route.
  std::vector<double> group_rate(config.clients.size(), 0);
  std::vector<double> route_rate(gw.routes.size(), 0);
  for (size_t r = 0; r < gw.routes.size(); ++r) {
    const RouteConfig& route = gw.routes[r];
    const std::vector<uint32_t> order = route_limits(gw, route);
    const auto at = std::find(order.begin(), order.end(), index);
    if (at == order.end()) continue;
    if (at != order.begin()) {
      p.reason = "route \"" + route.name + "\" applies \"" + gw.rate_limits[order.front()].name + "\" first";
      return p;
    }
    if (std::string why = thinning_before(config, route, Stage::rate_limit); !why.empty()) {
      p.reason = "route \"" + route.name + "\": " + why;
      return p;
    }
    for (size_t g = 0; g < config.clients.size(); ++g)
      for (const RequestType& t : config.clients[g].mix)
        if (t.route == static_cast<int32_t>(r)) {
          group_rate[g] += type_rate(config.clients[g], t);
          route_rate[r] += type_rate(config.clients[g], t);
        }
  }
  try {
    double admitted = 0, offered = 0, keys = 0;
    switch (limit.key) {
      case Key::ip:
        for (size_t g = 0; g < config.clients.size(); ++g) {
          const double a = static_cast<double>(config.clients[g].addresses.size());
          if (group_rate[g] <= 0 || a <= 0) continue;
          admitted += a * admitted_per_key(limit, group_rate[g] / a);
          offered += group_rate[g];
          keys += a;
        }
        break;
      case Key::api_key:
        for (size_t g = 0; g < config.clients.size(); ++g) {
          const ClientGroupConfig& group = config.clients[g];
          if (group_rate[g] <= 0) continue;
          offered += group_rate[g];
          const size_t a = group.addresses.size(), k = group.api_keys;
          if (k == 0) {  // without a key, nginx does not limit
            admitted += group_rate[g];
            continue;
          }
          if (config.clients.size() > 1) throw std::domain_error("several client groups share API keys");
          // Address i uses key i mod k: a mod k keys have one address more than the others.
          const size_t small = a / k, large_keys = a % k;
          const double per_address = group_rate[g] / static_cast<double>(a);
          if (small > 0)
            admitted += static_cast<double>(k - large_keys) * admitted_per_key(limit, per_address * static_cast<double>(small));
          admitted += static_cast<double>(large_keys) * admitted_per_key(limit, per_address * static_cast<double>(small + 1));
          keys += static_cast<double>(std::min(a, k));
        }
        break;
      case Key::route:
        for (double rate : route_rate) {
          if (rate <= 0) continue;
          admitted += admitted_per_key(limit, rate);
          offered += rate;
          keys += 1;
        }
        break;
      case Key::global:
        for (double rate : route_rate) offered += rate;
        admitted = admitted_per_key(limit, offered);
        keys = 1;
        break;
    }
    if (offered <= 0) {
      p.reason = "no route applies it";
      return p;
    }
    if (limit.algorithm == RateLimitConfig::Algorithm::concurrency) {
      if (limit.key == Key::api_key) throw std::domain_error("API keys of unequal rates");
      p.quantity = limit.name + " rejected share";
      p.model = "Erlang B(limit, lambda_key E[T]), E[T] the routes' mean upstream time in the run";
      p.parameters = format("lambda = %.6g/s over %.0f keys, limit %.0f", offered, keys, static_cast<double>(limit.limit));
      GatewayPrediction::ErlangInput in;
      in.rate_per_key = offered / keys;
      in.limit = static_cast<int>(limit.limit);
      for (size_t r = 0; r < gw.routes.size(); ++r)
        if (route_rate[r] > 0) in.routes.push_back(gw.routes[r].name);
      p.erlang = std::move(in);
      return p;
    }
    p.model = limit.algorithm == RateLimitConfig::Algorithm::leaky_bucket ? "nginx burst=0 on its ms clock (renewal)"
              : limit.algorithm == RateLimitConfig::Algorithm::token_bucket
                  ? "token bucket as M/D/1/b"
                  : "fixed windows: E[min(N, L)] / W";
    p.parameters = format("lambda = %.6g/s over %.0f keys", offered, keys);
    p.analytic = admitted;
  } catch (const std::exception& e) {
    p.model.clear();
    p.reason = e.what();
  }
  return p;
}

// An aggregate's fan-out: with every branch an exponential demand that never queues, the upstream
// time is the largest of k independent exponentials, E[max] = sum over non-empty subsets S of
// (-1)^(|S|+1) / sum_{i in S} mu_i (H_k / mu when the rates are equal: reference V16).
GatewayPrediction fanout_prediction(const SystemConfig& config, const RouteConfig& route)
{
  GatewayPrediction p;
  p.quantity = route.name + " fan-out mean s";
  const AggregateConfig& a = *route.aggregate;
  if (a.sequential) {
    p.reason = "a sequential aggregate adds its branches; the fan-out form is for parallel ones";
    return p;
  }
  if (config.network) {
    p.reason = "the network's legs add to each branch";
    return p;
  }
  if (a.backends.size() > 16) {
    p.reason = "more than 16 branches";
    return p;
  }
  std::vector<double> rates;
  for (const AggregateBackend& b : a.backends) {
    const ServiceConfig& service = config.services[b.service_index];
    if (b.endpoint < 0 || service.servers.empty()) {
      p.reason = "service \"" + service.name + "\" has no endpoint for the branch";
      return p;
    }
    const EndpointConfig& e = service.endpoints[static_cast<size_t>(b.endpoint)];
    if (!e.work || e.work_after || !e.calls.empty() || e.work->describe().rfind("exponential(", 0) != 0) {
      p.reason = "service \"" + service.name + "\": the branch's demand is not one exponential without calls";
      return p;
    }
    const double speed = service.servers.front().speed;
    for (const ServerConfig& server : service.servers)
      if (server.speed != speed) {
        p.reason = "service \"" + service.name + "\" has servers of different speeds";
        return p;
      }
    rates.push_back(speed / e.work->mean());
  }
  double mean = 0;
  const uint32_t k = static_cast<uint32_t>(rates.size());
  for (uint32_t subset = 1; subset < (1u << k); ++subset) {
    double rate = 0;
    for (uint32_t i = 0; i < k; ++i)
      if (subset & (1u << i)) rate += rates[i];
    mean += (std::popcount(subset) % 2 ? 1.0 : -1.0) / rate;
  }
  p.model = "max of k exponential branches, no queueing (H_k / mu for equal rates)";
  p.parameters = format("k = %.0f; branches assumed never to wait for a core", static_cast<double>(k));
  p.analytic = mean;
  return p;
}

}  // namespace

std::vector<GatewayPrediction> match_gateway(const SystemConfig& config)
{
  std::vector<GatewayPrediction> out;
  if (!config.gateway) return out;
  const GatewayConfig& gw = *config.gateway;
  const bool poisson = all_poisson(config);
  auto add = [&](GatewayPrediction p) {
    if (!poisson) {  // every form needs Poisson arrivals; a scripted group has no rate at all
      p.model.clear();
      p.reason = "a client group's arrivals are not Poisson";
    }
    out.push_back(std::move(p));
  };
  try {
    bool cached = false;
    for (const RouteConfig& route : gw.routes) cached = cached || route.cache.has_value();
    if (cached) add(cache_prediction(config));
    bool cross_origin = false;
    for (const ClientGroupConfig& g : config.clients) cross_origin = cross_origin || g.cross_origin > 0;
    if (gw.cors && cross_origin) add(preflight_prediction(config));
    for (uint32_t i = 0; i < gw.rate_limits.size(); ++i) add(limit_prediction(config, i));
    for (const RouteConfig& route : gw.routes)
      if (route.aggregate) add(fanout_prediction(config, route));
  } catch (const std::exception& e) {
    GatewayPrediction p;
    p.quantity = "gateway";
    p.reason = e.what();
    out.push_back(std::move(p));
  }
  return out;
}

void add_simulated(std::vector<GatewayPrediction>& predictions, const RunSummary& summary)
{
  if (!summary.gateway) return;
  const GatewaySummary& gw = *summary.gateway;
  for (GatewayPrediction& p : predictions) {
    if (p.quantity == "cache hit ratio" && gw.cache) p.simulated = gw.cache->hit_ratio;
    if (p.quantity == "preflights per request" && gw.cors) p.simulated = gw.cors->preflights_per_request;
    for (const RouteSummary& route : summary.routes)
      if (p.quantity == route.name + " fan-out mean s") p.simulated = route.upstream_mean_s;
    for (const RateLimitSummary& limit : gw.rate_limits) {
      if (p.quantity == limit.name + " admitted/s" && summary.simulated_s > 0)
        p.simulated = static_cast<double>(limit.passed + limit.delayed) / summary.simulated_s;
      if (p.quantity == limit.name + " rejected share" && p.erlang) {
        const uint64_t decided = limit.passed + limit.delayed + limit.rejected;
        p.simulated = decided ? static_cast<double>(limit.rejected) / static_cast<double>(decided) : 0;
        double hold = 0, weight = 0;  // the routes' upstream means, weighted by their arrivals
        for (const RouteSummary& route : summary.routes)
          if (std::find(p.erlang->routes.begin(), p.erlang->routes.end(), route.name) != p.erlang->routes.end()) {
            hold += route.upstream_mean_s * static_cast<double>(route.arrived);
            weight += static_cast<double>(route.arrived);
          }
        if (weight > 0 && hold > 0)
          p.analytic = concurrency_rejected_fraction(p.erlang->rate_per_key, hold / weight, p.erlang->limit);
        p.parameters += format("; E[T] = %.6g s", weight > 0 ? hold / weight : 0);
      }
    }
  }
}

}  // namespace lbsim::models::analytic
