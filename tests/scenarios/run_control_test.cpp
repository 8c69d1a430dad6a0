// Pausing and stopping a run from outside through its time-series watcher (the GUI's worker):
// a watcher that never stops leaves the run exactly as it is without one; one that stops ends
// the run at that interval.
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

}  // namespace

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
