// Users who walk steps (a REST sequence carrying an id), session times and sessions whose state a
// server lost (docs/users.md, "Steps" and "Sessions in the results"): what the loader refuses,
// and runs whose numbers follow from the semantics alone.
#include "models/gateway/access_log.hpp"
#include "models/requests/hop_observer.hpp"
#include "models/system.hpp"
#include "scenarios/format/loader.hpp"
#include "scenarios/runner.hpp"
#include "tests/support/load_error.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <string>
#include <vector>

using namespace lbsim;
using lbsim::test::load_error;

namespace {

const std::string kSteps = "    steps:\n"
                           "      - {method: GET, path: /a, work: 10 ms}\n"
                           "      - {method: GET, path: /b, work: 10 ms}\n";

std::string scenario(const std::string& arrivals, const std::string& body = kSteps, const std::string& extra = "",
                     const std::string& stop = "duration: 100 s")
{
  return "name: steps\nseed: 5\n" + stop + "\nclients:\n  - name: users\n    arrivals: " + arrivals + "\n" + body +
         "servers:\n  - {name: s, cores: 64}\n" + extra;
}

models::RunSummary run(const std::string& text)
{
  return scenarios::run_scenario(scenarios::load_scenario_text(text, "steps.yaml", "."), "");
}

const models::SessionSummary& only_sessions(const models::RunSummary& s)
{
  REQUIRE(s.sessions.size() == 1);
  return s.sessions.front();
}

}  // namespace

TEST_CASE("steps and session_state refuse bad input with the place and what was expected", "[steps]")
{
  const std::string closed = "{process: closed, users: 2, think_time: 1 s}";
  CHECK(load_error(scenario(closed)) == "no error");
  CHECK(load_error(scenario("{process: sessions, rate: 1/s, think_time: 1 s}")) == "no error");
  CHECK_THAT(load_error(scenario("{process: poisson, rate: 1/s}")),
             Catch::StartsWith("8:7: ") && Catch::Contains("they need users"));
  CHECK_THAT(load_error(scenario("{process: sessions, rate: 1/s, requests: 3, think_time: 1 s}")),
             Catch::StartsWith("6:56: ") && Catch::Contains("sends its steps, once each"));
  CHECK_THAT(load_error(scenario(closed, kSteps + "    mix: [{work: 1 ms}]\n")),
             Catch::Contains("has both mix and steps"));
  CHECK_THAT(load_error(scenario(closed, "    steps:\n      - {path: /a, work: 1 ms, probability: 50%}\n")),
             Catch::StartsWith("8:45: ") && Catch::Contains("the first step starts the user's sequence"));
  CHECK_THAT(load_error(scenario(closed, "    steps:\n      - {path: /a, work: 1 ms, think_time: 1 s}\n")),
             Catch::Contains("the first step starts the user's sequence"));
  CHECK_THAT(load_error(scenario(closed, kSteps + "      - {path: /c, work: 1 ms, probability: 0%}\n")),
             Catch::StartsWith("10:45: ") && Catch::Contains("probability is 0"));
  CHECK_THAT(load_error(scenario(closed, kSteps + "      - {path: /c, work: 1 ms, probability: 150%}\n")),
             Catch::Contains("probability"));
  CHECK_THAT(load_error(scenario(closed, kSteps + "      - {path: /c, work: 1 ms, share: 0.5}\n")),
             Catch::Contains("unknown key \"share\""));
  CHECK_THAT(load_error(scenario(closed, kSteps + "      - {path: /c, work: 1 ms, think_time: -1 s}\n")),
             Catch::Contains("think_time"));
  CHECK_THAT(load_error(scenario("{process: poisson, rate: 1/s}", "    session_state: server\n    mix: [{work: 1 ms}]\n")),
             Catch::StartsWith("7:20: ") && Catch::Contains("needs sessions"));
  CHECK_THAT(load_error(scenario(closed, kSteps + "    session_state: memory\n")),
             Catch::Contains("session_state") && Catch::Contains("server"));
  CHECK(load_error(scenario(closed, kSteps + "    session_state: server\n")) == "no error");
}

TEST_CASE("a closed user's pass through its steps is one session: times add up exactly", "[steps]")
{
  // One user, think 1 s before each pass, steps of 10 ms with 0 and 200 ms between them, a server
  // that is never busy: each pass takes 10 + 0 + 10 + 200 + 10 = 230 ms, and a cycle 1.23 s.
  const std::string steps = "    steps:\n"
                            "      - {method: GET, path: /a, work: 10 ms}\n"
                            "      - {method: GET, path: /b, work: 10 ms, think_time: 0 s}\n"
                            "      - {method: GET, path: /c, work: 10 ms, think_time: 200 ms}\n";
  const models::RunSummary s = run(scenario("{process: closed, users: 1, think_time: 1 s}", steps, "",
                                            "warmup: 10 s\nduration: 1000 s"));
  const models::SessionSummary& ss = only_sessions(s);
  CHECK(ss.lost == std::nullopt);
  CHECK(ss.completed >= 812);  // 1000 s / 1.23 s = 813.0
  CHECK(ss.completed <= 814);
  CHECK(ss.started - ss.completed <= 1);
  CHECK(ss.requests_mean == 3.0);
  CHECK(ss.time.mean_s == Approx(0.230).epsilon(1e-9));
  CHECK(ss.time.max_s == Approx(0.230).epsilon(1e-9));
  // Three requests a cycle: X = 3 / 1.23 s.
  CHECK(s.throughput_rps == Approx(3 / 1.23).epsilon(0.005));
}

TEST_CASE("a session without steps lasts its requests and the think times between them", "[steps]")
{
  // 4 requests of 10 ms, 1 s of thought between them: 3.04 s a session, whoever arrives when.
  const models::RunSummary s = run(
      scenario("{process: sessions, rate: 2/s, requests: 4, think_time: 1 s}", "    mix: [{work: 10 ms}]\n", "",
               "warmup: 10 s\nduration: 500 s"));
  const models::SessionSummary& ss = only_sessions(s);
  CHECK(ss.started == Approx(1000).margin(3 * std::sqrt(1000.0)));
  CHECK(ss.completed + 10 >= ss.started);  // only those of the last 3 s are under way at the end
  CHECK(ss.requests_mean == 4.0);
  CHECK(ss.time.mean_s == Approx(3.04).epsilon(1e-9));
  CHECK(ss.time.max_s == Approx(3.04).epsilon(1e-9));
}

namespace {
// Each user's steps, in the order its requests reached a server.
struct StepRecorder final : models::HopObserver {
  const models::System* system = nullptr;
  std::map<uint32_t, std::vector<uint32_t>> types_by_client;
  void on_hop(const models::Hop& hop) override
  {
    if (hop.outcome == models::HopOutcome::dispatched)
      types_by_client[system->client_address(hop.request)].push_back(hop.request.type);
  }
};
}  // namespace

TEST_CASE("users send their steps in order, each optional step with its probability", "[steps]")
{
  const std::string steps = kSteps + "      - {method: POST, path: /c, work: 10 ms, probability: 30%}\n";
  auto system = scenarios::build_system(scenarios::load_scenario_text(
      scenario("{process: closed, users: 3, think_time: {distribution: exponential, mean: 100 ms}}", steps, "",
               "duration: 600 s"),
      "steps.yaml", "."));
  StepRecorder recorder;
  recorder.system = system.get();
  system->set_hop_observer(&recorder);
  system->run();
  REQUIRE(recorder.types_by_client.size() == 3);
  uint64_t passes = 0, with_c = 0;
  for (const auto& [client, types] : recorder.types_by_client) {
    // Every pass is a b, or a b c: after a, b; after b, a or c; after c, a.
    for (size_t i = 0; i + 1 < types.size(); ++i) {
      const uint32_t now = types[i], next = types[i + 1];
      if (now == 0) CHECK(next == 1);
      if (now == 1) CHECK((next == 0 || next == 2));
      if (now == 2) CHECK(next == 0);
      if (now == 1 && i + 1 < types.size()) ++passes;
      if (now == 1 && next == 2) ++with_c;
    }
  }
  REQUIRE(passes > 5000);
  const double share = static_cast<double>(with_c) / static_cast<double>(passes);
  const double sd = std::sqrt(0.3 * 0.7 / static_cast<double>(passes));
  CHECK(std::abs(share - 0.3) < 4 * sd);
}

namespace {
struct AccessRecorder final : models::AccessLogSink {
  struct Row {
    std::string path;
    uint32_t resource;
  };
  std::map<uint32_t, std::vector<Row>> by_client;
  void on_access(const models::AccessLogRow& row) override { by_client[row.client].push_back({*row.path, row.resource}); }
};
}  // namespace

TEST_CASE("the id a step draws is carried by the later steps that name {id}", "[steps]")
{
  const std::string text = "name: carry\nseed: 9\nduration: 300 s\n"
                           "clients:\n  - name: readers\n    population: 1000000\n"
                           "    arrivals: {process: sessions, rate: 2/s, think_time: 1 s}\n"
                           "    steps:\n"
                           "      - {method: GET, path: \"/posts/{id}\", ids: {count: 1000}}\n"
                           "      - {method: GET, path: \"/posts/{id}/comments\"}\n"
                           "      - {method: POST, path: /comments}\n"
                           "services:\n  - name: blog\n    servers: [{name: blog, cores: 8}]\n"
                           "    endpoints: [{prefix: /, work: 1 ms}, {method: POST, prefix: /, work: 2 ms}]\n"
                           "gateway:\n  routes: [{name: all, match: {prefix: /}, service: blog}]\n";
  auto system = scenarios::build_system(scenarios::load_scenario_text(text, "carry.yaml", "."));
  AccessRecorder log;
  system->set_access_log(&log);
  system->run();
  uint64_t sessions = 0;
  std::map<uint32_t, uint64_t> ids;
  for (const auto& [client, rows] : log.by_client) {
    // A client of a million is one session (two that share one are too rare to matter here, and
    // would only append a whole second sequence).
    for (size_t i = 0; i + 2 < rows.size(); i += 3) {
      REQUIRE(rows[i].path == "/posts/{id}");
      REQUIRE(rows[i + 1].path == "/posts/{id}/comments");
      REQUIRE(rows[i + 2].path == "/comments");
      CHECK(rows[i].resource >= 1);
      CHECK(rows[i].resource <= 1000);
      CHECK(rows[i + 1].resource == rows[i].resource);
      CHECK(rows[i + 2].resource == 0);
      ++ids[rows[i].resource];
      ++sessions;
    }
  }
  REQUIRE(sessions > 500);
  CHECK(ids.size() > 300);  // drawn afresh for each session, uniformly over 1,000
}

TEST_CASE("session_state: server counts the sessions a server other than their own answered", "[steps]")
{
  // Sessions of two requests 1 s apart, a new one every 100 s on average: round robin sends a
  // session's second request to the other server, so it loses its state, unless another session's
  // request came in between (about 2% of them overlap one); sticky round robin keeps each client
  // on its server, so none does.
  const std::string body = "    population: 1000000\n    session_state: server\n    mix: [{work: 1 ms}]\n";
  auto text = [&](const std::string& algorithm) {
    return "name: lost\nseed: 3\nduration: 20000 s\nclients:\n  - name: users\n    arrivals: {process: sessions, "
           "rate: 0.01/s, requests: 2, think_time: 1 s}\n" +
           body + "balancer: {algorithm: " + algorithm + "}\nservers:\n  - {name: s, count: 2}\n";
  };
  const models::RunSummary rr = run(text("round_robin"));
  const models::SessionSummary& a = only_sessions(rr);
  REQUIRE(a.completed > 150);
  REQUIRE(a.lost);
  CHECK(*a.lost <= a.completed);
  CHECK(*a.lost >= a.completed * 95 / 100);
  const models::RunSummary sticky = run(text("sticky_round_robin"));
  const models::SessionSummary& b = only_sessions(sticky);
  REQUIRE(b.lost);
  CHECK(*b.lost == 0);
}

TEST_CASE("sticky sessions lose the state of the sessions on a server that fails, and ip_hash loses it twice", "[steps]")
{
  // examples/teaching/sessions-sticky-failure.yaml: about 50 sessions live on each of 4 servers
  // when web-2 fails (5 sessions/s of 40 s).
  const std::string file = std::string(LBSIM_SOURCE_DIR) + "/examples/teaching/sessions-sticky-failure.yaml";
  auto run_with = [&](const std::vector<std::string>& overrides) {
    return scenarios::run_scenario(scenarios::load_scenario_file(file, overrides), "");
  };
  const models::RunSummary sticky = run_with({});
  const models::SessionSummary& a = only_sessions(sticky);
  REQUIRE(a.lost);
  CHECK(*a.lost >= 25);
  CHECK(*a.lost <= 100);
  const models::RunSummary hashed = run_with({"balancer.algorithm=ip_hash"});
  const models::SessionSummary& b = only_sessions(hashed);
  CHECK(*b.lost > *a.lost * 3 / 2);  // lost again when web-2 takes its clients back
  const models::RunSummary rr = run_with({"balancer.algorithm=round_robin"});
  const models::SessionSummary& c = only_sessions(rr);
  // A session of k requests keeps its server with probability about (1/4)^(k-1): nearly all lose it.
  CHECK(*c.lost > c.started * 8 / 10);
}

TEST_CASE("a session's requests are counted as sent: a client retry is the same request", "[steps]")
{
  // Every attempt takes 10 ms and the client gives up after 5 ms, then retries once: each of the
  // session's 2 requests is sent twice and ends timed out, and the session still sent 2 requests.
  const models::RunSummary s = run(scenario(
      "{process: sessions, rate: 1/s, requests: 2, think_time: 1 s}",
      "    mix: [{method: GET, path: /, work: 10 ms, timeout: 5 ms, retries: {max: 1}}]\n", "", "duration: 300 s"));
  const models::SessionSummary& ss = only_sessions(s);
  REQUIRE(s.client);
  CHECK(s.client->retried == s.client->timed_out);
  CHECK(s.client->timed_out >= 2 * ss.completed);
  REQUIRE(ss.completed > 200);
  CHECK(ss.requests_mean == 2.0);
  // Two attempts of 5 ms each (the second's timeout ends the request), 1 s between the requests.
  CHECK(ss.time.mean_s == Approx(1.020).epsilon(1e-9));
}
