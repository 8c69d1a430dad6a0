// The gateway's closed forms beside a run (models/analytic/gateway_match.hpp): each gives the
// reference's number for its case (../shared/reference/gateway.md part 4: V7, V10, V15, V2), says
// why it does not apply where its assumptions fail, and a run lands on it within its noise.
#include "models/analytic/gateway_match.hpp"
#include "scenarios/format/loader.hpp"
#include "scenarios/runner.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace lbsim;
using Catch::Contains;

namespace {

models::SystemConfig load(const std::string& text)
{
  try {
    return scenarios::load_scenario_text(text, "gw.yaml", ".");
  } catch (const scenarios::ScenarioError& e) {
    FAIL("unexpected ScenarioError: " << e.what());
    throw;
  }
}

const models::analytic::GatewayPrediction& find(const std::vector<models::analytic::GatewayPrediction>& list,
                                                const std::string& quantity)
{
  for (const auto& p : list)
    if (p.quantity == quantity) return p;
  FAIL("no prediction for " << quantity);
  throw;
}

// One client group, one service, a gateway with `gateway` (routes included) and `clients` extra keys.
std::string scenario(const std::string& arrivals, const std::string& clients, const std::string& gateway,
                     const std::string& duration = "10 s")
{
  return "name: analytic\nseed: 3\nduration: " + duration +
         "\nclients:\n"
         "  - arrivals: " + arrivals + "\n" + clients +
         "services:\n"
         "  - {name: api, servers: [{name: a, count: 4, cores: 4}], endpoints: [{prefix: /, work: 1 ms}]}\n"
         "gateway:\n  name: gw\n" + gateway;
}

}  // namespace

TEST_CASE("gateway analytic: a TTL cache of one key gives lambda T / (1 + lambda T) (V10)", "[gateway][analytic]")
{
  const std::string text = scenario("{process: poisson, rate: 10/s}", "    mix: [{method: GET, path: /item}]\n",
                                    "  routes: [{name: item, match: {prefix: /}, service: api, cache: {ttl: 1 s}}]\n",
                                    "10 min");
  const models::SystemConfig config = load(text);
  const auto predictions = models::analytic::match_gateway(config);
  const auto& hit = find(predictions, "cache hit ratio");
  REQUIRE(hit.applies());
  CHECK(hit.analytic == Approx(10.0 / 11.0).epsilon(1e-12));
  // The run: 6,000 requests in about 545 cycles of 11; the hit ratio's standard error is about
  // sqrt(var(cycle) / n) / 11 ~ 0.004. The 1 ms fill (work) shortens each cycle's hits by lambda x
  // 1 ms = 0.01 of 11, about 0.001.
  const models::RunSummary run = scenarios::run_scenario(config, "");
  REQUIRE(run.gateway_analytic.size() == predictions.size());
  CHECK(find(run.gateway_analytic, "cache hit ratio").simulated == Approx(10.0 / 11.0).margin(0.012));
}

TEST_CASE("gateway analytic: preflights per request are 1 / (1 + lambda M) (V15)", "[gateway][analytic]")
{
  // 10 browsers, one URL each at 1/s (10/s in all), Authorization: every request is preflighted.
  const std::string clients = "    population: 10\n    cross_origin: 100%\n"
                              "    mix: [{method: GET, path: /a, headers: [authorization]}]\n";
  const std::string routes = "  routes: [{name: a, match: {prefix: /}, service: api}]\n";
  const auto with_max_age = models::analytic::match_gateway(
      load(scenario("{process: poisson, rate: 10/s}", clients, "  cors: {max_age: 600 s}\n" + routes)));
  CHECK(find(with_max_age, "preflights per request").analytic == Approx(1.0 / 601).epsilon(1e-12));
  const models::SystemConfig five_seconds =
      load(scenario("{process: poisson, rate: 10/s}", clients, "  cors: {}\n" + routes, "10 min"));
  CHECK(find(models::analytic::match_gateway(five_seconds), "preflights per request").analytic ==
        Approx(1.0 / 6).epsilon(1e-12));
  // A GET without custom headers needs none.
  const auto plain = models::analytic::match_gateway(load(
      scenario("{process: poisson, rate: 10/s}", "    population: 10\n    cross_origin: 100%\n    mix: [{path: /a}]\n",
               "  cors: {}\n" + routes)));
  CHECK(find(plain, "preflights per request").analytic == 0);
  // The run: 6,000 requests, about 1,000 preflights; binomial-like error sqrt(1000)/6000 ~ 0.005.
  const models::RunSummary run = scenarios::run_scenario(five_seconds, "");
  CHECK(find(run.gateway_analytic, "preflights per request").simulated == Approx(1.0 / 6).margin(0.02));
}

TEST_CASE("gateway analytic: admitted rates of rate limits (V7, V2)", "[gateway][analytic]")
{
  const std::string mix = "    population: 1\n    mix: [{path: /a}]\n";
  // V7: a fixed window of 10 per second, one key at lambda = 10/s: E[min(N, 10)] = 8.7489/s.
  const auto fixed = models::analytic::match_gateway(load(scenario(
      "{process: poisson, rate: 10/s}", mix,
      "  rate_limits: [{name: w, algorithm: fixed_window, key: global, limit: 10, window: 1 s}]\n"
      "  routes: [{name: a, match: {prefix: /}, service: api}]\n")));
  CHECK(find(fixed, "w admitted/s").analytic == Approx(8.7489).margin(0.0001));
  // V2: nginx rate=10r/s burst=0 at lambda = 20/s on its millisecond clock: 6.689/s.
  const models::SystemConfig nginx = load(
      scenario("{process: poisson, rate: 20/s}", mix,
               "  rate_limits: [{name: n, algorithm: leaky_bucket, key: ip, rate: 10/s, burst: 0}]\n"
               "  routes: [{name: a, match: {prefix: /}, service: api}]\n",
               "10 min"));
  CHECK(find(models::analytic::match_gateway(nginx), "n admitted/s").analytic == Approx(6.689).margin(0.001));
  // The run: 4,000 admissions, renewal cycles with a coefficient of variation under 0.5: relative
  // error about 0.5 / sqrt(4000) ~ 0.8 %; 3 % is four of those.
  const models::RunSummary run = scenarios::run_scenario(nginx, "");
  CHECK(find(run.gateway_analytic, "n admitted/s").simulated == Approx(6.689).epsilon(0.03));
}

TEST_CASE("gateway analytic: where a closed form's assumptions fail, it says why", "[gateway][analytic]")
{
  const std::string mix = "    mix: [{path: \"/a/{id}\", ids: {count: 1000, popularity: {distribution: zipf, s: 0.8}}}]\n";
  const std::string limit = "  rate_limits: [{name: n, algorithm: leaky_bucket, key: ip, rate: 10/s, burst: 5}]\n";
  // A cache smaller than its keys: LRU with a TTL.
  const auto small = models::analytic::match_gateway(load(scenario(
      "{process: poisson, rate: 10/s}", mix,
      "  routes: [{name: a, match: {prefix: /}, service: api, cache: {ttl: 10 s, capacity: 100}}]\n")));
  CHECK_FALSE(find(small, "cache hit ratio").applies());
  CHECK_THAT(find(small, "cache hit ratio").reason, Contains("fewer entries than its 1000 keys"));
  // A rate limit before the cache (nginx's pipeline order) thins its stream by history; nginx's
  // burst > 0 has no closed form.
  const auto limited = models::analytic::match_gateway(load(scenario(
      "{process: poisson, rate: 10/s}", mix,
      "  pipeline: [rate_limit, cache]\n" + limit +
          "  routes: [{name: a, match: {prefix: /}, service: api, cache: {ttl: 10 s}}]\n")));
  CHECK_THAT(find(limited, "cache hit ratio").reason, Contains("a rate limit before it"));
  CHECK_THAT(find(limited, "n admitted/s").reason, Contains("burst > 0"));
  // Constant arrivals are not Poisson.
  const auto constant = models::analytic::match_gateway(load(scenario(
      "{process: constant, rate: 10/s}", mix,
      "  routes: [{name: a, match: {prefix: /}, service: api, cache: {ttl: 10 s}}]\n")));
  CHECK_THAT(find(constant, "cache hit ratio").reason, Contains("not Poisson"));
  // Without a gateway there is nothing to predict.
  CHECK(models::analytic::match_gateway(load("name: x\nduration: 1 s\nclients:\n  - arrivals: {process: poisson, "
                                              "rate: 1/s}\n    mix: [{path: /, work: 1 ms}]\nservers: [{name: s}]\n"))
            .empty());
}

TEST_CASE("gateway analytic: an aggregate's fan-out is the largest of its exponential branches (V16)", "[gateway][analytic]")
{
  // Three branches of 10 ms (H_3 x 10 ms = 18.333 ms) and a mixed pair of 10 ms and 20 ms
  // (10 + 20 - 1 / (1/10 + 1/20) = 23.333 ms), on 256 cores so that no branch waits.
  const std::string text = R"(name: fanout
seed: 4
duration: 100 s
clients:
  - arrivals: {process: poisson, rate: 200/s}
    mix: [{path: /api/three, share: 0.5}, {path: /api/pair, share: 0.5}]
services:
  - name: fast
    servers: [{name: f, cores: 256}]
    endpoints: [{path: /part, work: {distribution: exponential, mean: 10 ms}}]
  - name: slow
    servers: [{name: s, cores: 256}]
    endpoints: [{path: /part, work: {distribution: exponential, mean: 20 ms}}]
gateway:
  routes:
    - {name: three, match: {path: /api/three}, aggregate: {backends: [{service: fast, path: /part}, {service: fast, path: /part}, {service: fast, path: /part}]}}
    - {name: pair, match: {path: /api/pair}, aggregate: {backends: [{service: fast, path: /part}, {service: slow, path: /part}]}}
    - {name: chain, match: {path: /api/chain}, aggregate: {sequential: true, backends: [{service: fast, path: /part}]}}
)";
  const models::SystemConfig config = load(text);
  const auto predictions = models::analytic::match_gateway(config);
  CHECK(find(predictions, "three fan-out mean s").analytic == Approx(0.010 * (1 + 1.0 / 2 + 1.0 / 3)).epsilon(1e-12));
  CHECK(find(predictions, "pair fan-out mean s").analytic == Approx(0.010 + 0.020 - 1.0 / (100 + 50)).epsilon(1e-12));
  CHECK_THAT(find(predictions, "chain fan-out mean s").reason, Contains("sequential"));
  // The run: 10,000 requests per route; the max's standard deviation is under 25 ms, so the mean's
  // standard error is under 0.25 ms: 1 ms is four of them.
  const models::RunSummary run = scenarios::run_scenario(config, "");
  CHECK(find(run.gateway_analytic, "three fan-out mean s").simulated == Approx(0.0183333).margin(0.001));
  CHECK(find(run.gateway_analytic, "pair fan-out mean s").simulated == Approx(0.0233333).margin(0.001));
}

TEST_CASE("gateway analytic: a concurrency limit refuses Erlang B of its offered load (V9)", "[gateway][analytic]")
{
  // limit_conn 2 on one key, Poisson 100/s, exponential holding of 10 ms: a = 1 erlang,
  // B(2, 1) = 0.2 whatever the holding time's distribution.
  const models::SystemConfig config = load(R"(name: erlang
seed: 5
duration: 5 min
clients:
  - arrivals: {process: poisson, rate: 100/s}
    mix: [{path: /a}]
services:
  - {name: slow, servers: [{name: s, cores: 64}], endpoints: [{prefix: /, work: {distribution: exponential, mean: 10 ms}}]}
gateway:
  rate_limits: [{name: c, algorithm: concurrency, key: global, limit: 2}]
  routes: [{name: a, match: {prefix: /}, service: slow}]
)");
  const auto predictions = models::analytic::match_gateway(config);
  REQUIRE(find(predictions, "c rejected share").applies());
  // The run: 30,000 requests, a binomial-like share of 0.2: se about 0.0023 (sessions correlate a
  // little); 0.015 covers it and the holding time's own error.
  const models::RunSummary run = scenarios::run_scenario(config, "");
  const auto& b = find(run.gateway_analytic, "c rejected share");
  CHECK(b.analytic == Approx(0.2).margin(0.01));
  CHECK(b.simulated == Approx(0.2).margin(0.015));
}
