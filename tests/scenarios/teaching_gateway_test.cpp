// The gateway teaching scenarios (examples/teaching/gateway-*.yaml, docs/teaching.md "The API
// gateway"): each against its hand calculation, and the exact figures docs/teaching.md and
// docs/gateway.md quote (the runs are deterministic); then the errors docs/gateway.md quotes.
#include "models/analytic/cache.hpp"
#include "models/analytic/rate_limits.hpp"
#include "scenarios/format/loader.hpp"
#include "scenarios/format/scenario_error.hpp"
#include "scenarios/runner.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>
#include "tests/support/summary_lookup.hpp"

using namespace lbsim;
using namespace lbsim::scenarios;
using lbsim::test::route;
using lbsim::test::service;
using lbsim::test::status;
using lbsim::test::p99;

namespace {

models::RunSummary run(const std::string& name, const std::vector<std::string>& overrides = {})
{
  const std::string file = std::string(LBSIM_SOURCE_DIR) + "/examples/teaching/" + name + ".yaml";
  return run_scenario(load_scenario_file(file, overrides), "");
}

std::string output_of(const std::string& args)
{
  const std::string command = std::string(LBSIM_BINARY) + " " + args + " 2>&1";
  std::FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buffer[4096];
  while (const size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  ::pclose(pipe);
  return out;
}

}  // namespace

TEST_CASE("teaching: routes match in file order, the rest gets 404 at the gateway", "[teaching][gateway]")
{
  const auto s = run("gateway-routing");
  const double n = static_cast<double>(s.arrived);
  const auto& users = route(s, "users");
  const auto& orders = route(s, "orders");
  // 1000/s for 120 s; shares 0.7, 0.2 and 0.1 (one standard deviation 0.13% of the requests).
  CHECK(n == Approx(120000).epsilon(0.01));
  CHECK(users.arrived / n == Approx(0.7).margin(0.005));
  CHECK(orders.arrived / n == Approx(0.2).margin(0.005));
  CHECK(s.not_found / n == Approx(0.1).margin(0.005));
  CHECK(users.arrived + orders.arrived + s.not_found == s.arrived);
  // Every routed request is answered 200 by its service, after the rewrite; 404s reach none.
  // (a few are still in flight when the run ends)
  CHECK(status(users.by_status, 200) + 5 >= users.arrived);
  CHECK(status(orders.by_status, 200) + 5 >= orders.arrived);
  CHECK(service(s, "users").arrived == users.arrived);
  CHECK(service(s, "orders").arrived == orders.arrived);
  CHECK(s.rejected == 0);
  CHECK(s.failed == 0);
  CHECK(status(s.by_status_all, 404) == s.not_found);
  // Constant work, no queueing: 5 ms and 8 ms.
  CHECK(users.latency.mean_s == Approx(0.005).epsilon(1e-9));
  CHECK(orders.latency.mean_s == Approx(0.008).epsilon(1e-9));
  // The figures docs/teaching.md quotes.
  CHECK(users.arrived == 84287u);
  CHECK(orders.arrived == 23913u);
  CHECK(s.not_found == 11972u);
  CHECK(s.arrived == 120172u);
  CHECK(status(s.by_status_all, 200) == 108197u);
}

TEST_CASE("teaching: 100 requests a minute per IP in fixed windows", "[teaching][gateway]")
{
  const auto s = run("gateway-rate-limit");
  REQUIRE(s.gateway);
  REQUIRE(s.gateway->rate_limits.size() == 1);
  const auto& limit = s.gateway->rate_limits[0];
  // The scraper: 60 windows of N ~ Poisson(120), each passes min(N, 100): E = 99.877.
  const double per_s = models::analytic::fixed_window_admitted_rate(2.0, 100, 60.0);
  CHECK(per_s * 60 == Approx(99.877).margin(0.001));
  // Passed = the scraper's admitted plus every app request; rejected are the scraper's alone.
  const double app = 25.0 * 3600;
  const double scraper = 2.0 * 3600;
  CHECK(limit.rejected == Approx(scraper - per_s * 3600).epsilon(0.08));
  CHECK(limit.passed == Approx(app + per_s * 3600).epsilon(0.01));
  CHECK(s.rate_limited == limit.rejected);
  CHECK(status(s.by_status_all, 429) == limit.rejected);
  // The figures docs/teaching.md quotes.
  CHECK(limit.passed == 95941u);
  CHECK(limit.rejected == 1155u);
}

TEST_CASE("teaching: the scraper's passed requests from the access log", "[teaching][gateway]")
{
  const std::string file = std::string(LBSIM_SOURCE_DIR) + "/examples/teaching/gateway-rate-limit.yaml";
  const std::string log = (std::filesystem::temp_directory_path() / "lbsim-teaching-gateway-access.csv").string();
  run_scenario(load_scenario_file(file), "", nullptr, log);
  // Per address: requests, and 200s per minute window.
  std::map<std::string, uint64_t> sent, passed;
  std::map<std::string, std::map<int64_t, uint64_t>> per_window;
  std::ifstream in(log);
  std::string line;
  std::getline(in, line);
  CHECK(line == "time_s,client,method,path,route,service,status,flags,bytes_in,bytes_out,duration_s,upstream_s,cache,"
                "attempts,limiter");
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream fields(line);
    for (std::string x; std::getline(fields, x, ',');) f.push_back(x);
    REQUIRE(f.size() == 15);
    ++sent[f[1]];
    if (f[6] == "200") {
      ++passed[f[1]];
      ++per_window[f[1]][static_cast<int64_t>(std::stod(f[0]) / 60)];
    } else {
      CHECK(f[6] == "429");
      CHECK(f[7] == "RL");
      CHECK(f[14] == "per-ip-minute");
    }
  }
  std::filesystem::remove(log);
  REQUIRE(sent.size() == 51);
  std::string scraper;
  for (const auto& [ip, n] : sent)
    if (scraper.empty() || n > sent[scraper]) scraper = ip;
  // No window passes more than 100 for anyone; the scraper passes 60 x E[min(N, 100)] = 5,993.
  for (const auto& [ip, windows] : per_window)
    for (const auto& [w, n] : windows) CHECK(n <= 100);
  CHECK(passed[scraper] == Approx(60 * 99.877).epsilon(0.01));
  for (const auto& [ip, n] : sent)
    if (ip != scraper) CHECK(passed[ip] == n);
  // The figures docs/teaching.md quotes.
  CHECK(sent[scraper] == 7147u);
  CHECK(passed[scraper] == 5992u);
}

TEST_CASE("teaching: a TTL cache's hit ratio is sum p_i lambda_i T / (1 + lambda_i T)", "[teaching][gateway]")
{
  const std::vector<double> zipf = models::analytic::zipf_popularity(10000, 0.9);
  const double theory = models::analytic::ttl_aggregate_hit_ratio(zipf, 200.0, 10.0, false);
  CHECK(theory == Approx(0.5077).margin(0.0001));
  const auto s = run("gateway-cache");
  REQUIRE(s.gateway);
  REQUIRE(s.gateway->cache);
  CHECK(s.gateway->cache->hit_ratio == Approx(theory).epsilon(0.02));
  // The service sees only the misses: 200 x (1 - 0.5077) = 98.5/s.
  CHECK(service(s, "catalog").arrived / s.simulated_s == Approx(200 * (1 - theory)).epsilon(0.03));
  const double theory60 = models::analytic::ttl_aggregate_hit_ratio(zipf, 200.0, 60.0, false);
  CHECK(theory60 == Approx(0.7240).margin(0.0001));
  const auto longer = run("gateway-cache", {"gateway.routes[0].cache.ttl=60s", "warmup=2min"});
  CHECK(longer.gateway->cache->hit_ratio == Approx(theory60).epsilon(0.02));
  // The figures docs/teaching.md quotes.
  CHECK(s.gateway->cache->hit_ratio * 100 == Approx(50.690).margin(0.005));
  CHECK(longer.gateway->cache->hit_ratio * 100 == Approx(72.507).margin(0.005));
  CHECK(service(s, "catalog").arrived == 17788u);
  CHECK(service(longer, "catalog").arrived == 9867u);
  CHECK(s.simulated_s == Approx(180.0));
}

TEST_CASE("teaching: what a JWT check costs the gateway's worker", "[teaching][gateway]")
{
  const auto rs = run("gateway-auth-cost");
  const auto hs = run("gateway-auth-cost", {"gateway.auth.alg=HS256"});
  REQUIRE(rs.gateway);
  REQUIRE(rs.gateway->auth);
  REQUIRE(hs.gateway->auth);
  // CPU: 30 + 25 us (RS256) and 30 + 4 us (HS256) per request at 10,000/s.
  CHECK(rs.gateway->station.utilization == Approx(0.55).epsilon(0.02));
  CHECK(hs.gateway->station.utilization == Approx(0.34).epsilon(0.02));
  CHECK(rs.gateway->auth->time_share == Approx(25.0 / 55).epsilon(0.001));
  CHECK(hs.gateway->auth->time_share == Approx(4.0 / 34).epsilon(0.001));
  // Time at the gateway = response time - the service's 1 ms: the two steps run back to back on
  // the worker, M/D/1 with S = 55 us and 34 us: 55 + rho S / (2 (1 - rho)) = 88.6 us and 42.8 us.
  // 600,000 requests: the mean wait's relative error is well under 1 %; 2 % margin.
  const double rs_gateway_us = (rs.latency_mean_s - 0.001) * 1e6;
  const double hs_gateway_us = (hs.latency_mean_s - 0.001) * 1e6;
  CHECK(rs_gateway_us == Approx(55 + 0.55 * 55 / (2 * 0.45)).epsilon(0.02));
  CHECK(hs_gateway_us == Approx(34 + 0.34 * 34 / (2 * 0.66)).epsilon(0.02));
  // The figures docs/teaching.md quotes.
  CHECK(rs_gateway_us == Approx(88.76).margin(0.05));
  CHECK(hs_gateway_us == Approx(42.73).margin(0.05));
  CHECK(rs.gateway->station.utilization * 100 == Approx(54.98).margin(0.05));
  CHECK(hs.gateway->station.utilization * 100 == Approx(33.99).margin(0.05));
  CHECK(rs.gateway->auth->cpu_s == Approx(2.499).margin(0.0005));
}

TEST_CASE("teaching: preflights per request are 1 / (1 + lambda M)", "[teaching][gateway]")
{
  const auto with = run("gateway-cors-preflight");
  const auto without = run("gateway-cors-preflight", {"gateway.cors={processing: 20 us}"});
  REQUIRE(with.gateway);
  REQUIRE(with.gateway->cors);
  REQUIRE(without.gateway->cors);
  // Per browser and URL lambda = 1/s: M = 600 s gives 1/601, M = 5 s (no max_age) 1/6.
  CHECK(with.gateway->cors->preflights_per_request == Approx(1.0 / 601).epsilon(0.05));
  CHECK(without.gateway->cors->preflights_per_request == Approx(1.0 / 6).epsilon(0.02));
  // The figures docs/teaching.md quotes.
  CHECK(with.gateway->cors->preflights == 200u);
  CHECK(without.gateway->cors->preflights == 20010u);
  CHECK(without.gateway->cors->preflights_per_request * 100 == Approx(16.638).margin(0.0005));
}

TEST_CASE("teaching: one aggregated call against three round trips (V22)", "[teaching][gateway]")
{
  const auto s = run("gateway-aggregation");
  // 50 + 0.5 + 10 + 0.5 + 50 = 111 ms for one call and for the parallel aggregate; 133 ms in
  // sequence; three client calls in a row would take 3 x 111 = 333 ms.
  CHECK(route(s, "me").latency.mean_s * 1e3 == Approx(111.0).margin(0.0005));
  CHECK(route(s, "home").latency.mean_s * 1e3 == Approx(111.0).margin(0.0005));
  CHECK(route(s, "home-sequential").latency.mean_s * 1e3 == Approx(133.0).margin(0.0005));
  CHECK(route(s, "home").latency.max_s * 1e3 == Approx(111.0).margin(0.0005));
  CHECK(p99(route(s, "home-sequential").latency) * 1e3 == Approx(133.0).epsilon(0.005));
  const uint64_t aggregated = route(s, "home").arrived + route(s, "home-sequential").arrived;
  CHECK(s.gateway->aggregates_complete <= aggregated);
  CHECK(s.gateway->aggregates_complete + 10 >= aggregated);
  CHECK(s.gateway->aggregates_failed == 0);
}

namespace {

// The scenario docs/gateway.md's errors come from ("gw.yaml"), and one change to it per error.
const std::string kErrorsBase = R"(name: gw
duration: 1 min
clients:
  - name: web
    arrivals: { process: poisson, rate: 10/s }
    mix:
      - { method: GET, path: /api/users/7 }
      - { method: GET, path: /api/orders }
services:
  - name: users
    servers: [ { name: users } ]
    endpoints: [ { method: GET, path: "/users/{id}", work: 5 ms } ]
  - name: orders
    servers: [ { name: orders } ]
    endpoints: [ { method: GET, path: /orders, work: 5 ms } ]
gateway:
  routes:
    - { name: users, match: { prefix: /api/users }, service: users, rewrite: { strip_prefix: /api } }
    - { name: orders, match: { prefix: /api/orders }, service: orders, rewrite: { strip_prefix: /api } }
)";

std::string replaced(std::string text, const std::string& from, const std::string& to)
{
  const size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

// "gw.yaml:L:C: error: MESSAGE", as lbsim prints it.
std::string error_of(const std::string& text)
{
  try {
    load_scenario_text(text, "gw.yaml", ".");
  } catch (const ScenarioError& e) {
    return "gw.yaml:" + std::to_string(e.where().line) + ":" + std::to_string(e.where().column) + ": error: " + e.message();
  }
  return "no error";
}

}  // namespace

TEST_CASE("docs/gateway.md: the errors it quotes", "[teaching][gateway]")
{
  const std::string& base = kErrorsBase;
  CHECK(error_of(base) == "no error");
  CHECK(error_of(replaced(base, "service: orders,", "service: order,")) ==
        "gw.yaml:19:64: error: gateway.routes[1].service \"order\" is not known; did you mean \"orders\"?");
  CHECK(error_of(replaced(base, "    - { name: users, match: { prefix: /api/users }",
                          "    - { name: api, match: { prefix: /api }, service: users }\n"
                          "    - { name: users, match: { prefix: /api/users }")) ==
        "gw.yaml:19:29: error: route \"users\" can never match: the earlier route \"api\" (any method, /api) takes every "
        "request it would (routes match first in file order); move it above \"api\" or narrow the earlier one");
  CHECK(error_of(replaced(base, "path: /api/users/7 }", "path: /api/users/7/x }")) ==
        "gw.yaml:7:9: error: clients[0].mix[0] through route \"users\" as (GET /users/7/x) matches no endpoint of "
        "service \"users\" (GET /users/{id}); add an endpoint or change the method or path");
  const std::string arrivals = "    arrivals: { process: poisson, rate: 10/s }";
  CHECK(error_of(replaced(base, arrivals, arrivals + "\n    cross_origin: 100%")) ==
        "gw.yaml:6:19: error: clients[0] has cross-origin browsers, whose preflights the gateway answers; add "
        "gateway.cors (e.g. cors: {max_age: 10 min})");
  const std::string routes = "gateway:\n  routes:";
  CHECK(error_of(replaced(base, routes,
                          "gateway:\n  rate_limits:\n"
                          "    - { name: per-ip, algorithm: leaky_bucket, rate: 10/s, burst: 20, delay: 25 }\n"
                          "  routes:")) ==
        "gw.yaml:18:78: error: gateway.rate_limits[0].delay (25) exceeds burst (20): every excess request would pass "
        "undelayed; use nodelay");
  CHECK(error_of(replaced(base, routes,
                          "gateway:\n  rate_limits:\n"
                          "    - { name: per-key, algorithm: token_bucket, rate: 10/s, burst: 20, refill: interval, "
                          "fill_interval: 20 ms }\n"
                          "  routes:")) ==
        "gw.yaml:18:105: error: gateway.rate_limits[0].fill_interval is 20 ms; Envoy requires >= 50 ms for refill: "
        "interval");
  CHECK(error_of(replaced(base, routes, "gateway:\n  cors: { max_age: 10 min, forward_preflight: true }\n  routes:")) ==
        "gw.yaml:17:47: error: gateway.cors.forward_preflight: true (preflights answered by the services) is not "
        "implemented yet; the gateway answers preflights (Kong's default)");
  const std::string orders =
      "{ name: orders, match: { prefix: /api/orders }, service: orders, rewrite: { strip_prefix: /api } }";
  CHECK(error_of(replaced(base, orders,
                          "{ name: orders, match: { prefix: /api/orders }, service: orders, rewrite: { strip_prefix: "
                          "/api }, cache: { methods: [POST] } }")) ==
        "gw.yaml:19:124: error: cache on route \"orders\" lists POST; responses to POST are not cacheable by default "
        "(RFC 9111); add allow_unsafe: true to cache them anyway");
  CHECK(error_of(replaced(base, orders, "{ name: orders, match: { prefix: /api/orders }, service: orders, auth: required }")) ==
        "gw.yaml:19:78: error: gateway.routes[1].auth: required, and the gateway has no auth; add gateway.auth (e.g. "
        "{kind: jwt, alg: RS256})");
  const std::string no_gateway = replaced(base.substr(0, base.find("gateway:")), arrivals, arrivals + "\n    api_keys: 10");
  CHECK(error_of(no_gateway) == "gw.yaml:6:15: error: this key tells a gateway about the clients, and the scenario has "
                                "no gateway; add one (docs/gateway.md) or remove the key");
}

TEST_CASE("docs/gateway.md: what lbsim run prints for a gateway", "[teaching][gateway]")
{
  const std::string out =
      output_of("run " + std::string(LBSIM_SOURCE_DIR) + "/examples/teaching/gateway-rate-limit.yaml");
  const std::string quoted =
      "statuses     200: 95941 429: 1155\n"
      "             1155 rate limited, 0 unauthorized, 0 not found, 0 timed out\n"
      "gateway      gw: utilization 0.0% of 1 worker(s), mean run queue 0.000, 0 refused (503 UO)\n"
      "             0 retries (0 not allowed by the budget), 0 timeouts (504), 0 overflow (UO), 0 ejections\n"
      "  limit      per-ip-minute: 95941 passed, 0 delayed (mean 0.000 ms), 1155 rejected\n"
      "\n"
      "route               arrived    rate/s       2xx      4xx      429      5xx  errors         mean          p99 "
      "upstream p99    tries\n"
      "items                 97096     26.97     95941        0     1155        0   0.00%     1.976 ms     2.000 ms     "
      "2.000 ms    1.000\n";
  CHECK(out.find(quoted) != std::string::npos);
}

TEST_CASE("docs/gateway.md: a gateway in a network (V22 to the millisecond)", "[teaching][gateway]")
{
  // One-way latency 50 ms between the phone and the gateway, 0.5 ms from the gateway to each
  // service, 10 ms of deterministic work, nothing queues: one call 50 + 0.5 + 10 + 0.5 + 50 =
  // 111 ms; three resources aggregated in parallel 111 ms; in sequence 50 + 3 x 11 + 50 = 133 ms.
  const std::string text = R"(name: v22
duration: 60 s
clients:
  - name: phone
    arrivals: { process: poisson, rate: 3/s }
    mix:
      - { method: GET, path: /api/a }
      - { method: GET, path: /api/all }
      - { method: GET, path: /api/seq }
services:
  - { name: a, servers: [ { name: a-1, cores: 64 } ], endpoints: [ { prefix: /, work: 10 ms } ] }
  - { name: b, servers: [ { name: b-1, cores: 64 } ], endpoints: [ { prefix: /, work: 10 ms } ] }
  - { name: c, servers: [ { name: c-1, cores: 64 } ], endpoints: [ { prefix: /, work: 10 ms } ] }
gateway:
  name: gw
  routes:
    - { name: one, match: { path: /api/a }, service: a }
    - name: parallel
      match: { path: /api/all }
      aggregate: { backends: [ { service: a }, { service: b }, { service: c } ] }
    - name: sequential
      match: { path: /api/seq }
      aggregate: { sequential: true, backends: [ { service: a }, { service: b }, { service: c } ] }
network:
  links:
    - { between: [clients, gw], bandwidth: 1 Gbps, latency: 50 ms }
    - { between: [gw, a], bandwidth: 1 Gbps, latency: 0.5 ms }
    - { between: [gw, b], bandwidth: 1 Gbps, latency: 0.5 ms }
    - { between: [gw, c], bandwidth: 1 Gbps, latency: 0.5 ms }
    - { between: [a, a-1], bandwidth: 10 Gbps }
    - { between: [b, b-1], bandwidth: 10 Gbps }
    - { between: [c, c-1], bandwidth: 10 Gbps }
)";
  const auto s = run_scenario(load_scenario_text(text, "v22.yaml", "."), "");
  REQUIRE(s.routes.size() == 3);
  for (const auto& [name, ms] : {std::pair{"one", 111.0}, {"parallel", 111.0}, {"sequential", 133.0}}) {
    INFO(name);
    CHECK(route(s, name).arrived > 30u);
    CHECK(route(s, name).latency.mean_s * 1e3 == Approx(ms).margin(1e-6));
    CHECK(route(s, name).latency.max_s * 1e3 == Approx(ms).margin(1e-6));
  }
  // The gateway's upstream time: 11 ms for one call or three in parallel, 33 ms in sequence.
  CHECK(route(s, "one").upstream_mean_s * 1e3 == Approx(11.0).margin(1e-3));
  CHECK(route(s, "parallel").upstream_mean_s * 1e3 == Approx(11.0).margin(1e-3));
  CHECK(route(s, "sequential").upstream_mean_s * 1e3 == Approx(33.0).margin(1e-3));
  CHECK(route(s, "parallel").attempts_mean == 3.0);
  // Network time is the client's two legs; the rest is at the gateway and behind it.
  CHECK(s.latency_split.network_mean_s * 1e3 == Approx(100.0).margin(1e-6));
}

TEST_CASE("docs/gateway.md: what earlier versions left out now works or is refused", "[teaching][gateway]")
{
  const std::string stale = R"(name: stale
seed: 1
duration: 110 s
clients:
  - name: c
    arrivals: { process: poisson, rate: 10/s }
    mix: [ { method: GET, path: /api/x } ]
services:
  - name: s
    servers: [ { name: s, cores: 4 } ]
    endpoints: [ { method: GET, path: /x, work: 1 ms } ]
gateway:
  routes:
    - { name: r, match: { prefix: /api }, service: s, rewrite: { strip_prefix: /api },
        cache: { ttl: 1 s, stale: { updating: true, grace: 10 s } } }
)";
  // stale.updating serves the stale copy while one request refreshes it, with or without a lock.
  const auto unlocked = run_scenario(load_scenario_text(stale, "stale.yaml", "."), "");
  CHECK(unlocked.gateway->cache->stale > 0u);
  // background_update is refused, not silently run as something else.
  std::string refused;
  try {
    load_scenario_text(stale, "stale.yaml", ".",
                       {"gateway.routes[0].cache={ttl: 1 s, lock: true, stale: {updating: true, background_update: "
                        "true, grace: 10 s}}"});
  } catch (const ScenarioError& e) {
    refused = e.message();
  }
  CHECK(refused.find("background_update: true (a refresh in the background") != std::string::npos);
  // A configured stage left out of the pipeline is an error.
  const std::string file = std::string(LBSIM_SOURCE_DIR) + "/examples/teaching/gateway-auth-cost.yaml";
  std::string pipeline;
  try {
    load_scenario_file(file, {"gateway.pipeline=[rate_limit, cache]"});
  } catch (const ScenarioError& e) {
    pipeline = e.message();
  }
  CHECK(pipeline.find("pipeline leaves out auth, and the gateway has auth") != std::string::npos);
  // An aggregate route reports its upstream time and the backends it called.
  const auto aggregation = run("gateway-aggregation");
  CHECK(route(aggregation, "home").upstream_mean_s > 0.0);
  CHECK(route(aggregation, "home").attempts_mean >= 1.0);
  // A not_found other than 404 is still counted as not found.
  const auto routing = run("gateway-routing", {"gateway.not_found=400", "duration=10s"});
  CHECK(routing.not_found == status(routing.by_status_all, 400));
  CHECK(routing.not_found > 0u);
  CHECK(routing.failed == 0u);
  // With a gateway the response-time models say why they do not apply, and the gateway's closed
  // forms are there instead.
  const auto cached = run("gateway-cache", {"duration=60s"});
  REQUIRE(cached.analytic.has_value());
  CHECK_FALSE(cached.analytic->applies());
  CHECK(cached.analytic->reason.find("a gateway is in front of the services") != std::string::npos);
  CHECK_FALSE(cached.gateway_analytic.empty());
}

TEST_CASE("docs/gateway.md: its first example loads and runs", "[teaching][gateway]")
{
  std::ifstream in(std::string(LBSIM_SOURCE_DIR) + "/docs/gateway.md");
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  const size_t section = doc.find("## A first gateway");
  REQUIRE(section != std::string::npos);
  const size_t start = doc.find("```yaml\n", section) + 8;
  const size_t end = doc.find("```", start);
  const auto s = run_scenario(load_scenario_text(doc.substr(start, end - start), "gateway.md", ".", {"duration=5s"}), "");
  REQUIRE(s.gateway);
  CHECK(s.routes.size() == 2);
  CHECK(s.gateway->cache.has_value());
  CHECK(s.gateway->auth.has_value());
  CHECK(s.gateway->cors.has_value());
  CHECK(status(s.by_status_all, 200) > 0u);
}

TEST_CASE("docs/gateway.md: what lbsim trace shows behind a gateway", "[teaching][gateway]")
{
  const std::string out =
      output_of("trace " + std::string(LBSIM_SOURCE_DIR) + "/examples/teaching/gateway-routing.yaml -n 1");
  CHECK(out == "time_s,client,method,path,server,status,service,request,parent\n"
               "0.001524614,61.232.136.251,GET,/users/325,users-1,dispatched,users,2,1\n");
}
