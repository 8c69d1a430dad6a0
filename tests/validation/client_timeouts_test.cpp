// Client timeouts and retries (docs/clients.md): hand-worked runs with exact outcomes, and the
// share of requests timed out against the M/M/1 response-time tail.
#include "tests/validation/validation_support.hpp"

#include <cmath>

using namespace lbsim::validation;

namespace {

lbsim::models::RunSummary run_text(const std::string& yaml)
{
  return lbsim::scenarios::run_scenario(lbsim::scenarios::load_scenario_text(yaml, "client.yaml", "."), "");
}

// Two requests of 3 s at 0 s on one FIFO core, the client giving up after 2 s.
std::string two_slow_requests(const std::string& extra)
{
  return R"(name: two-slow
seed: 1
clients:
  - name: a
    arrivals: {process: script, requests: [{at: 0 s, client: 10.0.0.1}, {at: 0 s, client: 10.0.0.1}]}
    mix: [{method: GET, path: /, work: 3 s, timeout: 2 s)" +
         extra + R"(}]
servers:
  - {name: s, cores: 1}
)";
}

}  // namespace

TEST_CASE("client timeout: the server still serves what nobody waits for", "[timeout]")
{
  // Both time out at 2 s; the server ends the first at 3 s and the second at 6 s: 6 s of work
  // abandoned, two late 200s dropped.
  const auto s = run_text(two_slow_requests(""));
  REQUIRE(s.client);
  CHECK(s.arrived == 2);
  CHECK(s.completed == 0);
  CHECK(s.client->timed_out == 2);
  CHECK(s.client->late == 2);
  CHECK(s.client->abandoned_work_s == Approx(6.0).epsilon(1e-9));
  CHECK(s.end_time_s == Approx(6.0).epsilon(1e-9));
}

TEST_CASE("client timeout with cancel_on_timeout: the server drops it from service and from the queue", "[timeout]")
{
  // At 2 s the first has had 2 s of its 3 s (abandoned), the second leaves the queue unserved.
  const auto s = run_text(two_slow_requests(", cancel_on_timeout: true"));
  REQUIRE(s.client);
  CHECK(s.client->timed_out == 2);
  CHECK(s.client->late == 0);
  CHECK(s.client->abandoned_work_s == Approx(2.0).epsilon(1e-9));
  CHECK(s.end_time_s == Approx(2.0).epsilon(1e-9));
  CHECK(s.servers.at(0).completed == 0);
}

namespace {
// A (1 s) at 0 s holds the only core (no waiting room); B (1 s) at 0.5 s is refused (503).
std::string refused_then_retried(const std::string& method, const std::string& retries)
{
  return R"(name: retry
seed: 1
clients:
  - name: a
    arrivals: {process: script, requests: [{at: 0 s, client: 10.0.0.1}, {at: 0.5 s, client: 10.0.0.1}]}
    mix: [{method: )" +
         method + R"(, path: /, work: 1 s, retries: )" + retries + R"(}]
servers:
  - {name: s, cores: 1, queue_limit: 0}
)";
}
}  // namespace

TEST_CASE("client retries: a 503 is retried after the backoff, latency runs from the first send", "[retries]")
{
  // B is retried at 1.5 s (constant backoff 1 s), finds the core free (A ended at 1 s) and ends
  // at 2.5 s: 2 s after its first send.
  const auto s = run_text(refused_then_retried("GET", "{max: 2, backoff: {constant: 1 s}}"));
  REQUIRE(s.client);
  CHECK(s.arrived == 2);
  CHECK(s.completed == 2);
  CHECK(s.rejected == 0);
  CHECK(s.client->retried == 1);
  CHECK(s.latency_max_s == Approx(2.0).epsilon(1e-9));
  CHECK(s.latency_min_s == Approx(1.0).epsilon(1e-9));
}

TEST_CASE("client retries: POST is not retried unless non_idempotent", "[retries]")
{
  const auto post = run_text(refused_then_retried("POST", "{max: 2, backoff: {constant: 1 s}}"));
  CHECK(post.completed == 1);
  CHECK(post.rejected == 1);
  CHECK(post.client->retried == 0);
  const auto forced = run_text(refused_then_retried("POST", "{max: 2, backoff: {constant: 1 s}, non_idempotent: true}"));
  CHECK(forced.completed == 2);
  CHECK(forced.client->retried == 1);
}

TEST_CASE("client retries: exponential backoff without jitter doubles, and max bounds the attempts", "[retries]")
{
  // B is refused at 0.5 s; A holds the core until 1 s only, so B's first retry (base 0.1 s, at
  // 0.6 s) is refused, the second (0.2 s later, at 0.8 s) too, and with max 2 it fails.
  const auto s = run_text(refused_then_retried("GET", "{max: 2, backoff: {exponential: {base: 100 ms, cap: 1 s, jitter: none}}}"));
  CHECK(s.completed == 1);
  CHECK(s.rejected == 1);
  CHECK(s.client->retried == 2);
  // With max 3 the third retry (0.4 s later, at 1.2 s) finds the core free and ends at 2.2 s.
  const auto three = run_text(refused_then_retried("GET", "{max: 3, backoff: {exponential: {base: 100 ms, cap: 1 s, jitter: none}}}"));
  CHECK(three.completed == 2);
  CHECK(three.client->retried == 3);
  CHECK(three.latency_max_s == Approx(1.7).epsilon(1e-9));
}

// M/M/1 FIFO with a client timeout T that the server does not notice: the queue is the plain
// M/M/1 (timed-out requests are still served), whose response time is exponential with rate
// mu - lambda, so the share timed out is exp(-(mu - lambda) T); at light load that tends to
// exp(-mu T). lambda 0.05/s, mu 1/s, T = 2 s: 0.1496 (exp(-mu T) = 0.1353, 10% below, which
// the interval here tells apart). Required 95% half-width: 2% of the share.
TEST_CASE("client timeout: the share timed out is the M/M/1 response-time tail", "[validation][timeout]")
{
  const double lambda = 0.05, mu = 1.0, t = 2.0;
  Case c;
  c.name = "mm1-timeout";
  c.rate_per_s = lambda;
  c.work = "{distribution: exponential, mean: 1 s}, timeout: 2 s";
  c.warmup_s = 100;
  c.requests = 100000;
  const auto runs = run_replications(c);
  const auto share = per_run(runs, [](const lbsim::models::RunSummary& s) {
    return static_cast<double>(s.client->timed_out) / static_cast<double>(s.client->timed_out + s.completed);
  });
  const double exact = std::exp(-(mu - lambda) * t);
  std::printf("light-load limit exp(-mu T) = %.6g\n", std::exp(-mu * t));
  check_value("M/M/1 rho 0.05 share timed out (T = 2 s)", share, exact, 0.02 * exact);
  // Nothing is cancelled: every timed-out request is served in the end and answers late.
  for (const auto& s : runs) CHECK(s.client->late + s.in_flight_at_end >= s.client->timed_out);
}

namespace {
std::string with_type(const std::string& type)
{
  return "name: t\nduration: 1 s\nclients:\n  - name: u\n    arrivals: {process: poisson, rate: 1/s}\n    mix: [" + type +
         "]\nservers:\n  - {name: s}\n";
}
std::string load_error(const std::string& type)
{
  try {
    lbsim::scenarios::load_scenario_text(with_type(type), "t.yaml", ".");
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("client timeouts and retries: bad input names the line and what was expected", "[timeout][retries]")
{
  CHECK_THAT(load_error("{work: 1 ms, cancel_on_timeout: true}"), Catch::Contains("t.yaml:6:") && Catch::Contains("needs a timeout"));
  CHECK_THAT(load_error("{work: 1 ms, retries: {backoff: none}}"), Catch::Contains("max"));
  CHECK_THAT(load_error("{work: 1 ms, retries: {max: 2, backoff: fast}}"), Catch::Contains("\"fast\" is not a backoff"));
  CHECK_THAT(load_error("{work: 1 ms, retries: {max: 2, backoff: {exponential: {base: 1 s, cap: 1 ms}}}}"),
             Catch::Contains("cap is below base"));
  CHECK_THAT(load_error("{work: 1 ms, retries: {max: 2, backoff: {exponential: {base: 1 s, jitter: half}}}}"),
             Catch::Contains("full, equal, none"));
  CHECK_THAT(load_error("{work: 1 ms, timeout: 0 s}"), Catch::Contains("timeout"));
  // An unknown method is a warning, not an error.
  const auto c = lbsim::scenarios::load_scenario_text(with_type("{method: FETCH, work: 1 ms}"), "t.yaml", ".");
  REQUIRE(c.warnings.size() == 1);
  CHECK_THAT(c.warnings[0], Catch::Contains("t.yaml:6:") && Catch::Contains("FETCH") && Catch::Contains("warning"));
  CHECK(lbsim::scenarios::load_scenario_text(with_type("{method: PATCH, work: 1 ms}"), "t.yaml", ".").warnings.empty());
}

namespace {
// A request of 2 s at 0 s goes to a (round robin's first), which fails at 1 s; the balancer may
// send it to b (retries: 1).
lbsim::models::RunSummary failed_over(const std::string& method, const std::string& balancer_extra)
{
  return run_text(R"(name: failover
seed: 1
clients:
  - name: a
    arrivals: {process: script, requests: [{at: 0 s, client: 10.0.0.1}]}
    mix: [{method: )" + method + R"(, path: /, work: 2 s}]
balancer: {algorithm: round_robin, retries: 1)" + balancer_extra + R"(}
servers:
  - {name: a}
  - {name: b}
timeline:
  - {at: 1 s, fail: a}
)");
}
}  // namespace

TEST_CASE("balancer retries: only idempotent methods, unless retry_non_idempotent", "[retries][methods]")
{
  CHECK(failed_over("GET", "").completed == 1);
  CHECK(failed_over("PUT", "").completed == 1);
  const auto post = failed_over("POST", "");
  CHECK(post.completed == 0);
  CHECK(post.failed == 1);
  CHECK(failed_over("POST", ", retry_non_idempotent: true").completed == 1);
  CHECK(failed_over("PATCH", "").completed == 0);
}
