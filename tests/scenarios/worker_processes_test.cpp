// worker_processes (models/balancers/balancer_pool.hpp): nginx's worker processes without a shared
// zone, each with its own copy of the balancer's state. Request for request, the copies pick what
// real nginx's workers picked (tests/models/real_balancer_fixtures_test.cpp, the "two-workers"
// fixtures); here, what a run shows of them, and what the loader refuses.
#include "scenarios/format/loader.hpp"
#include "scenarios/runner.hpp"
#include "tests/support/load_error.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <string>

using Catch::Matchers::Contains;

namespace {

// Constant arrivals every 10 ms; each request takes `work` on one of three 1-core servers.
std::string scenario(const std::string& balancer, const std::string& work, const std::string& weights = "")
{
  return "name: wp\nduration: 60 s\nclients:\n  - name: c\n    arrivals: { process: constant, rate: 100/s }\n"
         "    mix: [{ work: " + work + " }]\nbalancer: " + balancer + "\nservers:\n"
         "  - { name: a" + weights + " }\n  - { name: b }\n  - { name: c }\n";
}

lbsim::models::RunSummary run(const std::string& text)
{
  return lbsim::scenarios::run_scenario(lbsim::scenarios::load_scenario_text(text, "wp.yaml", "."), "");
}

}  // namespace

TEST_CASE("worker_processes: round robin in each worker apart loses the even spacing of one shared turn",
          "[worker_processes][balancer]")
{
  // One turn over three servers sends each one request every 30 ms: a 29 ms request never waits,
  // and every latency is 29 ms. Two workers, each taking a request at random and keeping its own
  // turn, can send a server two requests 10 ms apart: some wait.
  const auto shared = run(scenario("{ algorithm: round_robin }", "29 ms"));
  CHECK(shared.latency_max_s == Approx(0.029).margin(1e-9));
  const auto two = run(scenario("{ algorithm: round_robin, worker_processes: 2 }", "29 ms"));
  CHECK(two.latency_max_s > 0.029 + 0.005);
  CHECK(two.latency_mean_s > 0.029 + 0.001);
  // Each worker still takes the servers in turn: every server gets a third of the requests.
  REQUIRE(two.servers.size() == 3);
  for (const auto& s : two.servers) CHECK(std::abs(static_cast<double>(s.completed) - two.completed / 3.0) < 3);
}

TEST_CASE("worker_processes: each worker keeps smooth weighted round robin's shares exactly",
          "[worker_processes][balancer]")
{
  // Weights 5, 1, 1: whatever the order in which the workers take requests, each worker's turns
  // give a 5/7 of its requests within one turn, so the total is within one turn per worker.
  for (const int workers : {2, 4}) {
    INFO(workers << " workers");
    const auto r = run(scenario("{ algorithm: weighted_round_robin, worker_processes: " + std::to_string(workers) + " }",
                                "1 ms", ", weight: 5"));
    REQUIRE(r.servers.size() == 3);
    CHECK(std::abs(static_cast<double>(r.servers[0].completed) - r.completed * 5.0 / 7) <= 7.0 * workers);
    CHECK(std::abs(static_cast<double>(r.servers[1].completed) - r.completed / 7.0) <= 7.0 * workers);
  }
}

TEST_CASE("worker_processes: least_connections sees only its own worker's requests in flight",
          "[worker_processes][balancer]")
{
  // 25 ms requests every 10 ms on three servers: with one shared count a request always finds an
  // idle server (at most 3 in flight), so none waits. A worker that counts only its own requests
  // sends some to a server busy with the other worker's: they wait.
  const auto shared = run(scenario("{ algorithm: least_connections }", "25 ms"));
  CHECK(shared.latency_max_s == Approx(0.025).margin(1e-9));
  const auto four = run(scenario("{ algorithm: least_connections, worker_processes: 4 }", "25 ms"));
  CHECK(four.latency_max_s > 0.025 + 0.005);
}

TEST_CASE("worker_processes: the same seed gives the same run, and 1 is the shared state",
          "[worker_processes][balancer]")
{
  const auto a = run(scenario("{ algorithm: least_connections, worker_processes: 3 }", "25 ms"));
  const auto b = run(scenario("{ algorithm: least_connections, worker_processes: 3 }", "25 ms"));
  CHECK(a.fingerprint == b.fingerprint);
  const auto one = run(scenario("{ algorithm: least_connections, worker_processes: 1 }", "25 ms"));
  const auto none = run(scenario("{ algorithm: least_connections }", "25 ms"));
  CHECK(one.fingerprint == none.fingerprint);
  CHECK(a.fingerprint != none.fingerprint);
}

TEST_CASE("worker_processes: what the loader refuses", "[worker_processes][balancer][errors]")
{
  using lbsim::test::load_error;
  CHECK_THAT(load_error(scenario("{ algorithm: round_robin, worker_processes: 0 }", "1 ms")),
             Contains("7:55: balancer.worker_processes must be at least 1"));
  CHECK_THAT(load_error(scenario("{ algorithm: round_robin, layer: 4, worker_processes: 2 }", "1 ms")),
             Contains("7:65: balancer.worker_processes > 1") && Contains("use layer: 7"));
  const std::string max_conns = "name: wp\nduration: 1 s\nclients:\n  - name: c\n    arrivals: { process: poisson, rate: 10/s }\n"
                                "    mix: [{ work: 1 ms }]\nbalancer: { worker_processes: 2 }\nservers:\n"
                                "  - { name: a, max_conns: 4 }\n";
  CHECK_THAT(load_error(max_conns), Contains("9:27: server \"a\" has max_conns") && Contains("worker_processes: 1"));
}
