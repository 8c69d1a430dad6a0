// What the loader refuses in a gateway scenario (docs/gateway.md, "Errors"), each at its line and
// column with what was expected: the contract's own examples (services-and-gateway.md, "Results")
// and the mistakes a user of nginx, Envoy or Kong would make when moving a configuration over.
#include "scenarios/format/loader.hpp"
#include "tests/support/load_error.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace lbsim;
using namespace lbsim::scenarios;
using Catch::Contains;

namespace {

std::string error_of(const std::string& text) { return lbsim::test::load_error(text); }

// Two services and a gateway in front of them; `routes`, `extra` and `clients_extra` vary per case.
std::string scenario(const std::string& routes, const std::string& extra = "", const std::string& clients_extra = "")
{
  return "name: gw\n"                                                                     // 1
         "duration: 10 s\n"                                                                // 2
         "clients:\n"                                                                      // 3
         "  - arrivals: {process: poisson, rate: 10/s}\n"                                  // 4
         "    mix: [{method: GET, path: /api/users/1}]\n" +                                // 5
         clients_extra +
         "services:\n"
         "  - {name: users, servers: [{name: u}], endpoints: [{prefix: /, work: 1 ms}]}\n"
         "  - {name: orders, servers: [{name: o}], endpoints: [{prefix: /, work: 1 ms}]}\n"
         "gateway:\n"
         "  name: edge\n" +
         extra + "  routes:\n" + routes;
}

}  // namespace

TEST_CASE("gateway errors: a route's unknown service, with a suggestion", "[gateway][errors]")
{
  const std::string text = scenario("    - {name: orders, match: {prefix: /api/orders}, service: order}\n");
  CHECK_THAT(error_of(text), Contains("12:61:") && Contains("\"order\" is not known; did you mean \"orders\"?"));
}

TEST_CASE("gateway errors: a route that can never match", "[gateway][errors]")
{
  const std::string text = scenario("    - {name: all, match: {prefix: /api}, service: users}\n"
                                    "    - {name: users, match: {prefix: /api/users}, service: users}\n");
  CHECK_THAT(error_of(text), Contains("13:28:") && Contains("route \"users\" can never match: the earlier route \"all\""));
}

TEST_CASE("gateway errors: rate limits that cannot mean what they say", "[gateway][errors]")
{
  const std::string route = "    - {name: users, match: {prefix: /api/users}, service: users}\n";
  // nginx: a delay above the burst lets every excess request through undelayed.
  CHECK_THAT(error_of(scenario(route, "  rate_limits: [{name: ip, algorithm: leaky_bucket, key: ip, rate: 10/s, "
                                      "burst: 20, delay: 25}]\n")),
             Contains("11:") && Contains("delay (25) exceeds burst (20): every excess request would pass undelayed; "
                                         "use nodelay"));
  // Envoy's timer refill has a floor of 50 ms.
  CHECK_THAT(error_of(scenario(route, "  rate_limits: [{name: ip, algorithm: token_bucket, key: ip, rate: 10/s, "
                                      "burst: 10, refill: interval, fill_interval: 20 ms}]\n")),
             Contains("11:") && Contains("fill_interval is 20 ms; Envoy requires >= 50 ms for refill: interval"));
  // A route naming a limit that does not exist.
  CHECK_THAT(error_of(scenario("    - {name: users, match: {prefix: /api/users}, service: users, rate_limits: [ip]}\n")),
             Contains("12:") && Contains("the gateway has none"));
}

TEST_CASE("gateway errors: caching a POST needs allow_unsafe (RFC 9111)", "[gateway][errors]")
{
  const std::string route = "    - {name: create-order, match: {methods: [POST], prefix: /api/orders}, service: orders, "
                            "cache: {ttl: 1 s}}\n";
  CHECK_THAT(error_of(scenario(route)),
             Contains("12:") && Contains("cache on route \"create-order\" matches only POST; responses to POST are not "
                                         "cacheable by default (RFC 9111); add allow_unsafe: true"));
  const std::string allowed = "    - {name: create-order, match: {methods: [POST], prefix: /api/orders}, service: "
                              "orders, cache: {ttl: 1 s, allow_unsafe: true}}\n"
                              "    - {name: users, match: {prefix: /api/users}, service: users}\n";
  CHECK(error_of(scenario(allowed)) == "no error");
}

TEST_CASE("gateway errors: what the clients need from the gateway and the gateway from the clients", "[gateway][errors]")
{
  const std::string route = "    - {name: users, match: {prefix: /api/users}, service: users}\n";
  // Cross-origin browsers send preflights that only a gateway with cors answers.
  CHECK_THAT(error_of(scenario(route, "", "    cross_origin: 100%\n")),
             Contains("6:") && Contains("cross-origin browsers"));
  // API keys are drawn per client; a gateway that checks them needs to know how many there are.
  CHECK_THAT(error_of(scenario(route, "  auth: {kind: api_key}\n")), Contains("api_keys"));
  // Preflights forwarded to the services are not modelled: refused, never silently ignored.
  CHECK_THAT(error_of(scenario(route, "  cors: {forward_preflight: true}\n")),
             Contains("11:") && Contains("forward_preflight: true") && Contains("not"));
  // With a gateway, clients send to it, not to a service of their own.
  CHECK_THAT(error_of(scenario(route, "", "    service: users\n")),
             Contains("6:") && Contains("with a gateway, clients send to it"));
  // Gateway keys of the clients without a gateway.
  CHECK_THAT(error_of("name: x\nduration: 1 s\nclients:\n  - arrivals: {process: poisson, rate: 1/s}\n"
                      "    mix: [{path: /}]\n    cross_origin: 50%\nservers: [{name: s}]\n"),
             Contains("6:") && Contains("the scenario has no"));
}

TEST_CASE("gateway errors: a gateway needs services to route to", "[gateway][errors]")
{
  CHECK_THAT(error_of("name: x\nduration: 1 s\nclients:\n  - arrivals: {process: poisson, rate: 1/s}\n"
                      "servers: [{name: s}]\ngateway: {name: g, routes: [{name: r, match: {prefix: /}, service: s}]}\n"),
             Contains("a gateway routes to services; write the servers as services: [...]"));
  CHECK_THAT(error_of(scenario("    - {name: users, match: {path: api/users}, service: users}\n")),
             Contains("12:") && Contains("must start with /"));
  CHECK_THAT(error_of(scenario("    - {name: users, match: {prefix: /api/users}, service: users, aggregate: "
                               "{backends: [{service: orders}]}}\n")),
             Contains("12:") && Contains("needs exactly one of service"));
}
