// Closed-loop users and sessions (docs/users.md): what the loader refuses, and runs whose numbers
// follow from the semantics alone (no queueing theory: that is tests/validation/closed_loop_test.cpp).
#include "scenarios/format/loader.hpp"
#include "scenarios/runner.hpp"
#include "tests/support/load_error.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>

using namespace lbsim;
using lbsim::test::load_error;

namespace {

std::string scenario(const std::string& arrivals, const std::string& extra = "", const std::string& stop = "duration: 100 s")
{
  return "name: users\nseed: 5\n" + stop +
         "\nclients:\n  - name: users\n    arrivals: " + arrivals +
         "\n    mix:\n      - {method: GET, path: /, work: 10 ms}\nservers:\n  - {name: s, cores: 64}\n" + extra;
}

models::RunSummary run(const std::string& text)
{
  return scenarios::run_scenario(scenarios::load_scenario_text(text, "users.yaml", "."), "");
}

std::string read_example(const std::string& name)
{
  std::ifstream in(std::string(LBSIM_SOURCE_DIR) + "/examples/" + name);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("closed and sessions arrivals refuse bad input with the place and what was expected", "[closed]")
{
  CHECK(load_error(scenario("{process: closed, users: 0, think_time: 1 s}")) ==
        "6:40: clients[0].arrivals.users must be at least 1, got 0");
  CHECK_THAT(load_error(scenario("{process: closed, users: 5}")),
             Catch::StartsWith("6:15: ") && Catch::Contains("think_time"));
  CHECK_THAT(load_error(scenario("{process: closed, think_time: 1 s}")),
             Catch::StartsWith("6:15: ") && Catch::Contains("users"));
  CHECK_THAT(load_error(scenario("{process: closed, users: 5, think_time: 1 s, rate: 10/s}")),
             Catch::StartsWith("6:60: ") && Catch::Contains("rate belongs to the open processes") &&
                 Catch::Contains("not to process closed"));
  CHECK_THAT(load_error(scenario("{process: closed, users: 5, think_time: 1 s, mean_on: 1 s}")),
             Catch::Contains("mean_on belongs to bursty"));
  CHECK_THAT(load_error(scenario("{process: closed, users: 5, think_time: 0 s}")),
             Catch::StartsWith("6:55: ") && Catch::Contains("think_time has a mean of 0"));
  CHECK_THAT(load_error(scenario("{process: closed, users: 5, think_time: {distribution: exponential}}")),
             Catch::Contains("mean"));
  CHECK_THAT(load_error(scenario("{process: sessions, rate: 1/s, think_time: 1 s}")),
             Catch::StartsWith("6:15: ") && Catch::Contains("requests"));
  CHECK_THAT(load_error(scenario("{process: sessions, rate: 1/s, requests: 0, think_time: 1 s}")),
             Catch::Contains("requests must be at least 1"));
  CHECK_THAT(load_error(scenario("{process: sessions, rate: 1/s, requests: {distribution: geometric, mean: 0.5}, "
                                 "think_time: 1 s}")),
             Catch::Contains("requests.mean"));
  CHECK_THAT(load_error(scenario("{process: sessions, rate: 1/s, requests: 3, think_time: 1 s, users: 4}")),
             Catch::Contains("users belongs to closed"));
  CHECK_THAT(load_error(scenario("{process: poisson, rate: 1/s, users: 4}")), Catch::Contains("unknown key \"users\""));
  // A closed group has no rate for the timeline to step.
  CHECK_THAT(load_error(scenario("{process: closed, users: 5, think_time: 1 s}",
                                 "timeline:\n  - {at: 10 s, rate: 5/s, clients: users}\n")),
             Catch::Contains("is closed"));
  CHECK(load_error(scenario("{process: closed, users: 5, think_time: 1 s}")) == "no error");
  CHECK(load_error(scenario("{process: sessions, rate: 2/s, requests: {distribution: uniform, min: 1, max: 9}, "
                            "think_time: {distribution: exponential, mean: 1 s}}")) == "no error");
}

TEST_CASE("closed users with constant think and work cycle exactly: X = N / (Z + S), at most N in flight", "[closed]")
{
  // 64 cores for 20 users: nobody ever waits, so each user's cycle is Z + S = 1.01 s exactly.
  const models::RunSummary s = run(scenario("{process: closed, users: 20, think_time: 1 s}", "", "warmup: 10 s\nduration: 1000 s"));
  CHECK(s.throughput_rps == Approx(20.0 / 1.01).epsilon(1e-3));
  CHECK(s.latency_mean_s == Approx(0.010).epsilon(1e-9));
  CHECK(s.in_flight_at_end <= 20);
  CHECK(s.rejected == 0);
  // The same seed gives the same run; another seed staggers the users differently.
  const models::RunSummary again = run(scenario("{process: closed, users: 20, think_time: 1 s}", "", "warmup: 10 s\nduration: 1000 s"));
  CHECK(again.fingerprint == s.fingerprint);
}

TEST_CASE("a closed run stops at stop.requests, and the users' number bounds what is in flight", "[closed]")
{
  const std::string text = "name: users\nseed: 5\nstop: {requests: 5000}\nclients:\n  - name: users\n    arrivals: "
                           "{process: closed, users: 30, think_time: {distribution: exponential, mean: 100 ms}}\n"
                           "    mix:\n      - {method: GET, path: /, work: {distribution: exponential, mean: 10 ms}}\n"
                           "servers:\n  - {name: s, cores: 1}\n";
  const models::RunSummary s = run(text);
  CHECK(s.completed == 5000);
  CHECK_FALSE(s.stopped_early);
  CHECK(s.in_flight_at_end <= 30);
  // Saturated (N* = 11): the server is the bottleneck, X close to 1 / S = 100/s and never above.
  CHECK(s.throughput_rps <= 100.0 * 1.05);
  CHECK(s.throughput_rps > 85.0);
}

TEST_CASE("sessions send their drawn number of requests: arrivals = session rate x mean length", "[closed]")
{
  // Constant lengths: 3 requests a session, 2 sessions a second, over 2000 s: 12000 requests
  // (Poisson count: sd 1.7% of it).
  const models::RunSummary three =
      run(scenario("{process: sessions, rate: 2/s, requests: 3, think_time: 1 s}", "", "duration: 2000 s"));
  CHECK(static_cast<double>(three.arrived) == Approx(12000).epsilon(0.06));
  // Geometric lengths of mean 5 (sd of a session's count sqrt(20)): 20000 requests, sd about 2.4%.
  const models::RunSummary geometric =
      run(scenario("{process: sessions, rate: 2/s, requests: {distribution: geometric, mean: 5}, think_time: "
                   "{distribution: exponential, mean: 1 s}}",
                   "", "duration: 2000 s"));
  CHECK(static_cast<double>(geometric.arrived) == Approx(20000).epsilon(0.08));
  // In flight: a session has at most one request out; Little: 2/s x 5 x 10 ms = 0.1 on average.
  CHECK(geometric.little_l == Approx(0.1).epsilon(0.1));
  // Rate steps apply to sessions (their arrivals), as to open groups.
  const models::RunSummary stepped =
      run(scenario("{process: sessions, rate: 2/s, requests: 3, think_time: 1 s}",
                   "timeline:\n  - {at: 1000 s, rate: 4/s, clients: users}\n", "duration: 2000 s"));
  CHECK(static_cast<double>(stepped.arrived) == Approx(18000).epsilon(0.06));
}

TEST_CASE("closed users work with a network, services and a gateway", "[closed]")
{
  const std::regex arrivals(R"(arrivals: *\{[^}]*\})");
  const std::string closed = "arrivals: { process: closed, users: 100, think_time: { distribution: exponential, mean: 500 ms } }";
  for (const char* example : {"quickstart-network.yaml", "microservices.yaml", "api-gateway.yaml"}) {
    INFO(example);
    std::string text = std::regex_replace(read_example(example), arrivals, closed);
    REQUIRE(text.find("process: closed") != std::string::npos);
    const models::RunSummary s =
        scenarios::run_scenario(scenarios::load_scenario_text(text, example, std::string(LBSIM_SOURCE_DIR) + "/examples"), "");
    CHECK(s.completed > 1000);
    CHECK(s.in_flight_at_end <= 100);
    // Without refusals or failures, the interactive response time law holds for the measured X:
    // R = N/X - Z (each user's cycle is a response and a think time), up to the ends of the window.
    if (s.rejected == 0 && s.failed == 0)
      CHECK(100.0 / s.throughput_rps - 0.5 == Approx(s.latency_mean_s).epsilon(0.05));
  }
}

// The teaching pair of docs/users.md and docs/teaching.md: the same server, 120/s offered as an
// open stream or by 120 users thinking a second each.
TEST_CASE("teaching: open load past capacity queues without bound, closed users cannot", "[closed][teaching]")
{
  const std::string dir = std::string(LBSIM_SOURCE_DIR) + "/examples/teaching/";
  const models::RunSummary open =
      scenarios::run_scenario(scenarios::load_scenario_file(dir + "users-open-overload.yaml"), "");
  const models::RunSummary closed =
      scenarios::run_scenario(scenarios::load_scenario_file(dir + "users-closed-overload.yaml"), "");
  // Open: 120/s in, 100/s out: about 20 a second pile up, 2400 over the 2 minutes.
  CHECK(open.in_flight_at_end > 1500);
  CHECK(open.latency_mean_s > 5.0);
  // Closed: at most the 120 users' requests; the server runs at (nearly) its 100/s.
  CHECK(closed.in_flight_at_end <= 120);
  CHECK(closed.throughput_rps == Approx(100).epsilon(0.03));
  // The response time law R = N/X - Z on the run's own X, within 5% (the window's ends).
  CHECK(closed.latency_mean_s == Approx(120.0 / closed.throughput_rps - 1.0).epsilon(0.05));
  // And the analytic line is MVA's.
  REQUIRE(closed.analytic);
  CHECK(closed.analytic->model.rfind("MVA", 0) == 0);
  CHECK(closed.latency_mean_s == Approx(closed.analytic->mean_s).epsilon(0.1));
}

// A closed-loop user whose request times out stops waiting then: it thinks and sends its next
// request (the late answer reaches nobody). A retry after a timeout is the same user's request.
// Every answer here is late: one 1-core server, 2 s of work, a 1 s timeout; users think 1 s.
TEST_CASE("closed-loop users go on after a client timeout, and retry as the same user", "[closed][timeout]")
{
  const std::string base = "name: impatient\nseed: 1\nduration: 60 s\nclients:\n  - name: users\n"
                           "    arrivals: {process: closed, users: 3, think_time: 1 s}\n"
                           "    mix:\n      - {method: GET, path: /, work: 2 s, timeout: 1 s";
  const std::string servers = "}\nservers:\n  - {name: s}\n";
  // No retry: send at 1 s, give up at 2 s, think, send at 3 s ... 30 requests per user by 60 s.
  const models::RunSummary plain = run(base + servers);
  CHECK(plain.arrived == 90u);
  CHECK(plain.completed == 0u);
  REQUIRE(plain.client);
  CHECK(plain.client->timed_out >= 87u);
  // One retry: give up after two attempts (2 s), think, send: 20 user requests each.
  const models::RunSummary retried = run(base + ", retries: {max: 1}" + servers);
  CHECK(retried.arrived == 60u);
  REQUIRE(retried.client);
  CHECK(retried.client->retried >= 57u);
  CHECK(retried.client->retried <= 60u);
}
