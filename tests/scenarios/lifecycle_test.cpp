// The server lifecycle end to end (docs/model.md, docs/scaling.md): timeline actions, resize
// downtime, failures and recoveries, health checks, passive detection, retries, the autoscaler,
// cost and availability, events.csv, and the contract's two examples that use them.
#include "scenarios/format/loader.hpp"
#include "scenarios/results/results_writer.hpp"
#include "scenarios/runner.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

using namespace lbsim;
using namespace lbsim::scenarios;

namespace {

models::SystemConfig load(const std::string& text, const std::vector<std::string>& overrides = {})
{
  try {
    return load_scenario_text(text, "lifecycle.yaml", ".", overrides);
  } catch (const ScenarioError& e) {
    FAIL("unexpected ScenarioError: " << e.what());
    throw;
  }
}

struct Run {
  models::RunSummary summary;
  std::vector<models::LifecycleEvent> events;
  std::vector<models::IntervalRow> rows;
};

class Rows final : public models::TimeSeriesSink {
public:
  explicit Rows(std::vector<models::IntervalRow>& rows) : rows_(rows) {}
  void on_interval(const models::IntervalRow& row, std::span<const models::ServerIntervalRow>) override
  {
    rows_.push_back(row);
  }

private:
  std::vector<models::IntervalRow>& rows_;
};

Run run(const std::string& text, const std::vector<std::string>& overrides = {})
{
  Run out;
  auto system = build_system(load(text, overrides));
  Rows rows(out.rows);
  system->set_time_series_sink(&rows);
  out.summary = system->run();
  out.events = system->lifecycle_events();
  return out;
}

std::vector<models::LifecycleEvent> of_kind(const Run& r, const std::string& kind)
{
  std::vector<models::LifecycleEvent> out;
  for (const auto& e : r.events)
    if (e.kind == kind) out.push_back(e);
  return out;
}

std::string read_file(const std::filesystem::path& path)
{
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// 400 req/s of 10 ms (exponential) = 4 busy cores of offered load; servers of 2 cores.
const std::string kSteady = R"(
name: steady
seed: 5
duration: 40 min
clients:
  - name: users
    arrivals: { process: poisson, rate: 400/s }
    mix: [{ work: { distribution: exponential, mean: 10 ms } }]
balancer: { algorithm: least_connections }
servers:
  - { name: web, count: 1, cores: 2, price: 0.10/h }
autoscaling:
  group: web
  metric: utilization
  target: 0.6
  min: 1
  max: 20
  period: 15 s
  window: 1 min
  cooldown: 1 min
  provisioning_delay: 30 s
metrics: { interval: 10 s }
)";

}  // namespace

TEST_CASE("autoscaler settles at ceil(offered load / (capacity x target)) and does not flap",
          "[lifecycle][autoscaler]")
{
  const Run r = run(kSteady);
  // 4 busy cores / (2 cores x 0.6) = 3.33 -> 4 servers (at 4, utilization 0.5: 0.83 of target, and
  // ceil(4 x 0.83) = 4; at 3, 0.67 is 1.11 of target, outside the band: up to 4).
  const int expected = static_cast<int>(std::ceil(4.0 / (2 * 0.6)));
  CHECK(expected == 4);
  int up = 0;
  for (const auto& s : r.summary.servers) up += s.state == "up";
  CHECK(up == expected);
  // From one saturated server it overshoots once (the window still holds the saturated minutes
  // when the new servers come up), scales back in after the stabilization window, and then holds:
  // every action in the first 10 minutes, none in the 30 after (no flapping).
  const auto actions = of_kind(r, "scale_out");
  REQUIRE(!actions.empty());
  for (const auto& e : r.events)
    if (e.kind == "scale_out" || e.kind == "scale_in") CHECK(e.time < engine::minutes(10));
  CHECK(r.rows.back().servers_up == 4);
}

TEST_CASE("autoscaler: cooldown spaces actions and min and max hold", "[lifecycle][autoscaler]")
{
  // 1,000 req/s needs 10 cores: 9 servers at target 0.6, but max is 3.
  const Run high = run(kSteady, {"clients[0].arrivals.rate=1000/s", "autoscaling.max=3", "duration=10 min",
                                 "autoscaling.cooldown=2 min"});
  for (const auto& row : high.rows) CHECK(row.servers_billed <= 3);
  const auto actions = of_kind(high, "scale_out");
  for (size_t i = 1; i < actions.size(); ++i) CHECK(actions[i].time - actions[i - 1].time >= engine::minutes(2));
  // 10 req/s: one server would do, but min is 3 (raised at the first tick) and never goes below.
  const Run low = run(kSteady, {"clients[0].arrivals.rate=10/s", "autoscaling.min=3", "duration=10 min"});
  CHECK(of_kind(low, "scale_in").empty());
  for (const auto& row : low.rows)
    if (row.time_s > 60) CHECK(row.servers_up == 3);
}

TEST_CASE("provisioning delay shows in the time series: billed at once, up after the delay", "[lifecycle]")
{
  const Run r = run(R"(
name: add
duration: 3 min
clients:
  - name: users
    arrivals: { process: poisson, rate: 100/s }
    mix: [{ work: 5 ms }]
balancer: { algorithm: round_robin }
servers:
  - { name: web, count: 2, price: 0.10/h }
timeline:
  - { at: 60 s, add: web, count: 2, provisioning_delay: 45 s }
metrics: { interval: 5 s }
)");
  for (const auto& row : r.rows) {
    INFO("t = " << row.time_s);
    if (row.time_s < 60) CHECK((row.servers_up == 2 && row.servers_billed == 2));
    if (row.time_s >= 60 && row.time_s < 105) CHECK((row.servers_up == 2 && row.servers_billed == 4));
    if (row.time_s >= 105) CHECK((row.servers_up == 4 && row.servers_billed == 4));
  }
  REQUIRE(of_kind(r, "up").size() == 2);
  CHECK(of_kind(r, "up")[0].time == engine::seconds(105));
  // Cost: 2 servers x 3 min + 2 x 2 min at 0.10/h.
  CHECK(r.summary.cost_total == Approx(0.10 * (2 * 180 + 2 * 120) / 3600.0).epsilon(1e-12));
}

namespace {
const std::string kLoneResize = R"(
name: resize
seed: 2
duration: 4 min
sizes:
  small: { cores: 2, price: 0.10/h }
  large: { cores: 8, price: 0.45/h }
clients:
  - name: users
    arrivals: { process: poisson, rate: 100/s }
    mix: [{ work: { distribution: exponential, mean: 10 ms } }]
servers:
  - { name: db, size: small }
timeline:
  - { at: 60 s, resize: db, size: large, downtime: 30 s }
)";
}  // namespace

TEST_CASE("resize downtime fails requests on a lone server but not behind a balancer with a spare",
          "[lifecycle][resize]")
{
  const Run lone = run(kLoneResize);
  // About 30 s x 100/s requests find the server restarting (plus the few ms of draining).
  CHECK(lone.summary.failed > 2700);
  CHECK(lone.summary.failed < 3300);
  CHECK(lone.summary.availability.zero_capacity_s == Approx(30).margin(0.2));
  REQUIRE(of_kind(lone, "restarted").size() == 1);
  CHECK(lone.summary.servers[0].state == "up");

  const Run pair = run(kLoneResize, {"servers[0].count=2", "balancer.algorithm=round_robin", "timeline[0].resize=db-1"});
  CHECK(pair.summary.failed == 0);
  CHECK(pair.summary.rejected == 0);
  CHECK(pair.summary.availability.zero_capacity_s == 0);
  CHECK(pair.summary.completed + pair.summary.in_flight_at_end == pair.summary.arrived);
}

TEST_CASE("cost arithmetic is exact: price x billed time, with a resize and a failure", "[lifecycle][cost]")
{
  // No traffic to speak of (one request at 1 s), so the drain at 1800.5 s is instant.
  const Run r = run(R"(
name: cost
duration: 1 h
sizes:
  small: { cores: 2, price: 0.10/h }
  large: { cores: 8, price: 0.45/h }
clients:
  - name: users
    arrivals: { process: script, requests: [{ at: 1 s }] }
    mix: [{ work: 1 ms }]
balancer: { algorithm: round_robin }
servers:
  - { name: db, size: small }
  - { name: web, price: 0.20/h }
timeline:
  - { at: 1800.5 s, resize: db, size: large, downtime: 60 s }
  - { at: 10 min, fail: web }
  - { at: 40 min, recover: web }
)");
  // db: small for 1800.5 s plus the 60 s restart (billed at the old price), large for the rest.
  const double db = 0.10 * 1860.5 / 3600 + 0.45 * (3600 - 1860.5) / 3600;
  // web: not billed while failed (30 min of 60).
  const double web = 0.20 * 0.5;
  REQUIRE(r.summary.servers.size() == 2);
  CHECK(r.summary.servers[0].cost == Approx(db).epsilon(1e-12));
  CHECK(r.summary.servers[1].cost == Approx(web).epsilon(1e-12));
  CHECK(r.summary.cost_total == Approx(db + web).epsilon(1e-12));
  CHECK(db + web == Approx(0.3691180555555556));
}

namespace {
const std::string kThree = R"(
name: health
seed: 9
duration: 3 min
clients:
  - name: users
    arrivals: { process: poisson, rate: 300/s }
    mix: [{ work: { distribution: exponential, mean: 5 ms } }]
balancer:
  algorithm: round_robin
  health_check: { interval: 2 s, timeout: 1 s, rise: 2, fall: 3 }
servers:
  - { name: web, count: 3, cores: 2 }
timeline:
  - { at: 61.3 s, fail: web-1 }
  - { at: 120 s, recover: web-1 }
)";
}  // namespace

TEST_CASE("health check: a failed server is marked down between (fall-1) x interval and fall x interval + timeout",
          "[lifecycle][health]")
{
  const Run r = run(kThree);
  const auto down = of_kind(r, "health_down");
  REQUIRE(down.size() == 1);
  const double detection = (down[0].time - engine::SimTime::from_seconds(61.3)).seconds();
  CHECK(detection >= (3 - 1) * 2.0);
  CHECK(detection <= 3 * 2.0 + 1.0);
  // Checks at 62, 64, 66 fail; the third's timeout ends at 67 s: 5.7 s after the failure.
  CHECK(detection == Approx(5.7));
  // Until then round robin still sends it a third of the requests, which fail at once.
  CHECK(r.summary.servers[0].turned_away + r.summary.servers[0].dropped == r.summary.failed);
  CHECK(r.summary.failed > 0.8 * 300 * 5.7 / 3);
  CHECK(r.summary.failed < 1.2 * 300 * 5.7 / 3 + 10);
  // Back after rise = 2 passing checks: at 122 s.
  const auto up = of_kind(r, "health_up");
  REQUIRE(up.size() == 1);
  CHECK(up[0].time == engine::seconds(122));
}

TEST_CASE("retries rescue the requests a failed server drops or refuses", "[lifecycle][retries]")
{
  const Run without = run(kThree);
  const Run with = run(kThree, {"balancer.retries=1"});
  CHECK(without.summary.failed > 100);
  CHECK(with.summary.failed == 0);
  CHECK(with.summary.availability.retried >= without.summary.failed);
  CHECK(with.summary.availability.served_share > without.summary.availability.served_share);
}

TEST_CASE("passive detection marks a server down after max_fails failed requests", "[lifecycle][passive]")
{
  // Without a health check the nginx defaults apply: one failure marks the server down for 10 s.
  std::string passive = kThree;
  passive.replace(passive.find("  health_check:"), passive.find("servers:") - passive.find("  health_check:"), "");
  const Run defaults = run(passive, {"timeline[1].at=170 s"});
  const auto down = of_kind(defaults, "passive_down");
  REQUIRE(!down.empty());
  CHECK(down[0].time == engine::SimTime::from_seconds(61.3));
  // It is tried again every 10 s (fail_timeout), and each try marks it again.
  const auto again = of_kind(defaults, "passive_up");
  REQUIRE(!again.empty());
  CHECK(again[0].time == engine::SimTime::from_seconds(71.3));
  // max_fails 5: the server keeps getting requests until five have failed.
  const Run five = run(passive, {"balancer.passive={max_fails: 5, fail_timeout: 30 s}"});
  const auto down5 = of_kind(five, "passive_down");
  REQUIRE(!down5.empty());
  CHECK(down5[0].time > engine::SimTime::from_seconds(61.3));
  CHECK(down5[0].time < engine::SimTime::from_seconds(61.3 + 1));
}

TEST_CASE("fail drops what the server serves and queues, and a lone server fails every request until repair",
          "[lifecycle][failures]")
{
  const Run r = run(kLoneResize, {"timeline=[{at: 60 s, fail: db}, {at: 90 s, recover: db}]"});
  CHECK(r.summary.failed > 2700);
  CHECK(r.summary.failed < 3300);
  CHECK(r.summary.availability.zero_capacity_s == Approx(30));
  const auto fail = of_kind(r, "fail");
  REQUIRE(fail.size() == 1);
  CHECK(of_kind(r, "recover").size() == 1);
}

TEST_CASE("random failures follow mtbf and mttr from the server's own stream", "[lifecycle][failures]")
{
  const std::string text = R"(
name: random
seed: 4
duration: 200 h
clients:
  - name: users
    arrivals: { process: poisson, rate: 0.01/s }
    mix: [{ work: 1 ms }]
balancer: { algorithm: round_robin }
servers:
  - { name: web, count: 2, failures: { mtbf: 2 h, mttr: 30 min } }
)";
  const Run r = run(text);
  // 200 h / (2 h + 0.5 h) = 80 failures per server expected.
  const auto fails = of_kind(r, "fail");
  CHECK(fails.size() > 120);
  CHECK(fails.size() < 200);
  // Each server down 0.5 / 2.5 = 20% of the time: both at once about 4%.
  CHECK(r.summary.availability.zero_capacity_s / (200 * 3600.0) == Approx(0.04).margin(0.025));
  // Another server's failures do not move web-1's (per-server streams).
  const Run three = run(text, {"servers[0].count=3"});
  std::vector<int64_t> first, again;
  for (const auto& e : fails)
    if (e.server == "web-1") first.push_back(e.time.ns());
  for (const auto& e : of_kind(three, "fail"))
    if (e.server == "web-1") again.push_back(e.time.ns());
  CHECK(first == again);
}

TEST_CASE("a rate step changes a client group's arrival rate", "[lifecycle][timeline]")
{
  const Run r = run(R"(
name: rate
seed: 3
duration: 4 min
clients:
  - name: users
    arrivals: { process: poisson, rate: 100/s }
    mix: [{ work: 1 ms }]
servers:
  - { name: web, cores: 4 }
timeline:
  - { at: 2 min, rate: 300/s, clients: users }
metrics: { interval: 1 min }
)");
  REQUIRE(r.rows.size() == 4);
  CHECK(r.rows[0].arrived == Approx(6000).epsilon(0.05));
  CHECK(r.rows[3].arrived == Approx(18000).epsilon(0.05));
}

TEST_CASE("remove drains: no new requests, in-flight ones finish, then the server stops", "[lifecycle][timeline]")
{
  const Run r = run(kThree, {"timeline=[{at: 30 s, remove: web, count: 1}]"});
  CHECK(r.summary.failed == 0);
  CHECK(r.summary.rejected == 0);
  REQUIRE(of_kind(r, "drain").size() == 1);
  REQUIRE(of_kind(r, "stopped").size() == 1);
  CHECK(of_kind(r, "drain")[0].server == "web-3");
  CHECK(of_kind(r, "stopped")[0].time - of_kind(r, "drain")[0].time < engine::seconds(1));
  CHECK(r.summary.servers[2].state == "stopped");
}

TEST_CASE("the contract's vertical-vs-horizontal example runs and writes events.csv", "[lifecycle][examples]")
{
  const auto dir = std::filesystem::temp_directory_path() / ("lbsim-lifecycle-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const models::RunSummary s =
      run_scenario(load_scenario_file(std::string(LBSIM_EXAMPLES_DIR) + "/vertical-vs-horizontal.yaml"), dir.string());
  CHECK(s.servers.size() == 4);
  CHECK(s.completed > 200000);
  const std::string events = read_file(dir / "events.csv");
  CHECK(events.rfind("time_s,kind,server,detail\n", 0) == 0);
  for (const char* row : {"300,rate,users,300/s", "300,add,web-3,provisioning 90 s", "390,up,web-3,provisioned",
                          "600,resize,web-1,", "720,fail,web-2,"})
    CHECK(events.find(row) != std::string::npos);
  CHECK(events.find(",health_down,web-2,") != std::string::npos);
  // The new servers run at 390 s and get requests once rise = 2 checks have passed (390 and 392 s).
  CHECK(events.find("392,health_up,web-3,") != std::string::npos);
  // Cost by hand at 0.10/h small, 0.45/h large: web-1 small until it restarts as large, that is
  // after draining the requests it was serving at 600 s (a few ms) and 45 s of downtime, then
  // large to the end at 900 s; web-2 until its failure at 720 s; web-3 and web-4 from their order
  // at 300 s.
  const std::string restarted_row = ",restarted,web-1,";
  const auto restarted_at = events.find(restarted_row);
  REQUIRE(restarted_at != std::string::npos);
  const double restarted = std::stod(events.substr(events.rfind('\n', restarted_at) + 1));
  CHECK(restarted >= 645.0);
  CHECK(restarted < 646.0);
  CHECK(s.cost_total ==
        Approx((0.10 * restarted + 0.45 * (900 - restarted) + 0.10 * 720 + 2 * 0.10 * 600) / 3600).epsilon(1e-12));
  const std::string series = read_file(dir / "timeseries.csv");
  CHECK(series.rfind("time_s,throughput_rps,latency_mean_s,latency_p50_s,latency_p99_s,in_flight,servers_up", 0) == 0);
  CHECK(series.find(",cost\n") != std::string::npos);
  const auto summary = nlohmann::json::parse(read_file(dir / "summary.json"));
  CHECK(summary["availability"]["failed"].get<uint64_t>() == s.failed);
  CHECK(summary["cost"]["per_server"].size() == 4);
  std::filesystem::remove_all(dir);
}

TEST_CASE("the contract's autoscaling example runs and follows the daily curve", "[lifecycle][examples]")
{
  const Run r = run(read_file(std::string(LBSIM_EXAMPLES_DIR) + "/autoscaling.yaml"));
  CHECK(r.summary.completed > 1000000);
  uint32_t most = 0;
  for (const auto& row : r.rows) most = std::max(most, row.servers_up);
  // The peak, 900 req/s x 15 ms = 13.5 cores, wants ceil(13.5 / (2 x 0.6)) = 12 servers or more.
  CHECK(most >= 10);
  CHECK(most <= 20);
  for (const auto& row : r.rows) CHECK(row.servers_billed >= 2);
  CHECK(!of_kind(r, "scale_in").empty());
}

TEST_CASE("with a network, failures travel back to the balancer, which retries them", "[lifecycle][network]")
{
  const std::string text = R"(
name: netfail
seed: 3
duration: 2 min
clients:
  - name: users
    arrivals: { process: poisson, rate: 200/s }
    mix: [{ request_size: 1 KB, response_size: 10 KB, work: { distribution: exponential, mean: 5 ms } }]
network:
  links:
    - { between: [clients, lb], bandwidth: 1 Gbps, latency: 10 ms }
    - { between: [lb, servers], bandwidth: 10 Gbps, latency: 1 ms }
balancer:
  algorithm: round_robin
  health_check: { interval: 2 s, timeout: 1 s, rise: 2, fall: 3 }
servers:
  - { name: web, count: 3, cores: 2 }
timeline:
  - { at: 30 s, fail: web-1 }
  - { at: 60 s, recover: web-1 }
)";
  const Run plain = run(text);
  // A third of 200/s for the 5 s until the health checks mark web-1 down (at 35 s).
  CHECK(plain.summary.failed == Approx(200 * 5 / 3.0).epsilon(0.2));
  REQUIRE(of_kind(plain, "health_down").size() == 1);
  CHECK(of_kind(plain, "health_down")[0].time == engine::seconds(35));
  const Run retried = run(text, {"balancer.retries=2"});
  CHECK(retried.summary.failed == 0);
  CHECK(retried.summary.availability.retried > 0);
}

TEST_CASE("every balancer algorithm follows the pool as servers come, go and fail", "[lifecycle][balancers]")
{
  const std::string text = R"(
name: pool
seed: 8
duration: 2 min
clients:
  - name: users
    population: 500
    arrivals: { process: poisson, rate: 300/s }
    mix: [{ work: { distribution: exponential, mean: 5 ms } }]
balancer:
  algorithm: round_robin
  retries: 1
servers:
  - { name: web, count: 3, cores: 2 }
timeline:
  - { at: 20 s, add: web, count: 2, provisioning_delay: 5 s }
  - { at: 60 s, remove: web, count: 1 }
  - { at: 80 s, fail: web-2 }
)";
  for (const char* algorithm : {"round_robin", "weighted_round_robin", "least_connections",
                                "weighted_least_connections", "ip_hash", "least_response_time", "sticky_round_robin",
                                "random", "power_of_two_choices", "consistent_hash", "maglev", "haproxy_hash"}) {
    INFO(algorithm);
    auto system = build_system(load(text, {std::string("balancer.algorithm=") + algorithm}));
    const models::RunSummary s = system->run();
    REQUIRE(s.servers.size() == 5);
    CHECK(s.servers[3].completed > 0);  // web-4 was added and got requests
    CHECK(s.servers[4].state == "stopped");  // web-5, the newest, was removed
    CHECK(s.servers[1].state == "failed");
    CHECK(s.failed == 0);  // passive detection and the retry cover the failure
    CHECK(s.rejected == 0);
    CHECK(s.completed + s.in_flight_at_end == s.arrived);
  }
}

TEST_CASE("autoscaler on requests_per_server and latency_p99", "[lifecycle][autoscaler]")
{
  // 400 req/s at 110/s per server: ceil(3.64) = 4 servers. (A target of exactly 100/s would put
  // 5 servers on the ceil boundary, 5 x 80 / 100 = 4.0, where noise decides between 4 and 5.)
  const Run rps = run(kSteady, {"autoscaling.metric=requests_per_server", "autoscaling.target=110/s",
                                "duration=20 min"});
  CHECK(rps.rows.back().servers_up == 4);
  // p99 target 60 ms: more servers until the tail is short enough, within max.
  const Run p99 = run(kSteady, {"autoscaling.metric=latency_p99", "autoscaling.target=60 ms", "duration=20 min"});
  CHECK(p99.rows.back().servers_up >= 3);
  CHECK(p99.rows.back().servers_up <= 20);
  CHECK(!of_kind(p99, "scale_out").empty());
}

TEST_CASE("a server that fails while draining for removal does not come back on recovery", "[lifecycle][timeline]")
{
  // Requests of 1 s each keep web-3 draining long enough to fail it.
  const Run r = run(R"(
name: drain-fail
duration: 1 min
clients:
  - name: users
    arrivals: { process: constant, rate: 30/s }
    mix: [{ work: 1 s }]
balancer: { algorithm: round_robin }
servers:
  - { name: web, count: 3, cores: 20 }
timeline:
  - { at: 10 s, remove: web, count: 1 }
  - { at: 10.5 s, fail: web-3 }
  - { at: 20 s, recover: web-3 }
)");
  CHECK(r.summary.servers[2].state == "stopped");
  CHECK(of_kind(r, "recover").empty());
  REQUIRE(of_kind(r, "stopped").size() == 1);
  CHECK(of_kind(r, "stopped")[0].detail == "repaired after its removal");
}

TEST_CASE("lifecycle runs are deterministic: same seed, same trajectory and events", "[lifecycle][determinism]")
{
  const std::string text = read_file(std::string(LBSIM_EXAMPLES_DIR) + "/vertical-vs-horizontal.yaml");
  const Run a = run(text);
  const Run b = run(text);
  CHECK(a.summary.fingerprint == b.summary.fingerprint);
  CHECK(events_csv(a.events) == events_csv(b.events));
  const Run c = run(text, {"seed=4"});
  CHECK(a.summary.fingerprint != c.summary.fingerprint);
}
