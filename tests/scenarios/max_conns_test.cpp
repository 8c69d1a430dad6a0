// Servers with max_conns behind the balancer (models/balancers/load_balancer.cpp, max_conns.hpp,
// backend_queue.hpp), with times worked out by hand: HAProxy's backend queue and its timeout,
// nginx's immediate refusal (queue: false), and `balance first`.
#include "scenarios/format/loader.hpp"
#include "scenarios/runner.hpp"
#include "tests/support/load_error.hpp"

#include <catch2/catch.hpp>

#include <string>

using Catch::Matchers::Contains;

namespace {

// Requests at 0, 0.1, 0.2 and 0.3 s, 1 s of work each.
std::string scenario(const std::string& balancer, const std::string& servers)
{
  return "name: mc\nduration: 10 s\nclients:\n  - name: c\n    arrivals:\n      process: script\n      requests:\n"
         "        - { at: 0 s }\n        - { at: 100 ms }\n        - { at: 200 ms }\n        - { at: 300 ms }\n"
         "    mix: [{ work: 1 s }]\nbalancer: " + balancer + "\nservers:\n" + servers;
}

lbsim::models::RunSummary run(const std::string& text)
{
  return lbsim::scenarios::run_scenario(lbsim::scenarios::load_scenario_text(text, "mc.yaml", "."), "");
}

}  // namespace

TEST_CASE("max_conns: a full server's requests wait in the backend queue until a slot frees or queue_timeout",
          "[max_conns][balancer]")
{
  // One slot. The first request runs 0-1 s; the second waits 0.1-1.0 s and runs 1-2 s; at 1 s the
  // third and fourth are still waiting, and time out 1.5 s after they came (1.7 s, 1.8 s): 503.
  const auto s = run(scenario("{ queue_timeout: 1500 ms }", "  - { name: a, max_conns: 1 }\n"));
  CHECK(s.completed == 2);
  CHECK(s.rejected == 2);
  REQUIRE(s.balancer);
  CHECK(s.balancer->has_max_conns);
  CHECK(s.balancer->queued == 3);
  CHECK(s.balancer->queue_timed_out == 2);
  CHECK(s.balancer->queue_max_length == 3);
  CHECK(s.balancer->queue_mean_wait_s == Approx((0.9 + 1.5 + 1.5) / 3));
  CHECK(s.balancer->queue_max_wait_s == Approx(1.5));
  CHECK(s.servers.at(0).mean_queue == 0.0);  // the server never held more than its one slot
  // The default queue_timeout is 5 s: all four are served, one after the other (done at 1, 2, 3, 4 s).
  const auto patient = run(scenario("{}", "  - { name: a, max_conns: 1 }\n"));
  CHECK(patient.completed == 4);
  CHECK(patient.latency_mean_s == Approx((1.0 + 1.9 + 2.8 + 3.7) / 4));
}

TEST_CASE("max_conns with queue: false refuses at once when every server is full (nginx)", "[max_conns][balancer]")
{
  const auto s = run(scenario("{ queue: false }", "  - { name: a, max_conns: 1 }\n  - { name: b, max_conns: 2 }\n"));
  // a takes the first, b the second and third; the fourth finds three slots taken.
  CHECK(s.completed == 3);
  CHECK(s.rejected == 1);
  REQUIRE(s.balancer);
  CHECK(s.balancer->refused_full == 1);
  CHECK(s.balancer->queued == 0);
}

TEST_CASE("balance first fills the servers in order, and a freed slot takes the oldest queued request",
          "[max_conns][balancer]")
{
  // a (1 slot) takes 0 s, b (2 slots, 1 core) 0.1 and 0.2 s: the third waits for b's core until
  // 1.1 s; the fourth waits in the backend queue until a frees at 1 s.
  const std::string limited = "  - { name: a, max_conns: 1 }\n  - { name: b, max_conns: 2 }\n";
  const auto s = run(scenario("{ algorithm: first }", limited));
  CHECK(s.completed == 4);
  CHECK(s.servers.at(0).completed == 2);
  CHECK(s.servers.at(1).completed == 2);
  CHECK(s.latency_mean_s == Approx((1.0 + 1.0 + 1.9 + 1.7) / 4));
  // A server without max_conns is never full: once reached, it takes what the others cannot.
  const auto open = run(scenario("{ algorithm: first }", limited + "  - { name: c }\n"));
  CHECK(open.servers.at(2).completed == 1);
  CHECK(open.latency_mean_s == Approx((1.0 + 1.0 + 1.9 + 1.0) / 4));
}

TEST_CASE("max_conns and the queue keys are checked", "[max_conns][balancer]")
{
  using lbsim::test::load_error;
  const auto error = [](const std::string& text) { return load_error(text); };
  CHECK_THAT(error(scenario("{}", "  - { name: a, max_conns: 0 }\n")), Contains("max_conns"));
  CHECK_THAT(error(scenario("{ queue: false, queue_timeout: 2 s }", "  - { name: a, max_conns: 1 }\n")),
             Contains("queue: false has none"));
  CHECK_THAT(error("name: x\nduration: 1 s\nclients:\n  - arrivals: { process: poisson, rate: 1/s }\n"
                   "    mix: [{ work: 1 ms }]\nservers:\n  - { name: a, max_conns: 3 }\n"),
             Contains("only a balancer reads"));
}
