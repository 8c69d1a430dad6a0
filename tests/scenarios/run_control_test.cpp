// Pausing and stopping a run from outside through its time-series watcher (the GUI's worker):
// a watcher that never stops leaves the run exactly as it is without one; one that stops ends
// the run at that interval.
#include "models/system.hpp"
#include "scenarios/format/loader.hpp"
#include "scenarios/runner.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace lbsim;

namespace {

const char* const kScenario = R"(name: run-control
seed: 3
warmup: 1 s
duration: 20 s
clients:
  - name: users
    population: 10
    arrivals: { process: poisson, rate: 100/s }
    mix:
      - { method: GET, path: /, share: 1, work: { distribution: exponential, mean: 5 ms } }
balancer: { algorithm: least_connections }
servers:
  - { name: web, count: 2 }
metrics:
  interval: 1 s
)";

class CountingWatcher final : public models::TimeSeriesSink {
public:
  explicit CountingWatcher(int stop_after) : stop_after_(stop_after) {}
  void on_interval(const models::IntervalRow& row, std::span<const models::ServerIntervalRow>) override
  {
    ++rows;
    last_time_s = row.time_s;
  }
  bool stop_requested() override { return stop_after_ > 0 && rows >= stop_after_; }
  int rows = 0;
  double last_time_s = 0;

private:
  int stop_after_;
};

// Five scripted requests, then nothing; no duration (a script ends the run by itself).
const char* const kScripted = R"(name: scripted
clients:
  - name: users
    arrivals:
      process: script
      requests: [ { at: 0 s }, { at: 1 s }, { at: 2 s }, { at: 3 s }, { at: 4 s } ]
    mix:
      - { method: GET, path: /, work: 10 ms }
balancer: { algorithm: round_robin }
servers:
  - { name: A }
  - { name: B }
metrics:
  interval: 1 s
)";

}  // namespace

// The step view asks for one more hop after the script is over, then again. Before, the second
// call ran the metrics ticks forever; here a watcher gives up after 1,000 rows so that the test
// fails instead of hanging.
TEST_CASE("stepping past the end of scripted traffic returns at once", "[runner][control]")
{
  const char* files[] = {"with a duration: ip-hash.yaml", "without a duration"};
  for (const char* which : files) {
    SECTION(which)
    {
      const bool with_duration = std::string(which).starts_with("with a duration");
      const auto config = with_duration
                              ? scenarios::load_scenario_file(std::string(LBSIM_SOURCE_DIR) + "/examples/teaching/ip-hash.yaml")
                              : scenarios::load_scenario_text(kScripted, "scripted.yaml", ".");
      auto system = scenarios::build_system(config);
      CountingWatcher watcher(1000);
      system->set_time_series_sink(&watcher);
      CHECK(system->run_until_hops(5));
      CHECK_FALSE(system->run_over());  // the fifth request is still in service
      CHECK_FALSE(system->run_until_hops(6));  // the last request ends: nothing more will come
      CHECK(system->run_over());
      const int rows = watcher.rows;
      const double now = system->simulation().now().seconds();
      // Stepping ends with the last answer (4 s + 10 ms of work), with or without a duration.
      CHECK(rows == 4);
      CHECK(now == Approx(4.01));
      CHECK_FALSE(system->run_until_hops(7));
      CHECK_FALSE(system->run_until_hops(16));
      CHECK(watcher.rows == rows);
      CHECK(system->simulation().now().seconds() == now);
    }
  }
}

TEST_CASE("a watcher that never stops sees every interval and leaves the run unchanged", "[runner][control]")
{
  const auto config = scenarios::load_scenario_text(kScenario, "run-control.yaml", ".");
  const models::RunSummary plain = scenarios::run_scenario(config, "");
  CountingWatcher watcher(0);
  const models::RunSummary watched = scenarios::run_scenario(config, "", &watcher);
  CHECK(watcher.rows == 20);
  CHECK(watched.fingerprint == plain.fingerprint);
  CHECK(watched.completed == plain.completed);
  CHECK(watched.events == plain.events);
}

TEST_CASE("a watcher that asks to stop ends the run at that interval", "[runner][control]")
{
  const auto config = scenarios::load_scenario_text(kScenario, "run-control.yaml", ".");
  const models::RunSummary plain = scenarios::run_scenario(config, "");
  CountingWatcher watcher(5);
  const models::RunSummary stopped = scenarios::run_scenario(config, "", &watcher);
  CHECK(watcher.rows == 5);
  CHECK(watcher.last_time_s == Approx(6.0));
  CHECK(stopped.simulated_s == Approx(5.0));
  CHECK(stopped.end_time_s == Approx(6.0));
  CHECK(stopped.completed > 0);
  CHECK(stopped.completed < plain.completed);
}
