// Processor sharing (`discipline: processor_sharing`) against queueing theory
// (../shared/reference/queueing.md): M/G/1-PS has the mean response time E[S] / (1 - rho) whatever
// the service distribution (insensitivity), checked for exponential, constant and hyperexponential
// (cv 4) demands; M/M/k-PS has the same number in system as M/M/k-FCFS (a birth-death process with
// death rate min(n, k) mu in both), so by Little's law the same mean response time, Erlang C's.
// Tolerances: see validation_support.hpp (Student-t over 20 replications, alpha 5e-5 per check).
#include "models/analytic/erlang.hpp"
#include "tests/validation/validation_support.hpp"

#include <cmath>

using namespace lbsim::validation;

namespace {

std::string ps_servers(int cores)
{
  return "servers:\n  - {name: s, cores: " + std::to_string(cores) + ", discipline: processor_sharing}\n";
}

// Warm-up: ten M/M/1 relaxation times, stretched by (1 + SCV) / 2 for longer busy periods.
double warmup_s(double rho, double scv)
{
  return 10.0 * std::max(1.0, (1.0 + scv) / 2.0) / ((1.0 - std::sqrt(rho)) * (1.0 - std::sqrt(rho)));
}

std::vector<lbsim::models::RunSummary> run_ps(const std::string& name, int cores, double rho, const std::string& work,
                                              double scv, uint64_t requests)
{
  Case c;
  c.name = name;
  c.rate_per_s = rho * cores;
  c.work = work;
  c.servers_yaml = ps_servers(cores);
  c.warmup_s = warmup_s(rho, scv);
  c.requests = requests;
  return run_replications(c);
}

double mean_latency(const lbsim::models::RunSummary& s) { return s.latency_mean_s; }

}  // namespace

// The hand-worked example end to end: two requests at 0 s, one of 1 s and one of 3 s, on one core
// shared: both at half speed until the first is done at 2 s, then the other alone until 4 s.
TEST_CASE("processor sharing: 1 s and 3 s arriving together end at 2 s and 4 s", "[ps]")
{
  const std::string yaml = R"(name: ps-hand
seed: 1
clients:
  - name: short
    arrivals: {process: script, requests: [{at: 0 s, client: 10.0.0.1}]}
    mix: [{method: GET, path: /a, work: 1 s}]
  - name: long
    arrivals: {process: script, requests: [{at: 0 s, client: 10.0.0.2}]}
    mix: [{method: GET, path: /b, work: 3 s}]
servers:
  - {name: s, cores: 1, discipline: processor_sharing}
)";
  const auto s = lbsim::scenarios::run_scenario(lbsim::scenarios::load_scenario_text(yaml, "ps-hand.yaml", "."), "");
  REQUIRE(s.completed == 2);
  CHECK(s.latency_min_s == Approx(2.0).epsilon(1e-9));
  CHECK(s.latency_max_s == Approx(4.0).epsilon(1e-9));
  CHECK(s.latency_mean_s == Approx(3.0).epsilon(1e-9));
}

// M/G/1-PS, E[S] = 1 s: W = 1 / (1 - rho). The response time of a job of size x has mean
// x / (1 - rho), so a more variable demand spreads W's estimator more: required 95% half-widths
// 2% of W for exponential and constant demands at rho 0.7, 3% for H2 cv 4 (SCV 16) at rho 0.5.
// A FIFO server in their place would give 1 + rho (1 + SCV) / (2 (1 - rho)): 3.33 (M), 2.17 (D)
// and 9.5 (H2) against PS's 3.33, 3.33 and 2: the constant and H2 cases tell the two apart.
TEST_CASE("M/G/1-PS mean response time is E[S] / (1 - rho) whatever the demand", "[validation][ps]")
{
  const double rho = 0.7, w = 1.0 / (1.0 - rho);
  const auto m = run_ps("mm1-ps", 1, rho, "{distribution: exponential, mean: 1 s}", 1.0, 200000);
  check_value("M/M/1-PS rho 0.7 W", per_run(m, mean_latency), w, 0.02 * w);
  check_value("M/M/1-PS rho 0.7 utilization",
              per_run(m, [](const auto& s) { return s.servers.at(0).utilization; }), rho, 0.005 * rho);
  check_little_reported("M/M/1-PS rho 0.7", m, 1);
  const auto d = run_ps("md1-ps", 1, rho, "1 s", 0.0, 200000);
  check_value("M/D/1-PS rho 0.7 W", per_run(d, mean_latency), w, 0.02 * w);
  const double rho_h = 0.5, w_h = 1.0 / (1.0 - rho_h);
  const auto h = run_ps("mh1-ps", 1, rho_h, "{distribution: hyperexponential, mean: 1 s, cv: 4}", 16.0, 300000);
  check_value("M/H2(cv 4)/1-PS rho 0.5 W", per_run(h, mean_latency), w_h, 0.03 * w_h);
}

// M/M/k-PS against M/M/k's W = 1/mu + C(k, a) / (k mu - lambda) (Erlang C), k = 4 at rho 0.7 and
// k = 2 at rho 0.9; 2% of W. Utilization rho (busy cores min(n, k) / k).
TEST_CASE("M/M/k-PS mean response time equals M/M/k's (same birth-death process)", "[validation][ps]")
{
  for (const auto& [k, rho, requests] : {std::tuple{4, 0.7, 300000ull}, std::tuple{2, 0.9, 400000ull}}) {
    const double lambda = rho * k;
    const auto q = lbsim::models::analytic::mmc(k, lambda, 1.0);
    const std::string tag = "M/M/" + std::to_string(k) + "-PS rho " + label(rho);
    const auto runs = run_ps("mm" + std::to_string(k) + "-ps-" + label(rho), k, rho,
                             "{distribution: exponential, mean: 1 s}", 1.0, requests);
    check_value(tag + " W (Erlang C)", per_run(runs, mean_latency), q.w, 0.02 * q.w);
    check_value(tag + " utilization", per_run(runs, [](const auto& s) { return s.servers.at(0).utilization; }), rho,
                0.005 * rho);
  }
}

namespace {
// `count` scripted requests of `work` at 0 s (their own client group each, so their types can
// differ) on one processor-sharing server `server`, with `rest` appended (a timeline, ...).
lbsim::models::RunSummary ps_run(const std::vector<std::string>& works, const std::string& server,
                                 const std::string& rest = "", const std::string& type_extra = "")
{
  std::string yaml = "name: ps\nseed: 1\nclients:\n";
  for (size_t i = 0; i < works.size(); ++i)
    yaml += "  - name: c" + std::to_string(i) + "\n    arrivals: {process: script, requests: [{at: 0 s, client: 10.0.0." +
            std::to_string(i + 1) + "}]}\n    mix: [{method: GET, path: /, work: " + works[i] + type_extra + "}]\n";
  yaml += "servers:\n  - {name: s, cores: 1, discipline: processor_sharing" + server + "}\n" + rest;
  return lbsim::scenarios::run_scenario(lbsim::scenarios::load_scenario_text(yaml, "ps.yaml", "."), "");
}
}  // namespace

TEST_CASE("processor sharing: queue_limit caps the requests beyond the cores", "[ps]")
{
  // One core, queue_limit 1: two fit, the third at the same instant is refused (503).
  const auto s = ps_run({"1 s", "1 s", "1 s"}, ", queue_limit: 1");
  CHECK(s.completed == 2);
  CHECK(s.rejected == 1);
  CHECK(s.latency_max_s == Approx(2.0).epsilon(1e-9));  // the two share the core: both end at 2 s
}

TEST_CASE("processor sharing: a failure drops every request in service", "[ps]")
{
  const auto s = ps_run({"3 s", "3 s"}, "", "timeline:\n  - {at: 1 s, fail: s}\n  - {at: 2 s, recover: s}\n");
  CHECK(s.completed == 0);
  CHECK(s.failed == 2);
  CHECK(s.servers.at(0).dropped == 2);
}

TEST_CASE("processor sharing: a resize with no downtime changes the rates from that instant", "[ps]")
{
  // 2 s of work alone on the core: 1 s done at 1 s, then speed 0.5: the last 1 s takes 2 s.
  const auto s = ps_run({"2 s"}, "", "timeline:\n  - {at: 1 s, resize: s, speed: 0.5}\n");
  REQUIRE(s.completed == 1);
  CHECK(s.latency_max_s == Approx(3.0).epsilon(1e-9));
}

TEST_CASE("processor sharing: cancel_on_timeout takes a request out of service", "[ps][timeout]")
{
  // Two of 3 s share the core; at the 2 s timeout each has had 1 s. Cancelled: 2 s abandoned.
  // Not cancelled: both end at 6 s, 6 s abandoned.
  const auto cancelled = ps_run({"3 s", "3 s"}, "", "", ", timeout: 2 s, cancel_on_timeout: true");
  REQUIRE(cancelled.client);
  CHECK(cancelled.client->timed_out == 2);
  CHECK(cancelled.client->abandoned_work_s == Approx(2.0).epsilon(1e-9));
  CHECK(cancelled.end_time_s == Approx(2.0).epsilon(1e-9));
  const auto kept = ps_run({"3 s", "3 s"}, "", "", ", timeout: 2 s");
  CHECK(kept.client->late == 2);
  CHECK(kept.client->abandoned_work_s == Approx(6.0).epsilon(1e-9));
  CHECK(kept.end_time_s == Approx(6.0).epsilon(1e-9));
}
