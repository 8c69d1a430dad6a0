// More gateway teaching scenarios (examples/teaching/gateway-*.yaml, docs/teaching.md "The API
// gateway"): the same burst against the rate limiters, a gateway against none, and the
// service's balancer behind a route. Each against its hand calculation, and the exact figures
// docs/teaching.md quotes (the runs are deterministic).
#include "scenarios/format/loader.hpp"
#include "scenarios/runner.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace lbsim;
using namespace lbsim::scenarios;

namespace {

models::RunSummary run(const std::string& name, const std::vector<std::string>& overrides = {})
{
  const std::string file = std::string(LBSIM_SOURCE_DIR) + "/examples/teaching/" + name + ".yaml";
  return run_scenario(load_scenario_file(file, overrides), "");
}

const models::RouteSummary& route(const models::RunSummary& s, const std::string& name)
{
  for (const models::RouteSummary& r : s.routes)
    if (r.name == name) return r;
  FAIL("no route " << name);
  throw;
}

const models::ServiceSummary& service(const models::RunSummary& s, const std::string& name)
{
  for (const models::ServiceSummary& x : s.services)
    if (x.name == name) return x;
  FAIL("no service " << name);
  throw;
}

const models::ServerSummary& server(const models::RunSummary& s, const std::string& name)
{
  for (const models::ServerSummary& x : s.servers)
    if (x.name == name) return x;
  FAIL("no server " << name);
  throw;
}

const models::RateLimitSummary& limit(const models::RunSummary& s, const std::string& name)
{
  REQUIRE(s.gateway);
  for (const models::RateLimitSummary& l : s.gateway->rate_limits)
    if (l.name == name) return l;
  FAIL("no rate limit " << name);
  throw;
}

uint64_t status(const models::StatusMap& m, int code)
{
  const auto it = m.find(code);
  return it == m.end() ? 0 : it->second;
}

double p99(const models::LatencySummary& l)
{
  for (const auto& [p, v] : l.percentiles_s)
    if (p == 99.0) return v;
  return NAN;
}

}  // namespace

TEST_CASE("teaching: one burst against nginx, Envoy and a fixed window (V3, V4, V6, V7b)", "[teaching][gateway]")
{
  const auto s = run("gateway-burst-three-limiters");
  // Every group sends 30 requests at t = 0 and 30 more 200 ms apart; the limiters are exact, so
  // the hand calculation is exact too.
  struct Expected {
    const char* name;
    int rejected_status;
    uint64_t passed, delayed, rejected;  // passed: at once or after a wait
    double delay_sum_ms;  // over the delayed requests
    double max_ms;        // the longest response time: the longest wait + 1 ms
  };
  const std::vector<Expected> expected = {
      // nginx burst=20: the 1st at once, 20 wait 100..2000 ms, 9 get 503; the tail's k-th waits
      // (20 - k) x 100 ms: 19 more, 19,000 ms.
      {"nginx", 503, 51, 39, 9, 21000 + 19000, 2001},
      {"nginx-nodelay", 503, 51, 0, 9, 0, 1},
      // delay=8: 9 at once, 12 wait 100..1200 ms (7,800 ms), 9 get 503; the tail's k-th waits
      // (12 - k) x 100 ms for k < 12 (6,600 ms).
      {"nginx-delay8", 503, 51, 23, 9, 7800 + 6600, 1201},
      // token bucket: 20 tokens, 10 requests get 429; the tail gains 2 tokens per request.
      {"envoy", 429, 50, 0, 10, 0, 1},
      // 20 per 2 s: 20 pass, 10 get 429 and the tail's first 9 too (until 2.0 s).
      {"kong", 429, 41, 0, 19, 0, 1},
      // V7b: 10 at 0.999 s and 10 at 1.000 s against 10 per 1 s.
      {"edge-fixed", 429, 20, 0, 0, 0, 1},
      {"edge-sliding", 429, 10, 0, 10, 0, 1},
  };
  for (const Expected& e : expected) {
    INFO(e.name);
    const auto& l = limit(s, e.name);
    const auto& r = route(s, e.name);
    // `passed` counts those that passed at once, `delayed` those that passed after a wait.
    CHECK(l.passed + l.delayed == e.passed);
    CHECK(l.delayed == e.delayed);
    CHECK(l.rejected == e.rejected);
    CHECK(r.arrived == e.passed + e.rejected);
    CHECK(status(r.by_status, 200) == e.passed);
    CHECK(status(r.by_status, e.rejected_status) == e.rejected);
    if (e.delayed > 0) CHECK(l.mean_delay_s * 1e3 == Approx(e.delay_sum_ms / e.delayed).margin(0.0005));
    // A rejection is answered at once (the gateway has no processing time); each 200 takes its
    // wait and the service's 1 ms: the mean over every answer.
    CHECK(r.latency.mean_s * 1e3 == Approx((e.delay_sum_ms + e.passed) / (e.passed + e.rejected)).margin(0.0005));
    CHECK(r.latency.max_s * 1e3 == Approx(e.max_ms).margin(0.0005));
  }
  // The figures docs/teaching.md quotes.
  CHECK(limit(s, "nginx").mean_delay_s * 1e3 == Approx(1025.641).margin(0.0005));
  CHECK(limit(s, "nginx-delay8").mean_delay_s * 1e3 == Approx(626.087).margin(0.0005));
  CHECK(route(s, "nginx").latency.mean_s * 1e3 == Approx(667.517).margin(0.0005));
  CHECK(route(s, "nginx-delay8").latency.mean_s * 1e3 == Approx(240.850).margin(0.0005));
}

TEST_CASE("teaching: what a gateway costs (M/D/1 at its worker) and gives (one place for a limit)", "[teaching][gateway]")
{
  const auto with = run("gateway-with-vs-without");
  const auto direct = run("gateway-with-vs-without-direct");
  REQUIRE(with.gateway);
  REQUIRE_FALSE(direct.gateway);
  // The same clients and seed: the same 150,015 requests.
  CHECK(with.arrived == direct.arrived);
  // Directly: exactly the service's 1 ms, every request.
  CHECK(direct.latency_mean_s * 1e3 == Approx(1.0).margin(1e-9));
  CHECK(direct.latency_max_s * 1e3 == Approx(1.0).margin(1e-9));
  // Through the gateway: every request (a 429 too) takes 200 us of one worker at 2,500/s: 50%.
  // 150,000 arrivals: the count's standard deviation is 0.26%.
  CHECK(with.gateway->station.utilization == Approx(0.5).epsilon(0.01));
  // M/D/1: W = 200 + 0.5 x 200 / (2 x 0.5) = 300 us at the gateway; Lq = rho^2 / (2 (1 - rho)) = 0.25.
  // The orders route has only app requests, all 200: its mean minus the service's 1 ms. 60,000
  // requests; the mean wait (100 us) is known to a few percent, 1% of the 300 us.
  const double gateway_us = (route(with, "orders").latency.mean_s - 0.001) * 1e6;
  CHECK(gateway_us == Approx(300).epsilon(0.01));
  CHECK(with.gateway->station.mean_run_queue == Approx(0.25).epsilon(0.03));
  // The limit: the scraper's 500/s are cut to the bucket's 100/s: 24,000 of its 30,000 get 429
  // (its count has a standard deviation of 0.6%); the app's addresses (10/s each) never do.
  const auto& l = limit(with, "per-ip");
  CHECK(l.rejected == Approx(24000).epsilon(0.02));
  CHECK(status(route(with, "orders").by_status, 429) == 0u);
  CHECK(status(route(with, "users").by_status, 429) == l.rejected);
  // The users service: 1,000 + 100 = 1,100/s through the gateway, 1,500/s directly (0.4%).
  CHECK(service(with, "users").arrived / with.simulated_s == Approx(1100).epsilon(0.01));
  CHECK(service(direct, "users").arrived / direct.simulated_s == Approx(1500).epsilon(0.01));
  CHECK(service(direct, "users").arrived == route(with, "users").arrived);
  // The figures docs/teaching.md quotes.
  CHECK(with.gateway->station.utilization * 100 == Approx(50.0059).margin(0.0005));
  CHECK(with.gateway->station.mean_run_queue == Approx(0.249423).margin(0.0005));
  CHECK(gateway_us == Approx(299.281).margin(0.0005));
  // Exact (60,191 answers, fewer than LatencyHistogram::kExactLimit); the histogram's bucket gave 1.847.
  CHECK(p99(route(with, "orders").latency) * 1e3 == Approx(1.851).margin(0.0005));
  CHECK(l.rejected == 23949u);
  CHECK(service(with, "users").arrived == 65874u);
  CHECK(service(direct, "users").arrived == 89823u);
  CHECK(with.simulated_s == Approx(60.0));
  CHECK(direct.simulated_s == Approx(60.0));
}

TEST_CASE("teaching: behind a route the service's balancer decides the spread and the p99", "[teaching][gateway]")
{
  const auto rr = run("gateway-load-balancing");
  const auto wrr = run("gateway-load-balancing", {"services[items].balancer.algorithm=weighted_round_robin"});
  const auto lc = run("gateway-load-balancing", {"services[items].balancer.algorithm=least_connections"});
  // Utilization = share x 1,200/s x 4 ms / cores. About 48,000 requests a server: the work's
  // sum has a relative standard deviation of 0.5%, 2% (3%) is four (six) of them.
  CHECK(server(rr, "items-big").utilization == Approx(0.2).epsilon(0.02));
  CHECK(server(rr, "items-small-1").utilization == Approx(0.8).epsilon(0.02));
  CHECK(server(rr, "items-small-2").utilization == Approx(0.8).epsilon(0.02));
  for (const char* name : {"items-big", "items-small-1", "items-small-2"}) {
    INFO(name);
    CHECK(server(wrr, name).utilization == Approx(0.4).epsilon(0.03));
  }
  // Round robin: a third each, exactly (to a request or two); the servers' counts include the
  // requests that arrived in the warm-up and finished after it.
  const auto total = [](const models::RunSummary& s) {
    double n = 0;
    for (const auto& x : s.servers) n += static_cast<double>(x.completed);
    return n;
  };
  CHECK(server(rr, "items-big").completed == Approx(total(rr) / 3).margin(2));
  CHECK(server(rr, "items-small-1").completed == Approx(total(rr) / 3).margin(2));
  // Weighted 8 : 2 : 2: two thirds to the big server.
  CHECK(server(wrr, "items-big").completed == Approx(total(wrr) * 8 / 12).margin(2));
  // least_connections: no closed form; the big server takes more than a third, the small ones
  // stay under round robin's 80%.
  CHECK(server(lc, "items-big").completed > total(lc) / 3);
  CHECK(server(lc, "items-small-1").utilization < 0.7);
  // The route's p99: round robin's queues at the small servers set it.
  const double rr_p99 = p99(route(rr, "items").latency), wrr_p99 = p99(route(wrr, "items").latency),
               lc_p99 = p99(route(lc, "items").latency);
  CHECK(rr_p99 > 1.5 * wrr_p99);
  CHECK(rr_p99 > 1.5 * lc_p99);
  // The figures docs/teaching.md quotes.
  CHECK(server(rr, "items-small-1").utilization * 100 == Approx(79.9773).margin(0.0005));
  CHECK(server(rr, "items-big").utilization * 100 == Approx(19.9824).margin(0.0005));
  CHECK(server(rr, "items-small-1").mean_queue == Approx(1.70598).margin(0.0005));
  CHECK(server(lc, "items-big").utilization * 100 == Approx(35.4391).margin(0.0005));
  CHECK(server(lc, "items-small-1").utilization * 100 == Approx(49.0494).margin(0.0005));
  CHECK(server(rr, "items-small-2").utilization * 100 == Approx(79.721).margin(0.0005));
  CHECK(server(wrr, "items-big").utilization * 100 == Approx(40.0886).margin(0.0005));
  CHECK(server(wrr, "items-small-1").utilization * 100 == Approx(39.5491).margin(0.0005));
  CHECK(server(wrr, "items-small-2").utilization * 100 == Approx(39.7187).margin(0.0005));
  CHECK(server(lc, "items-small-2").utilization * 100 == Approx(48.8156).margin(0.0005));
  CHECK(server(lc, "items-big").completed == 85134u);
  CHECK(total(lc) == 143792);
  CHECK(rr_p99 * 1e3 == Approx(30.081).margin(0.0005));
  CHECK(wrr_p99 * 1e3 == Approx(18.416).margin(0.0005));
  CHECK(lc_p99 * 1e3 == Approx(18.285).margin(0.0005));
  CHECK(route(rr, "items").latency.mean_s * 1e3 == Approx(6.790).margin(0.0005));
  CHECK(route(lc, "items").latency.mean_s * 1e3 == Approx(4.004).margin(0.0005));
}

TEST_CASE("teaching: the route table and the access log show Erlang B errors on one route", "[teaching][gateway]")
{
  const std::string file = std::string(LBSIM_SOURCE_DIR) + "/examples/teaching/gateway-monitoring.yaml";
  const std::string log = (std::filesystem::temp_directory_path() / "lbsim-teaching-gateway-monitoring.csv").string();
  const auto s = run_scenario(load_scenario_file(file), "", nullptr, log);
  // Erlang B: 8 erlangs offered to 10 cores without a queue.
  double b = 1;
  for (int k = 1; k <= 10; ++k) b = 8 * b / (k + 8 * b);
  CHECK(b * 100 == Approx(12.166).margin(0.001));
  const double mean_ms = (1 - b) * 40, p99_ms = 40 * std::log(100 * (1 - b));
  CHECK(p99_ms == Approx(179.02).margin(0.01));
  const auto& catalog = route(s, "catalog");
  const auto& checkout = route(s, "checkout");
  // The catalog: no errors, exactly 5 ms.
  CHECK(catalog.error_rate == 0.0);
  CHECK(p99(catalog.latency) * 1e3 == Approx(5.0).margin(1e-6));
  // The checkout: about 120,000 requests; B's estimate has a binomial standard deviation of 0.8%
  // of itself, a few times more for the correlation of a loss system's refusals: 5%. The mean
  // and the p99 of 105,000 exponential times are known to about 1%: 3%.
  CHECK(checkout.error_rate == Approx(b).epsilon(0.05));
  CHECK(status(checkout.by_status, 503) == s.rejected);
  CHECK(checkout.latency.mean_s * 1e3 == Approx(mean_ms).epsilon(0.03));
  CHECK(p99(checkout.latency) * 1e3 == Approx(p99_ms).epsilon(0.03));
  // The server's utilization is the carried load: (1 - B) x 8 / 10.
  CHECK(server(s, "checkout").utilization == Approx((1 - b) * 0.8).epsilon(0.02));
  // The access log: one row per answer; counted by route, the same errors and durations.
  std::map<std::string, uint64_t> rows, errors;
  std::vector<double> durations;
  std::ifstream in(log);
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream fields(line);
    for (std::string x; std::getline(fields, x, ',');) f.push_back(x);
    REQUIRE(f.size() == 15);
    ++rows[f[4]];
    if (f[6][0] == '5') ++errors[f[4]];
    if (f[4] == "checkout") durations.push_back(std::stod(f[10]));
  }
  in.close();
  std::filesystem::remove(log);
  CHECK(errors["catalog"] == 0u);
  CHECK(static_cast<double>(errors["checkout"]) / static_cast<double>(rows["checkout"]) ==
        Approx(checkout.error_rate).margin(1e-12));
  std::sort(durations.begin(), durations.end());
  const double log_p99 = durations[static_cast<size_t>(std::ceil(0.99 * static_cast<double>(durations.size()))) - 1];
  CHECK(log_p99 == Approx(p99(checkout.latency)).epsilon(0.01));
  // The figures docs/teaching.md quotes.
  CHECK(checkout.error_rate * 100 == Approx(12.293).margin(0.0005));
  CHECK(errors["checkout"] == 14701u);
  CHECK(rows["checkout"] == 119586u);
  CHECK(checkout.arrived - rows["checkout"] == 7u);  // in progress at the end: no row yet
  CHECK(catalog.arrived == 479416u);
  CHECK(checkout.arrived == 119593u);
  CHECK(catalog.rate_rps == Approx(799.0267).margin(0.0005));
  CHECK(checkout.rate_rps == Approx(199.3217).margin(0.0005));
  CHECK(catalog.latency.mean_s * 1e3 == Approx(5.0).margin(1e-6));
  CHECK(checkout.latency.mean_s * 1e3 == Approx(35.280).margin(0.0005));
  CHECK(p99(checkout.latency) * 1e3 == Approx(181.928).margin(0.0005));
  CHECK(log_p99 * 1e3 == Approx(181.413).margin(0.0005));
  CHECK(server(s, "checkout").utilization * 100 == Approx(70.3205).margin(0.0005));
}
