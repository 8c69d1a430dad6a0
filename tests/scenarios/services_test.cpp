// Services and call graphs end to end (docs/services.md): what the loader reads and refuses, and
// what a request's calls cost, to the nanosecond, in scripted runs worked out by hand: sequential
// and parallel calls, work after the calls, a thread-per-request server against an event loop, a
// failed call, a server that fails while its calls are out, calls across a network.
#include "scenarios/format/loader.hpp"
#include "scenarios/runner.hpp"
#include "tests/support/load_error.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

using namespace lbsim;
using namespace lbsim::scenarios;
using Catch::Contains;

namespace {

std::string error_of(const std::string& text) { return lbsim::test::load_error(text); }

models::SystemConfig load(const std::string& text)
{
  try {
    return load_scenario_text(text, "services.yaml", ".");
  } catch (const ScenarioError& e) {
    FAIL("unexpected ScenarioError: " << e.what());
    throw;
  }
}

models::RunSummary run(const std::string& text) { return run_scenario(load(text), ""); }

const models::ServiceSummary& service(const models::RunSummary& s, const std::string& name)
{
  for (const models::ServiceSummary& x : s.services)
    if (x.name == name) return x;
  FAIL("no service " << name);
  throw;
}

// One client sending GET /a at each listed time (ms) to service `front`, which calls per `calls`.
std::string scripted(const std::vector<int>& at_ms, const std::string& services)
{
  std::string requests;
  for (int t : at_ms) requests += std::string(requests.empty() ? "" : ", ") + "{at: " + std::to_string(t) + " ms}";
  return "name: calls\nclients:\n  - name: c\n    arrivals: {process: script, requests: [" + requests +
         "]}\n    mix: [{method: GET, path: /a}]\nservices:\n" + services;
}

const char* kBCD = R"(  - name: b
    servers: [{name: b, cores: 8}]
    endpoints: [{method: GET, path: /b, work: 3 ms}]
  - name: c
    servers: [{name: c, cores: 8}]
    endpoints: [{method: GET, path: /c, work: 5 ms}]
  - name: d
    servers: [{name: d, cores: 8}]
    endpoints: [{method: GET, path: /d, work: 4 ms}]
)";

}  // namespace

TEST_CASE("services: the shared microservices example loads as written", "[services][loader]")
{
  const models::SystemConfig c = load_scenario_file(std::string(LBSIM_SOURCE_DIR) + "/examples/microservices.yaml");
  REQUIRE(c.services_section);
  REQUIRE(c.services.size() == 5);
  CHECK(c.services[0].name == "frontend");
  CHECK(c.services[0].balancer->name == "frontend");
  CHECK(c.services[0].balancer->algorithm == "round_robin");
  CHECK(c.services[2].balancer->algorithm == "round_robin");  // users: the default balancer
  const models::EndpointConfig& page = c.services[0].endpoints[0];
  REQUIRE(page.calls.size() == 2);
  CHECK(page.calls[0].parallel);
  CHECK(page.calls[0].service_index == 1);
  CHECK(page.calls[1].service_index == 2);
  CHECK(page.calls[0].response_bytes == 20e3);  // the called endpoint's response_size
  CHECK(page.work_after);
  const models::EndpointConfig& checkout = c.services[0].endpoints[1];
  CHECK_FALSE(checkout.calls[0].parallel);  // sequential by default
  CHECK(checkout.calls[1].service_index == 3);
  REQUIRE(c.clients.size() == 1);
  CHECK(c.clients[0].service == 0);
  CHECK(c.clients[0].mix[0].endpoint == 0);
  CHECK(c.clients[0].mix[1].endpoint == 1);
  CHECK(c.clients[0].mix[0].response_bytes == 30e3);  // the mix's own response_size wins
  CHECK_FALSE(c.clients[0].mix[0].work);              // the endpoint gives the work
}

TEST_CASE("services: endpoints match exactly, by pattern or by prefix, and by method", "[services][loader]")
{
  models::EndpointConfig exact, pattern, prefix;
  exact.method = "GET";
  exact.path = "/users/me";
  pattern.match = models::EndpointConfig::Match::pattern;
  pattern.path = "/users/{id}/orders";
  prefix.match = models::EndpointConfig::Match::prefix;
  prefix.path = "/static/";
  CHECK(exact.matches("GET", "/users/me"));
  CHECK_FALSE(exact.matches("POST", "/users/me"));
  CHECK_FALSE(exact.matches("GET", "/users/me/"));
  CHECK(pattern.matches("PUT", "/users/7/orders"));  // no method: any
  CHECK(pattern.matches("GET", "/users/{id}/orders"));
  CHECK_FALSE(pattern.matches("GET", "/users//orders"));  // {id} is one non-empty segment
  CHECK_FALSE(pattern.matches("GET", "/users/7/orders/1"));
  CHECK_FALSE(pattern.matches("GET", "/users/7"));
  CHECK(prefix.matches("GET", "/static/app.js"));
  CHECK(prefix.matches("GET", "/static/"));
  CHECK_FALSE(prefix.matches("GET", "/static"));
}

TEST_CASE("services: mistakes are refused at their line with what was expected", "[services][loader][errors]")
{
  const std::string head = "name: bad\nduration: 1 s\nclients:\n  - arrivals: {process: poisson, rate: 1/s}\n"
                           "    mix: [{method: GET, path: /a}]\n";
  // A call to a service that does not exist, with a suggestion.
  CHECK_THAT(error_of(head + R"(services:
  - name: front
    servers: [{name: f}]
    endpoints: [{method: GET, path: /a, calls: [{service: ordrs, path: /o}]}]
  - name: orders
    servers: [{name: o}]
    endpoints: [{path: /o}]
)"),
             Contains("9:59:") && Contains("ordrs") && Contains("did you mean \"orders\"?"));
  // A call no endpoint of the called service answers.
  CHECK_THAT(error_of(head + R"(services:
  - name: front
    servers: [{name: f}]
    endpoints: [{method: GET, path: /a, calls: [{service: orders, method: POST, path: /o}]}]
  - name: orders
    servers: [{name: o}]
    endpoints: [{method: GET, path: /o}]
)"),
             Contains("9:87:") &&
                 Contains("the call POST /o to service \"orders\" matches none of its endpoints (GET /o)"));
  // A cycle, named.
  CHECK_THAT(error_of(head + R"(services:
  - name: users
    servers: [{name: u}]
    endpoints: [{method: GET, path: /a, calls: [{service: orders, path: /o}]}]
  - name: orders
    servers: [{name: o}]
    endpoints: [{path: /o, calls: [{service: users, path: /a}]}]
)"),
             Contains("call graph cycle users (GET /a) -> orders (any method /o) -> users (GET /a)"));
  // Services beside top-level servers.
  CHECK_THAT(error_of(head + "servers: [{name: s}]\nservices: [{name: x, servers: [{name: y}]}]\n"),
             Contains("6:1:") && Contains("top-level \"servers\" cannot be used together with \"services\""));
  // Work in the mix for a service whose endpoints say the work.
  CHECK_THAT(error_of("name: bad\nduration: 1 s\nclients:\n  - arrivals: {process: poisson, rate: 1/s}\n"
                      "    mix: [{method: GET, path: /a, work: 5 ms}]\n"
                      "services: [{name: x, servers: [{name: y}], endpoints: [{path: /a}]}]\n"),
             Contains("5:41:") && Contains("work is not used: service \"x\" has endpoints"));
  // A request type no endpoint answers.
  CHECK_THAT(error_of(head + "services: [{name: x, servers: [{name: y}], endpoints: [{path: /b}]}]\n"),
             Contains("5:11:") && Contains("(GET /a) matches no endpoint of service \"x\" (any method /b)"));
  // Without endpoints, the mix must say the work (the message of a scenario without services).
  CHECK_THAT(error_of(head + "services: [{name: x, servers: [{name: y}]}]\n"),
             Contains("5:11:") && Contains("clients[0].mix[0] has no \"work\"; it is required"));
  // A call to a service without endpoints has no work to do.
  CHECK_THAT(error_of(head + R"(services:
  - name: front
    servers: [{name: f}]
    endpoints: [{method: GET, path: /a, calls: [{service: plain, path: /o}]}]
  - name: plain
    servers: [{name: p}]
)"),
             Contains("service \"plain\" has no endpoints, so a call to it has no work to do"));
  // A service's balancer takes the service's name and has no processing of its own.
  CHECK_THAT(error_of(head + "services: [{name: x, balancer: {processing: 1 ms}, servers: [{name: y}]}]\n"),
             Contains("services[0].balancer.processing does not apply to a service's balancer"));
  // Server names are unique across services.
  CHECK_THAT(error_of(head + R"(services:
  - {name: a, servers: [{name: web}], endpoints: [{path: /a}]}
  - {name: b, servers: [{name: web}]}
)"),
             Contains("two servers are named \"web\""));
  // A client group's service, with a suggestion.
  CHECK_THAT(error_of("name: bad\nduration: 1 s\nclients:\n  - arrivals: {process: poisson, rate: 1/s}\n"
                      "    service: fronted\n    mix: [{method: GET, path: /a}]\n"
                      "services: [{name: frontend, servers: [{name: y}], endpoints: [{path: /a}]}]\n"),
             Contains("5:14:") && Contains("did you mean \"frontend\"?"));
  // A gateway without routes could not send anything anywhere.
  CHECK_THAT(error_of(head + "services: [{name: x, servers: [{name: y}]}]\ngateway: {name: gw}\n"),
             Contains("7:10:") && Contains("gateway has no \"routes\"; it is required"));
  CHECK_THAT(error_of(head + "services: [{name: x, servers: [{name: y}], outlier_detection: {base_ejection_time: "
                             "60 s, max_ejection_time: 30 s}}]\n"),
             Contains("max_ejection_time is below base_ejection_time"));
}

TEST_CASE("services: a call graph deeper than 32 is refused", "[services][loader][errors]")
{
  std::string text = "name: deep\nduration: 1 s\nclients:\n  - arrivals: {process: poisson, rate: 1/s}\n"
                     "    mix: [{method: GET, path: /a}]\nservices:\n";
  for (int i = 0; i <= 33; ++i) {
    text += "  - name: s" + std::to_string(i) + "\n    servers: [{name: m" + std::to_string(i) +
            "}]\n    endpoints: [{path: /a";
    if (i < 33) text += ", calls: [{service: s" + std::to_string(i + 1) + ", path: /a}]";
    text += "}]\n";
  }
  CHECK_THAT(error_of(text), Contains("nest 33 deep; at most 32 levels are allowed"));
}

TEST_CASE("services: a request's calls take what the hand computes", "[services][calls]")
{
  SECTION("sequential calls add up, and the work after them too")
  {
    const auto s = run(scripted({0}, R"(  - name: front
    servers: [{name: f}]
    endpoints:
      - {method: GET, path: /a, work: 2 ms, work_after: 1 ms,
         calls: [{service: b, path: /b}, {service: c, path: /c}]}
)" + std::string(kBCD)));
    CHECK(s.completed == 1);
    CHECK(s.latency_max_s == Approx(0.002 + 0.003 + 0.005 + 0.001).epsilon(1e-12));
    CHECK(service(s, "front").calls == 2);
    CHECK(service(s, "b").arrived == 1);
  }
  SECTION("parallel calls wait for the slowest")
  {
    const auto s = run(scripted({0}, R"(  - name: front
    servers: [{name: f}]
    endpoints:
      - {method: GET, path: /a, work: 2 ms, work_after: 1 ms,
         calls: [{service: b, path: /b, mode: parallel}, {service: c, path: /c, mode: parallel}]}
)" + std::string(kBCD)));
    CHECK(s.latency_max_s == Approx(0.002 + 0.005 + 0.001).epsilon(1e-12));
  }
  SECTION("consecutive parallel calls form one group; a sequential call waits for it")
  {
    const auto s = run(scripted({0}, R"(  - name: front
    servers: [{name: f}]
    endpoints:
      - method: GET
        path: /a
        work: 2 ms
        calls: [{service: b, path: /b, mode: parallel}, {service: c, path: /c, mode: parallel},
                {service: d, path: /d}]
        work_after: 1 ms
)" + std::string(kBCD)));
    CHECK(s.latency_max_s == Approx(0.002 + 0.005 + 0.004 + 0.001).epsilon(1e-12));
  }
  SECTION("a call with probability 0 < p < 1 is drawn per request")
  {
    std::vector<int> at;
    for (int i = 0; i < 2000; ++i) at.push_back(i);
    const auto s = run(scripted(at, R"(  - name: front
    servers: [{name: f, cores: 64}]
    endpoints: [{method: GET, path: /a, calls: [{service: b, path: /b, probability: 25%}]}]
)" + std::string(kBCD)));
    CHECK(s.completed == 2000);
    // Binomial(2000, 0.25): 500 +- 19.4; 5 standard deviations.
    CHECK(service(s, "b").arrived > 500 - 97);
    CHECK(service(s, "b").arrived < 500 + 97);
    CHECK(service(s, "front").calls == service(s, "b").arrived);
  }
}

// One core at the front, two requests at 0, each: 1 ms of work, a 10 ms call, 1 ms after it.
TEST_CASE("services: a thread-per-request server holds its core while its calls are out", "[services][hold_core]")
{
  const auto front = [](bool hold) {
    return std::string(R"(  - name: front
    servers: [{name: f, cores: 1}]
    endpoints:
      - {method: GET, path: /a, work: 1 ms, work_after: 1 ms, hold_core: )") +
           (hold ? "true" : "false") + R"(, calls: [{service: slow, path: /s}]}
  - name: slow
    servers: [{name: s, cores: 8}]
    endpoints: [{path: /s, work: 10 ms}]
)";
  };
  // Event loop: the second request's work runs while the first one's call is out; the first
  // one's work after waits behind nothing and ends at 12 ms, the second's at 13 ms.
  const auto loop = run(scripted({0, 0}, front(false)));
  CHECK(loop.latency_max_s == Approx(0.013).epsilon(1e-12));
  CHECK(loop.latency_mean_s == Approx(0.0125).epsilon(1e-12));
  // Thread per request: the second request waits for the first one's thread: 12 ms, then 24 ms.
  const auto threads = run(scripted({0, 0}, front(true)));
  CHECK(threads.latency_max_s == Approx(0.024).epsilon(1e-12));
  CHECK(threads.latency_mean_s == Approx(0.018).epsilon(1e-12));
  // The held core counts as busy: 24 ms of 24 (the whole run), against 4 ms of work without holding.
  CHECK(service(threads, "front").utilization == Approx(1.0).epsilon(1e-9));
  CHECK(service(loop, "front").utilization == Approx(0.004 / 0.013).epsilon(1e-9));
}

TEST_CASE("services: a failed call makes its request fail with 500", "[services][calls][errors]")
{
  // The database takes one request at a time and queues none: of two calls at once, one is refused.
  const auto s = run(scripted({0, 0}, R"(  - name: front
    servers: [{name: f, cores: 2}]
    endpoints: [{method: GET, path: /a, work: 1 ms, work_after: 1 ms, calls: [{service: db, path: /q}]}]
  - name: db
    servers: [{name: db, cores: 1, queue_limit: 0}]
    endpoints: [{path: /q, work: 5 ms}]
)"));
  CHECK(s.completed == 1);
  CHECK(s.failed == 1);
  CHECK(s.by_status.internal_error == 1);
  CHECK(service(s, "db").by_status.unavailable == 1);
  CHECK(service(s, "front").calls_failed == 1);
  CHECK(service(s, "front").by_status.internal_error == 1);
  // The failed one skips its work after the call: it ends at 1 ms; the other at 1 + 5 + 1 ms.
  CHECK(s.latency_max_s == Approx(0.007).epsilon(1e-12));
}

TEST_CASE("services: a server that fails while its calls are out fails its requests, late answers are dropped",
          "[services][calls][lifecycle]")
{
  const auto s = run(scripted({0}, R"(  - name: front
    servers: [{name: f}]
    endpoints: [{method: GET, path: /a, work: 1 ms, calls: [{service: slow, path: /s}]}]
  - name: slow
    servers: [{name: s}]
    endpoints: [{path: /s, work: 10 ms}]
timeline:
  - {at: 5 ms, fail: f}
)"));
  CHECK(s.completed == 0);
  CHECK(s.failed == 1);
  CHECK(s.by_status.bad_gateway == 1);
  CHECK(s.in_flight_at_end == 0);            // the late answer was recycled too
  CHECK(service(s, "slow").by_status.ok == 1);  // the called service did its work all the same
}

TEST_CASE("services: calls cross the network between services", "[services][network]")
{
  // client -(20 ms)- front -(0.5 ms)- f ; f -(1 ms)- back -(0.5 ms)- b, 0-byte messages:
  // 20 + 0.5 (to f), 2 ms work, f -> back 1 ms, back -> b 0.5, 3 ms work, back 0.5 + 1,
  // then f -> front 0.5, front -> client 20.
  const auto s = run(R"(name: net
clients:
  - name: c
    region: here
    arrivals: {process: script, requests: [{at: 0 s}]}
    mix: [{method: GET, path: /a}]
services:
  - name: front
    servers: [{name: f}]
    endpoints: [{method: GET, path: /a, work: 2 ms, calls: [{service: back, path: /b}]}]
  - name: back
    servers: [{name: b}]
    endpoints: [{path: /b, work: 3 ms}]
network:
  links:
    - {between: [here, front], bandwidth: 1 Gbps, latency: 20 ms}
    - {between: [front, f], bandwidth: 1 Gbps, latency: 0.5 ms}
    - {between: [f, back], bandwidth: 1 Gbps, latency: 1 ms}
    - {between: [back, b], bandwidth: 1 Gbps, latency: 0.5 ms}
)");
  CHECK(s.completed == 1);
  CHECK(s.latency_max_s == Approx(0.0205 + 0.002 + 0.0015 + 0.003 + 0.0015 + 0.0205).epsilon(1e-12));
  // The server time of the client's request is its whole stay at f, calls included.
  CHECK(s.latency_split.server_mean_s == Approx(0.002 + 0.0015 + 0.003 + 0.0015).epsilon(1e-12));
}

TEST_CASE("services: lbsim trace shows every hop with the request that made each call", "[services][trace]")
{
  const std::string command =
      std::string(LBSIM_BINARY) + " trace " + LBSIM_SOURCE_DIR + "/examples/microservices.yaml -n 3 2>&1";
  std::FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, pipe)) out += buffer;
  REQUIRE(pclose(pipe) == 0);
  CHECK_THAT(out, Catch::StartsWith("time_s,client,method,path,server,status,service,request,parent\n"));
  CHECK_THAT(out, Contains(",GET,/page,web-1,dispatched,frontend,1,\n"));
  CHECK_THAT(out, Contains(",GET,/items,catalog-1,dispatched,catalog,2,1\n"));
  CHECK_THAT(out, Contains(",GET,/profile,users,dispatched,users,3,1\n"));
}

TEST_CASE("services: the circuit breaker refuses beyond its limits at once (reference V21)", "[services][resilience]")
{
  // max_requests 1, no pending: of two requests at 0, the first is served in 10 ms, the second
  // refused at once with 503 (Envoy's UO).
  const auto v21 = run(scripted({0, 0}, R"(  - name: front
    circuit_breaker: {max_requests: 1, max_pending_requests: 0}
    servers: [{name: f, cores: 4}]
    endpoints: [{method: GET, path: /a, work: 10 ms}]
)"));
  CHECK(v21.completed == 1);
  CHECK(v21.rejected == 1);
  CHECK(v21.latency_max_s == Approx(0.010).epsilon(1e-12));
  CHECK(service(v21, "front").overflow == 1);
  // With one pending place the second waits for the first: 10 ms, then 20 ms; a third overflows.
  const auto pending = run(scripted({0, 0, 0}, R"(  - name: front
    circuit_breaker: {max_connections: 1, max_pending_requests: 1}
    servers: [{name: f, cores: 4}]
    endpoints: [{method: GET, path: /a, work: 10 ms}]
)"));
  CHECK(pending.completed == 2);
  CHECK(pending.rejected == 1);
  CHECK(pending.latency_max_s == Approx(0.020).epsilon(1e-12));
  CHECK(pending.latency_mean_s == Approx(0.015).epsilon(1e-12));
}

TEST_CASE("services: max_retries bounds the retries in progress, the failure is returned beyond it",
          "[services][resilience]")
{
  // Two servers, four requests at 0, round robin. The first reaches f-1 just before f-1 fails (the
  // timeline's failure at 0 comes after the arrival scheduled first) and is retried on f-2 (the
  // retry's pick moves round robin on too), so the second lands on the dead f-1, and so does the
  // fourth: their retries find the first one's still in progress (10 ms), and max_retries 1
  // returns their failures.
  const auto s = run(scripted({0, 0, 0, 0}, R"(  - name: front
    balancer: {algorithm: round_robin, retries: 1, passive: {max_fails: 0}}
    circuit_breaker: {max_retries: 1}
    servers: [{name: f, count: 2, cores: 8}]
    endpoints: [{method: GET, path: /a, work: 10 ms}]
timeline:
  - {at: 0 s, fail: f-1}
)"));
  CHECK(s.completed == 2);
  CHECK(s.failed == 2);
  CHECK(service(s, "front").retried == 1);
  CHECK(service(s, "front").retry_overflow == 2);
}

TEST_CASE("services: outlier detection ejects at the 5th consecutive 5xx, for 30 s, then 60 s (reference V20)",
          "[services][resilience]")
{
  const auto config = load(R"(name: v20
seed: 2
duration: 400 s
clients:
  - {name: c, arrivals: {process: poisson, rate: 100/s}, mix: [{method: GET, path: /x}]}
services:
  - name: api
    balancer: {algorithm: round_robin, passive: {max_fails: 0}}
    outlier_detection: {}
    servers: [{name: s, count: 10, cores: 4}]
    endpoints: [{path: /x, work: 1 ms}]
timeline:
  - {at: 0 s, fail: s-3}
)");
  auto system = build_system(config);
  const models::RunSummary s = system->run();
  std::vector<double> down, up;
  for (const models::LifecycleEvent& e : system->lifecycle_events()) {
    if (e.kind == "outlier_down") down.push_back(e.time.seconds());
    if (e.kind == "outlier_up") up.push_back(e.time.seconds());
  }
  // Five failures before each ejection (no retries): 5 ejections in 400 s, 25 failed requests.
  REQUIRE(down.size() == 5);
  CHECK(s.failed == 25);
  CHECK(service(s, "api").ejections == 5);
  // Round robin over 10 servers at 100/s: its 5th request after about 0.45 s.
  CHECK(down[0] < 1.0);
  // Ejections of 30, 60, 90, 120 s, each over at the first 10 s sweep after it ends.
  REQUIRE(up.size() == 4);
  for (size_t k = 0; k < up.size(); ++k) {
    const double length = 30.0 * static_cast<double>(k + 1);
    CHECK(up[k] >= down[k] + length);
    CHECK(up[k] < down[k] + length + 10.0);
    CHECK(std::fmod(up[k], 10.0) == Approx(0).margin(1e-9));
  }
}
