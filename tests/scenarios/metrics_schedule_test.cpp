// The time series' interval when the scenario sets none (models/metrics/metrics_schedule.hpp):
// bounded rows whatever the run's length, exactly the user's interval when one is set, and
// servers.csv rows that still add up to each server's totals when they skip intervals.
#include "models/metrics/metrics_schedule.hpp"
#include "scenarios/format/loader.hpp"
#include "scenarios/runner.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace lbsim;

namespace {

models::SystemConfig load(const std::string& text, const std::vector<std::string>& overrides = {})
{
  return scenarios::load_scenario_text(text, "schedule.yaml", ".", overrides);
}

const char* const kW1 = R"(name: w1
stop: { requests: 2000000 }
clients:
  - name: load
    arrivals: { process: poisson, rate: 14.4/s }
    mix: [{ work: { distribution: exponential, mean: 1 s } }]
balancer: { algorithm: round_robin }
servers:
  - { name: s, count: 16 }
)";

std::vector<std::vector<std::string>> csv_rows(const std::filesystem::path& file)
{
  std::ifstream in(file);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

}  // namespace

TEST_CASE("automatic interval: 1-2-5 rounding", "[metrics][schedule]")
{
  CHECK(models::round_up_to_1_2_5(1) == 1);
  CHECK(models::round_up_to_1_2_5(1.2) == 2);
  CHECK(models::round_up_to_1_2_5(2) == 2);
  CHECK(models::round_up_to_1_2_5(3.125) == 5);
  CHECK(models::round_up_to_1_2_5(69.5) == 100);
  CHECK(models::round_up_to_1_2_5(0.3) == Approx(0.5));
  CHECK(models::round_up_to_1_2_5(5001) == 10000);
}

TEST_CASE("automatic interval: 1 s for runs of up to 2,000 s, else at most 2,000 rows", "[metrics][schedule]")
{
  SECTION("a 5 min run keeps the format's default, 1 s")
  {
    const auto c = load("name: a\nduration: 5 min\nclients: [{arrivals: {process: poisson, rate: 10/s}, mix: [{work: 1 ms}]}]\n"
                        "servers: [{name: web}]\n");
    CHECK(c.metrics.interval == engine::seconds(1));
    CHECK(c.metrics.interval_automatic);
    CHECK(c.metrics.server_rows_every == 1);
  }
  SECTION("W1: 2 M requests at 14.4/s last about 138,889 s: a row every 100 s (1,389 rows)")
  {
    const auto c = load(kW1);
    CHECK(models::expected_measured_seconds(c) == Approx(2e6 / 14.4));
    CHECK(c.metrics.interval == engine::seconds(100));
    CHECK(c.metrics.server_rows_every == 1);  // 1,389 x 16 rows
  }
  SECTION("the warm-up is not measured: M/M/1 of the contract, 500,000 requests at 80/s after 1 min")
  {
    const auto c = load("name: mm1\nwarmup: 1 min\nstop: { requests: 500000 }\n"
                        "clients: [{arrivals: {process: poisson, rate: 80/s}, mix: [{work: 10 ms}]}]\n"
                        "servers: [{name: s}]\n");
    CHECK(models::expected_measured_seconds(c) == Approx(6250));
    CHECK(c.metrics.interval == engine::seconds(5));
  }
  SECTION("duration and stop: whichever comes first")
  {
    const auto c = load(std::string(kW1) + "duration: 1 h\n");
    CHECK(models::expected_measured_seconds(c) == Approx(3600));
    CHECK(c.metrics.interval == engine::seconds(2));
  }
  SECTION("many servers: servers.csv gets a row every few intervals, at most about 200,000 rows")
  {
    const auto c = load(std::string(kW1), {"servers[s].count=10000"});
    CHECK(c.metrics.interval == engine::seconds(100));
    CHECK(c.metrics.server_rows_every == 100);  // 1,389 rows x 10,000 servers / 200,000 = 69.4, up to 100
  }
  SECTION("an interval the scenario sets is used exactly, with a row per server every interval")
  {
    const auto c = load(std::string(kW1) + "metrics: { interval: 1 s }\n", {"servers[s].count=10000"});
    CHECK(c.metrics.interval == engine::seconds(1));
    CHECK_FALSE(c.metrics.interval_automatic);
    CHECK(c.metrics.server_rows_every == 1);
    const auto d = load(kW1, {"metrics.interval=250 ms"});
    CHECK(d.metrics.interval == engine::milliseconds(250));
    CHECK_FALSE(d.metrics.interval_automatic);
  }
}

TEST_CASE("automatic interval: servers.csv rows every few intervals still add up to each server's totals",
          "[metrics][schedule][run]")
{
  // 3,000 s: a row every 2 s (1,500 rows); 200 servers x 1,500 rows = 300,000 > 200,000: servers.csv
  // every 2 rows. The run ends on a tick, which must still get its servers' rows.
  const auto config = load(R"(name: many-servers
seed: 5
duration: 3000 s
clients:
  - name: load
    arrivals: { process: poisson, rate: 40/s }
    mix: [{ work: { distribution: exponential, mean: 2 s } }]
balancer: { algorithm: round_robin }
servers:
  - { name: web, count: 200 }
)");
  REQUIRE(config.metrics.interval == engine::seconds(2));
  REQUIRE(config.metrics.server_rows_every == 2);
  const std::filesystem::path out = std::filesystem::temp_directory_path() / "lbsim-metrics-schedule-test";
  std::filesystem::remove_all(out);
  const models::RunSummary s = scenarios::run_scenario(config, out.string());
  CHECK(s.interval_automatic);
  CHECK(s.interval_s == 2);
  CHECK(s.server_rows_every == 2);

  const auto series = csv_rows(out / "timeseries.csv");
  CHECK(series.size() == 1500);
  const auto servers = csv_rows(out / "servers.csv");
  CHECK(servers.size() == 750u * 200u);
  std::map<std::string, double> completed, busy_share;
  for (const auto& row : servers) {
    REQUIRE(row.size() >= 6);
    completed[row[1]] += std::stod(row[5]);
    busy_share[row[1]] += std::stod(row[3]) / 750.0;  // equal 4 s spans: the mean is the run's
  }
  REQUIRE(completed.size() == 200);
  for (const models::ServerSummary& server : s.servers) {
    CHECK(completed[server.name] == static_cast<double>(server.completed));
    CHECK(busy_share[server.name] == Approx(server.utilization).margin(1e-6));
  }
  std::filesystem::remove_all(out);
}
