// The services teaching scenarios (examples/teaching/services-*.yaml, docs/teaching.md "Services
// and call graphs"): each against its hand calculation, and the figures docs/teaching.md quotes.
#include "scenarios/format/loader.hpp"
#include "scenarios/runner.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>
#include "tests/support/summary_lookup.hpp"

using namespace lbsim;
using namespace lbsim::scenarios;
using lbsim::test::service;
using lbsim::test::endpoint;
using lbsim::test::p99;

namespace {

models::RunSummary run(const std::string& name, const std::vector<std::string>& overrides = {})
{
  const std::string file = std::string(LBSIM_SOURCE_DIR) + "/examples/teaching/" + name + ".yaml";
  return run_scenario(load_scenario_file(file, overrides), "");
}

}  // namespace

TEST_CASE("teaching: a slow database raises every route that calls it, and only those", "[teaching][services]")
{
  const auto slow = run("services-slow-database");
  const auto& front = service(slow, "frontend");
  // The database: M/M/1 at 80/s and 100/s, W = 1 / (mu - lambda) = 50 ms; /orders adds 2 + 1 ms.
  CHECK(service(slow, "db").utilization == Approx(0.8).epsilon(0.01));
  CHECK(service(slow, "db").latency.mean_s == Approx(0.050).epsilon(0.06));
  CHECK(endpoint(front, "/orders").latency.mean_s == Approx(0.053).epsilon(0.06));
  // /home and /account: 2 ms + an unloaded 4 ms exponential.
  CHECK(endpoint(front, "/home").latency.mean_s == Approx(0.006).epsilon(0.01));
  CHECK(endpoint(front, "/account").latency.mean_s == Approx(0.006).epsilon(0.01));
  // A second core: M/M/2, Erlang C(2, 0.8) = 0.2286, W = 10 + 0.2286 / (200 - 80) s = 11.9 ms.
  const auto fixed = run("services-slow-database", {"services[db].servers[db].cores=2"});
  CHECK(service(fixed, "db").latency.mean_s == Approx(0.011905).epsilon(0.02));
  CHECK(endpoint(service(fixed, "frontend"), "/orders").latency.mean_s == Approx(0.014905).epsilon(0.02));
  // The figures docs/teaching.md quotes from these runs (the runs are deterministic).
  CHECK(endpoint(front, "/orders").latency.mean_s * 1e3 == Approx(51.253).margin(0.0005));
  // Exact (95,801 answers, fewer than LatencyHistogram::kExactLimit); the histogram's bucket gave 218.628.
  CHECK(p99(endpoint(front, "/orders").latency) * 1e3 == Approx(218.423).margin(0.0005));
  CHECK(endpoint(front, "/home").latency.mean_s * 1e3 == Approx(6.022).margin(0.0005));
  CHECK(endpoint(service(fixed, "frontend"), "/orders").latency.mean_s * 1e3 == Approx(14.835).margin(0.0005));
}

TEST_CASE("teaching: the slowest of ten parallel calls decides the latency", "[teaching][services]")
{
  const auto s = run("services-tail-at-scale");
  const auto& search = service(s, "search");
  // One exponential shard of 10 ms: mean 10 ms, p99 10 ms x ln 100 = 46.05 ms. The slowest of 10:
  // mean H_10 x 10 ms = 29.29 ms, p99 -10 ms x ln(1 - 0.99^(1/10)) = 69.03 ms.
  CHECK(endpoint(search, "/one").latency.mean_s == Approx(0.010).epsilon(0.03));
  CHECK(endpoint(search, "/all").latency.mean_s == Approx(0.029290).epsilon(0.02));
  CHECK(p99(endpoint(search, "/one").latency) == Approx(0.04605).epsilon(0.05));
  CHECK(p99(endpoint(search, "/all").latency) == Approx(0.06903).epsilon(0.05));
  CHECK(endpoint(search, "/all").latency.mean_s * 1e3 == Approx(29.214).margin(0.0005));
  // Exact (15,064 answers); the histogram's bucket gave 68.420.
  CHECK(p99(endpoint(search, "/all").latency) * 1e3 == Approx(68.549).margin(0.0005));
}

TEST_CASE("teaching: a thread per request waits with its thread, an event loop does not", "[teaching][services]")
{
  const auto threads = run("services-thread-per-request");
  const auto loop = run("services-thread-per-request", {"services[api].endpoints[0].hold_core=false"});
  // Threads held 2 + 50 ms per request at 70/s over 4: 91% busy; the work alone: 3.5%.
  CHECK(service(threads, "api").utilization == Approx(70 * 0.052 / 4).epsilon(0.01));
  CHECK(service(loop, "api").utilization == Approx(70 * 0.002 / 4).epsilon(0.01));
  // The event loop answers in the work plus the wait; held threads queue far beyond it.
  CHECK(loop.latency_mean_s == Approx(0.052).epsilon(0.001));
  CHECK(threads.latency_mean_s > 2 * loop.latency_mean_s);
  CHECK(threads.latency_mean_s * 1e3 == Approx(112.752).margin(0.0005));
}
