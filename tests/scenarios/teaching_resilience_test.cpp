// The metastable-failure teaching scenarios (examples/teaching/metastable-*.yaml, docs/teaching.md):
// each measured from 150 s on, a minute after the 30 s slowdown ended at 90 s.
#include "scenarios/format/loader.hpp"
#include "scenarios/runner.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace lbsim;
using namespace lbsim::scenarios;

namespace {
models::RunSummary after_the_slowdown(const std::string& name)
{
  return run_scenario(load_scenario_file(std::string(LBSIM_SOURCE_DIR) + "/examples/teaching/" + name + ".yaml",
                                         {"warmup=150 s", "duration=90 s"}),
                      "");
}
}  // namespace

TEST_CASE("metastable failure: aggressive retries keep the server overloaded after the trigger", "[teaching][resilience]")
{
  const auto s = after_the_slowdown("metastable-retries");
  REQUIRE(s.client);
  // 140/s arrive; the server answers about its capacity, 200/s, but almost all of it too late.
  CHECK(s.client->goodput_rps < 0.2 * 140);
  CHECK(s.throughput_rps > 150);
  CHECK(s.client->retried > 2 * s.arrived);
  CHECK(s.client->abandoned_work_s > 0.5 * s.simulated_s * 8 * 0.5);  // over half the cores' time wasted
}

TEST_CASE("metastable failure: a retry budget lets the server recover", "[teaching][resilience]")
{
  const auto s = after_the_slowdown("metastable-retry-budget");
  REQUIRE(s.client);
  CHECK(s.client->goodput_rps == Approx(140).epsilon(0.05));
  CHECK(s.client->timed_out == 0);
  CHECK(s.client->late == 0);
}
