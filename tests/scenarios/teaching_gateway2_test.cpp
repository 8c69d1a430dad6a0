// More gateway teaching scenarios (examples/teaching/gateway-*.yaml, docs/teaching.md "The API
// gateway"): the same burst against the rate limiters, a gateway against none, and the
// service's balancer behind a route. Each against its hand calculation, and the exact figures
// docs/teaching.md quotes (the runs are deterministic).
#include "scenarios/format/loader.hpp"
#include "scenarios/runner.hpp"

#include <catch2/catch.hpp>

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
