// Bounded runs: the work estimate against what the shipped scenarios really do, the in-flight cap
// (it never bites in a shipped scenario, and holds an overload at the cap), and a run that runs out
// of memory ending with a message and exit status 1, its interval rows kept.
#include "scenarios/format/loader.hpp"
#include "scenarios/run_estimate.hpp"
#include "scenarios/runner.hpp"
#include "tests/hostile/hostile_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

namespace fs = std::filesystem;
using namespace lbsim;
using namespace lbsim::test;

namespace {

std::vector<std::string> shipped_scenarios()
{
  std::vector<std::string> files;
  for (const char* folder : {"/examples", "/examples/teaching"})
    for (const auto& entry : fs::directory_iterator(std::string(LBSIM_SOURCE_DIR) + folder))
      if (entry.path().extension() == ".yaml") files.push_back(entry.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_CASE("the work estimate is within a factor of three of the events every shipped scenario of 1000 requests or more handles", "[hostile][estimate]")
{
  for (const std::string& file : shipped_scenarios()) {
    models::SystemConfig config;
    try {
      config = scenarios::load_scenario_file(file);
    } catch (const scenarios::ScenarioError&) {
      continue;  // a study or plan file among the examples
    }
    const scenarios::RunEstimate estimate = scenarios::estimate_run(config);
    const models::RunSummary summary = scenarios::run_scenario(config, "");
    INFO(file << ": estimated " << estimate.events << " events, ran " << summary.events);
    // A handful of scripted requests: health checks and ticks make the events, not the requests.
    if (estimate.requests >= 1000) {
      CHECK(static_cast<double>(summary.events) <= 3 * estimate.events);
      CHECK(static_cast<double>(summary.events) >= estimate.events / 3);
    }
    // The default cap is far above any shipped scenario: their results are those without a cap.
    CHECK(summary.not_sent_at_cap == 0);
  }
}

TEST_CASE("an overload held at max_in_flight: arrivals beyond it are counted, none is lost from the books", "[hostile][estimate]")
{
  const models::SystemConfig config = scenarios::load_scenario_text(
      "name: capped\nduration: 4 s\nmax_in_flight: 500\nclients: [{arrivals: {process: poisson, rate: 2000/s}, "
      "mix: [{work: 5 ms}]}]\nservers: [{name: web}]\n",
      "capped.yaml", ".");
  const scenarios::RunEstimate estimate = scenarios::estimate_run(config);
  // 2000/s offered, 200/s served: the queue grows by 1800/s until the cap.
  REQUIRE(estimate.services.size() == 1);
  CHECK(estimate.services[0].growth_per_s == Approx(1800).epsilon(1e-9));
  CHECK(estimate.peak_in_flight == Approx(500));
  const models::RunSummary s = scenarios::run_scenario(config, "");
  CHECK(s.max_in_flight == 500);
  CHECK(s.in_flight_at_end <= 500);
  // About 8000 arrivals, of which about 800 are served and the queue holds 500: the rest were not sent.
  CHECK(s.not_sent_at_cap > 6000);
  CHECK(s.not_sent_at_cap < 7500);
}

#ifndef LBSIM_SANITIZED  // the sanitizers reserve terabytes of address space: no address-space limit under them
TEST_CASE("a run that exhausts memory ends with a message and exit status 1, its interval rows kept", "[hostile][memory]")
{
  const fs::path dir = scratch_dir("memory");
  const std::string scenario = write_file(dir / "flood.yaml",
      "name: flood\nduration: 600 s\nmax_in_flight: 100000000\nmetrics: {interval: 1 s}\n"
      "clients: [{arrivals: {process: poisson, rate: 1000000/s}, mix: [{work: 5 ms}]}]\nservers: [{name: web}]\n");
  const std::string out = (dir / "results").string();
  // 600 MB of address space: the queue of a 10^6/s overload fills it within seconds.
  const std::string command = "ulimit -v 600000; timeout 300 " + std::string(LBSIM_BINARY) + " run --force " +
                              quote(scenario) + " --out " + quote(out) + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe);
  std::string output;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
  const int status = ::pclose(pipe);
  INFO(output);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 1);
  CHECK_THAT(output, Catch::Contains("error: the run ran out of memory at"));
  CHECK_THAT(output, Catch::Contains("the interval rows until then are in"));
  std::ifstream rows(fs::path(out) / "timeseries.csv");
  std::string header, first_row;
  CHECK(static_cast<bool>(std::getline(rows, header)));
  CHECK(static_cast<bool>(std::getline(rows, first_row)));
  fs::remove_all(dir);
}
#endif
