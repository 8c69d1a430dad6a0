// Slow start (models/balancers/slow_start.hpp): HAProxy's weight ramp (server.c,
// server_recalc_eweight(): w × (16 t + S) / S sixteenths, t whole seconds after the server came
// back, S the slowstart in whole seconds), and a server enabled during a run taking the share
// those weights give it under smooth weighted round robin.
#include "models/balancers/slow_start.hpp"
#include "scenarios/format/loader.hpp"
#include "scenarios/runner.hpp"
#include "tests/support/load_error.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using Catch::Matchers::Contains;
using lbsim::models::SlowStart;

TEST_CASE("slow start: HAProxy's ramp, in sixteenths of the weight, once a second", "[slow_start][balancer]")
{
  // slowstart 10s, weight 1: (16 t + 10) / 10 for t = 0..9, then 16.
  const std::vector<int> expected = {1, 2, 4, 5, 7, 9, 10, 12, 13, 15, 16, 16};
  for (int t = 0; t < static_cast<int>(expected.size()); ++t) {
    INFO("t = " << t);
    CHECK(SlowStart::ramp_weight(1, t, 10) == expected[static_cast<std::size_t>(t)]);
    CHECK(SlowStart::ramp_weight(3, t, 10) == 3 * expected[static_cast<std::size_t>(t)]);
  }
  // HAProxy stores slowstart in whole seconds, rounded up ((val + 999) / 1000).
  CHECK(SlowStart::whole_seconds(lbsim::engine::milliseconds(1500)) == 2);
  CHECK(SlowStart::whole_seconds(lbsim::engine::seconds(30)) == 30);
  CHECK(SlowStart::whole_seconds(lbsim::engine::milliseconds(1)) == 1);
}

namespace {

// a (weight 1) serves alone; b is enabled at 5.005 s. 100 requests/s at constant intervals.
std::string scenario(const std::string& algorithm, const std::string& b_flags)
{
  return "name: ss\nduration: 25 s\nclients:\n  - name: c\n    arrivals: { process: constant, rate: 100/s }\n"
         "    mix: [{ work: 1 ms }]\nbalancer: { algorithm: " + algorithm + " }\nservers:\n"
         "  - { name: a, cores: 4 }\n  - { name: b, cores: 4, state: down" + b_flags + " }\n"
         "timeline:\n  - { at: 5005 ms, enable: b }\n";
}

lbsim::models::RunSummary run(const std::string& text)
{
  return lbsim::scenarios::run_scenario(lbsim::scenarios::load_scenario_text(text, "ss.yaml", "."), "");
}

}  // namespace

TEST_CASE("a server enabled with slow_start takes w / (16 + w) of the requests during its ramp",
          "[slow_start][balancer]")
{
  // Second k of the ramp (k = 0..9) gives b w_k / (16 + w_k) of 100 requests, w_k as above (sum
  // 3.0177); then 9.995 s at half. Without slow start b takes half from 5.005 s on (999.75).
  const double ramp = 1.0 / 17 + 2.0 / 18 + 4.0 / 20 + 5.0 / 21 + 7.0 / 23 + 9.0 / 25 + 10.0 / 26 + 12.0 / 28 +
                      13.0 / 29 + 15.0 / 31;
  const double expected = 100 * ramp + 100 * 9.995 * 0.5;
  const auto slow = run(scenario("weighted_round_robin", ", slow_start: 10 s"));
  REQUIRE(slow.servers.size() == 2);
  CHECK(slow.servers.at(1).completed == Approx(expected).margin(12));
  const auto at_once = run(scenario("weighted_round_robin", ""));
  CHECK(at_once.servers.at(1).completed == Approx(100 * 19.995 * 0.5).margin(2));
  // HAProxy's roundrobin (fwrr) follows the same weights.
  const auto fwrr = run(scenario("weighted_round_robin, variant: fwrr", ", slow_start: 10 s"));
  CHECK(fwrr.servers.at(1).completed == Approx(expected).margin(12));
}

TEST_CASE("slow_start is refused where no weight can ramp", "[slow_start][balancer]")
{
  using lbsim::test::load_error;
  const auto error = [](const std::string& text) { return load_error(text); };
  CHECK_THAT(error(scenario("ip_hash", ", slow_start: 10 s")), Contains("does not change its weights"));
  CHECK_THAT(error(scenario("weighted_round_robin, variant: classic", ", slow_start: 10 s")),
             Contains("does not change its weights"));
  CHECK_THAT(error(scenario("weighted_round_robin", ", slow_start: 0 s")), Contains("slow_start"));
  CHECK(error(scenario("weighted_least_connections", ", slow_start: 10 s")) == "no error");
  CHECK(error(scenario("least_request", ", slow_start: 10 s")) == "no error");
}
