// The vertical vs horizontal teaching scenarios (examples/teaching/vertical-*.yaml and
// horizontal-*.yaml): each row of the table in docs/teaching.md, checked against its run.
#include "scenarios/format/loader.hpp"
#include "scenarios/runner.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace lbsim;
using namespace lbsim::scenarios;

namespace {
models::RunSummary run(const std::string& name, const std::vector<std::string>& overrides = {})
{
  return run_scenario(
      load_scenario_file(std::string(LBSIM_SOURCE_DIR) + "/examples/teaching/" + name + ".yaml", overrides), "");
}
double p99(const models::RunSummary& s)
{
  for (const auto& [p, v] : s.latency_percentiles_s)
    if (p == 99.0) return v;
  return 0;
}
}  // namespace

TEST_CASE("vertical vs horizontal: one big queue is fastest, eight small machines are cheaper",
          "[teaching][scaling]")
{
  const auto big = run("vertical-one-big-server");
  const auto small = run("horizontal-eight-small");
  CHECK(big.latency_mean_s < small.latency_mean_s);
  CHECK(p99(big) < p99(small));
  // 16 cores for 5 minutes: 1.00/h as one machine, 8 x 0.10/h as eight.
  CHECK(big.cost_total == Approx(1.00 * 300 / 3600));
  CHECK(small.cost_total == Approx(0.80 * 300 / 3600));
  CHECK(big.failed + small.failed == 0);
}

TEST_CASE("vertical vs horizontal: one failure fails every request of a lone machine, not of a fleet",
          "[teaching][scaling]")
{
  const auto lone = run("vertical-failure");
  const auto fleet = run("horizontal-failure");
  // 1,200/s for the 120 s until repair, give or take Poisson noise and the dropped in-flight ones.
  CHECK(lone.failed == Approx(144000).epsilon(0.02));
  CHECK(lone.availability.zero_capacity_s == Approx(120));
  CHECK(fleet.failed == 0);
  CHECK(fleet.availability.retried > 0);
  CHECK(fleet.availability.zero_capacity_s == 0);
}

TEST_CASE("vertical vs horizontal: a resize restarts, a scale-out does not", "[teaching][scaling]")
{
  const auto resize = run("vertical-resize");
  const auto out = run("horizontal-scale-out");
  CHECK(resize.failed == Approx(72000).epsilon(0.02));
  CHECK(resize.availability.zero_capacity_s == Approx(60).margin(0.1));
  CHECK(out.failed == 0);
  CHECK(out.rejected == 0);
  // Cost grows linearly: 4 machines for 6 min, 4 more for the last 3 (billed while provisioning).
  CHECK(out.cost_total == Approx(0.10 * (4 * 360 + 4 * 180) / 3600));
}

TEST_CASE("vertical vs horizontal: one machine has a ceiling, a fleet scales past it", "[teaching][scaling]")
{
  const auto ceiling = run("vertical-ceiling");
  const auto fleet = run("horizontal-past-one-machine");
  // 18 cores of work on 16: about 1 request in 9 refused.
  CHECK(static_cast<double>(ceiling.rejected) / static_cast<double>(ceiling.arrived) == Approx(1.0 / 9).epsilon(0.05));
  CHECK(fleet.rejected == 0);
  CHECK(fleet.latency_mean_s < 0.02);
  // And the catalog stops a resize beyond its largest size.
  CHECK_THROWS_AS(run("vertical-resize", {"timeline[1]={at: 3 min, resize: big, cores: 32, downtime: 60 s}"}),
                  ScenarioError);
}
