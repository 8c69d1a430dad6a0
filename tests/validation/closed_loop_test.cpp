// Closed-loop users (arrivals: {process: closed}) against exact mean value analysis
// (models/analytic/mva.hpp; ../shared/reference/queueing.md section 8): N users with exponential
// think time Z over
//   - one 1-core server (the machine-repairman model M/M/1//N),
//   - one server of 4 cores (a load-dependent M/M/4 station: MVA with marginal probabilities),
//   - 4 one-core servers behind `random` routing (each a station visited with probability 1/4:
//     probabilistic routing keeps the closed network product form, so MVA is exact; round robin
//     would not be).
// For N = 1, 5, 20, 50: mean response time R and throughput X within the replications'
// interval of MVA (tolerances: validation_support.hpp), the utilization, the interactive response
// time law R = N/X - Z on the measured values, and the asymptotes X <= N/(D+Z), X <= c/D_max.
// The analytic line the summary prints (match_model) is checked to be this same MVA.
#include "tests/validation/validation_support.hpp"

#include "models/analytic/model_match.hpp"
#include "models/analytic/mva.hpp"

#include <algorithm>

using namespace lbsim;
using namespace lbsim::validation;

namespace {

struct ClosedCase {
  std::string name;
  int users = 1;
  double think_s = 1.0;
  double work_s = 0.1;  // mean service time, exponential
  std::string servers_yaml;
  std::vector<models::analytic::MvaStation> stations;  // the same system for MVA
  int capacity_servers = 1;                            // c of the bottleneck, for X <= c / D_max
  uint64_t requests = 20000;
  // Users who walk steps instead of the one-type mix: the steps' YAML, and Z for MVA (the mean
  // pause per request over a pass).
  std::string steps_yaml;
  double steps_think_s = 0;
  double z() const { return steps_yaml.empty() ? think_s : steps_think_s; }

  std::string yaml(uint64_t seed) const
  {
    return "name: " + name + "\nseed: " + std::to_string(seed) +
           "\nwarmup: 200 s\nstop: {requests: " + std::to_string(requests) +
           "}\nmetrics: {interval: 100000 s, percentiles: [50, 99]}\n"
           "clients:\n  - name: users\n    arrivals: {process: closed, users: " +
           std::to_string(users) + ", think_time: {distribution: exponential, mean: " + num(think_s) +
           " s}}\n" +
           (steps_yaml.empty()
                ? "    mix:\n      - {method: GET, path: /, work: {distribution: exponential, mean: " + num(work_s) + " s}}\n"
                : steps_yaml) +
           servers_yaml;
  }
};

void validate(const ClosedCase& k)
{
  std::vector<models::SystemConfig> configs;
  for (int r = 0; r < kReplications; ++r)
    configs.push_back(scenarios::load_scenario_text(k.yaml(replication_seed(k.name, r)), k.name + ".yaml", "."));
  const models::analytic::MvaResult mva = models::analytic::mva(k.stations, k.users, k.z());
  // The summary's analytic line is the same MVA (what `lbsim run` prints and summary.json holds).
  const models::analytic::AnalyticPrediction line = models::analytic::match_model(configs.front());
  INFO(k.name << ": analytic line: " << line.model << " " << line.reason);
  REQUIRE(line.applies());
  REQUIRE(line.throughput_per_s);
  CHECK(line.mean_s == Approx(mva.response).epsilon(1e-12));
  CHECK(*line.throughput_per_s == Approx(mva.throughput).epsilon(1e-12));

  const auto runs = run_configs(k.name, configs, k.requests);
  const std::string tag = k.name;
  // R and X: required 95% half-widths of 2% and 1%; a 5% error in R (a user who sends before its
  // answer, a think time drawn twice) or 2.5% in X fails.
  check_value(tag + " R", per_run(runs, [](const auto& s) { return s.latency_mean_s; }), mva.response,
              0.02 * mva.response);
  check_value(tag + " X", per_run(runs, [](const auto& s) { return s.throughput_rps; }), mva.throughput,
              0.01 * mva.throughput);
  // Utilization, averaged over the servers (with random routing one server's share is noisy).
  check_value(tag + " utilization", per_run(runs, [](const auto& s) {
                double sum = 0;
                for (const auto& server : s.servers) sum += server.utilization;
                return sum / static_cast<double>(s.servers.size());
              }),
              mva.station_utilization.front(), 0.015 * mva.station_utilization.front());
  // The interactive response time law on the measured X: N/X - Z against R. It holds for any
  // closed system, so it checks the bookkeeping (every user thinks exactly once per answer).
  check_value(tag + " N/X - Z (response time law)",
              per_run(runs, [&](const auto& s) { return k.users / s.throughput_rps - k.z(); }), mva.response,
              0.03 * mva.response + 0.01 * k.z());
  // The asymptotes: X <= N / (D + Z) and X <= c / D_max, for MVA and for the simulation (its mean
  // may exceed a bound only by the tolerance).
  double d_total = 0, d_max = 0;
  for (const auto& s : k.stations) {
    d_total += s.demand;
    d_max = std::max(d_max, s.demand / s.servers);
  }
  const double bound = std::min(k.users / (d_total + k.z()), 1.0 / d_max);
  const Estimate x = estimate(per_run(runs, [](const auto& s) { return s.throughput_rps; }));
  std::printf("%-44s X %.6g (MVA %.6g) <= min(N/(D+Z), 1/D_max) = %.6g\n", (tag + " asymptotes").c_str(), x.mean,
              mva.throughput, bound);
  CHECK(mva.throughput <= bound * (1 + 1e-12));
  CHECK(x.mean - x.tol <= bound);
  // At N = 1 the first bound is exact: nobody ever waits.
  if (k.users == 1) CHECK(mva.throughput == Approx(1.0 / (d_total + k.z())).epsilon(1e-12));
}

const std::vector<int> kPopulations = {1, 5, 20, 50};

}  // namespace

TEST_CASE("closed loop over one M/M/1 server matches exact MVA for N = 1, 5, 20, 50", "[validation][closed]")
{
  for (int n : kPopulations) {
    ClosedCase k;
    k.name = "closed-mm1-n" + std::to_string(n);
    k.users = n;
    k.think_s = 1.0;
    k.work_s = 0.1;  // saturation N* = (D + Z) / D = 11
    k.servers_yaml = "servers:\n  - {name: s, cores: 1}\n";
    k.stations = {{"s", 0.1, false, 1}};
    validate(k);
  }
}

TEST_CASE("closed loop over one server of 4 cores matches load-dependent MVA for N = 1, 5, 20, 50",
          "[validation][closed]")
{
  for (int n : kPopulations) {
    ClosedCase k;
    k.name = "closed-mm4-n" + std::to_string(n);
    k.users = n;
    k.think_s = 1.0;
    k.work_s = 0.4;  // capacity 10/s, as the M/M/1 case; N* = (0.4 + 1) / 0.1 = 14
    k.servers_yaml = "servers:\n  - {name: s, cores: 4}\n";
    k.stations = {{"s", 0.4, false, 4}};
    validate(k);
  }
}

TEST_CASE("closed loop over 4 servers with random routing matches MVA for N = 1, 5, 20, 50", "[validation][closed]")
{
  for (int n : kPopulations) {
    ClosedCase k;
    k.name = "closed-random4-n" + std::to_string(n);
    k.users = n;
    k.think_s = 1.0;
    k.work_s = 0.4;
    k.servers_yaml = "balancer: {name: lb, algorithm: random}\nservers:\n  - {name: s, cores: 1, count: 4}\n";
    for (int i = 0; i < 4; ++i) k.stations.push_back({"s" + std::to_string(i + 1), 0.1, false, 1});
    validate(k);
  }
}

// The reference itself: MVA's load-dependent station against the finite-source birth-death chain
// M/M/c//N (the machine-repairman model with c repairmen), solved directly: state j requests at
// the station, birth rate (N - j) / Z, death rate min(j, c) / S; X = sum_j pi_j min(j, c) / S,
// R = N / X - Z. For c = 1 it is queueing.md section 8's machine-repairman model.
TEST_CASE("MVA with a c-server station equals the M/M/c//N birth-death chain", "[closed][mva]")
{
  for (int c : {1, 2, 4, 8})
    for (int n : {1, 3, 10, 40}) {
      const double s = 0.4, z = 1.0;
      std::vector<double> pi(static_cast<size_t>(n) + 1, 0.0);
      pi[0] = 1.0;
      double total = 1.0;
      for (int j = 1; j <= n; ++j) {
        pi[j] = pi[j - 1] * ((n - j + 1) / z) / (std::min(j, c) / s);
        total += pi[j];
      }
      double x = 0;
      for (int j = 0; j <= n; ++j) x += pi[j] / total * std::min(j, c) / s;
      const double r = n / x - z;
      const models::analytic::MvaResult m = models::analytic::mva({{"s", s, false, c}}, n, z);
      INFO("c = " << c << ", N = " << n);
      CHECK(m.throughput == Approx(x).epsilon(1e-10));
      CHECK(m.response == Approx(r).epsilon(1e-10));
      CHECK(m.station_utilization[0] == Approx(x * s / c).epsilon(1e-10));
    }
}

TEST_CASE("closed users who walk steps match MVA with Z the mean pause per request, for N = 1, 5, 20, 50",
          "[validation][closed]")
{
  // Three steps of the same exponential work: a class per step in one chain, still product form.
  // Pauses in a pass: the group's 2 s (exponential) before the first, none before the second,
  // 1 s (constant: a delay station is insensitive to its distribution) before the third, which
  // is sent half the time. Per pass 2 + 0 + 0.5 x 1 = 2.5 s over 2.5 requests: Z = 1 s, the
  // M/M/1 case's above, so the two give the same R and X.
  for (int n : kPopulations) {
    ClosedCase k;
    k.name = "closed-steps-n" + std::to_string(n);
    k.users = n;
    k.think_s = 2.0;
    k.work_s = 0.1;
    k.steps_yaml = "    steps:\n"
                   "      - {method: GET, path: /a, work: {distribution: exponential, mean: 0.1 s}}\n"
                   "      - {method: GET, path: /b, think_time: 0 s, work: {distribution: exponential, mean: 0.1 s}}\n"
                   "      - {method: POST, path: /c, think_time: 1 s, probability: 50%,\n"
                   "         work: {distribution: exponential, mean: 0.1 s}}\n";
    k.steps_think_s = 1.0;
    k.servers_yaml = "servers:\n  - {name: s, cores: 1}\n";
    k.stations = {{"s", 0.1, false, 1}};
    validate(k);
  }
}

