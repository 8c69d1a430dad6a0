// Shared machinery of the validation suite: independent replications of a scenario run in
// parallel, a Student-t interval over the replications, and one check that states the analytic
// value, the estimate, its interval and the tolerance derived from it.
//
// How every tolerance is derived (the same rule for every check, so it is written once here):
//
//   A case runs R = kReplications independent replications (own seeds, each with its own warm-up,
//   so the per-replication estimates are i.i.d. and close to normal). Over the R values x_1..x_R
//   of an estimate (mean response time, p99, blocking probability, ...) we form
//       mean, s = sample standard deviation, se = s / sqrt(R),
//       95% half-width      h95 = t(0.975; R-1) * se          (printed, for reading)
//       tolerance           tol = t(1 - alpha/2; R-1) * se + resolution
//   with alpha = kFamilyAlpha = 5e-5 per check. The executable makes about 200 such checks, so by
//   Bonferroni the chance that a correct simulator fails any of them is below 1%. For R = 20,
//   t(1 - 2.5e-5; 19) = 5.21 against t(0.975; 19) = 2.09: the tolerance is the 95% half-width
//   widened 2.49 times. `resolution` covers what no replication count removes: the latency
//   histogram reports a bucket midpoint, within 1/256 of the value (engine/latency_histogram.hpp),
//   so percentile checks add value/256.
//
//   A wide interval would make any check pass, so each check also states the precision it needs:
//   h95 must be below `max_h95` (chosen per check so that the test would catch an error of a few
//   percent; the comments beside the calls give the reasoning).
#pragma once

#include "models/metrics/run_summary.hpp"
#include "scenarios/format/loader.hpp"
#include "scenarios/runner.hpp"
#include "scenarios/studies/confidence.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <numeric>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace lbsim::validation {

inline constexpr int kReplications = 20;
inline constexpr double kFamilyAlpha = 5e-5;
inline constexpr double kHistogramResolution = 1.0 / 256.0;  // engine::LatencyHistogram::kMaxRelativeError

// ---------------------------------------------------------------------------------------------
// Student-t quantiles: lbsim's own (Boost.Math's), the one source of t quantiles in the project.

// The p-quantile for `dof` degrees of freedom.
inline double student_t_quantile(double p, int dof) { return scenarios::student_t_quantile(p, dof); }

// ---------------------------------------------------------------------------------------------
// Scenarios and replications.

// "%.17g": a number the YAML loader reads back exactly.
inline std::string num(double x)
{
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.17g", x);
  return buffer;
}

// "%g": a number for a label.
inline std::string label(double x)
{
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%g", x);
  return buffer;
}

// One client group with Poisson arrivals at `rate_per_s` and one request type of service demand
// `work` (a YAML time or distribution), in front of `servers_yaml` (the servers list items and,
// when needed, a balancer). Time-series intervals are long: nothing here reads them, and a
// 1 s interval would add one event per simulated second.
struct Case {
  std::string name;
  double rate_per_s = 1.0;
  std::string work = "{distribution: exponential, mean: 1 s}";
  std::string servers_yaml = "servers:\n  - {name: s, cores: 1}\n";
  double warmup_s = 1000;
  uint64_t requests = 100000;  // measured completions per replication

  std::string yaml(uint64_t seed) const
  {
    return "name: " + name + "\nseed: " + std::to_string(seed) + "\nwarmup: " + num(warmup_s) +
           " s\nstop: {requests: " + std::to_string(requests) +
           "}\nmetrics: {interval: 100000 s, percentiles: [50, 95, 99]}\n"
           "clients:\n  - name: load\n    arrivals: {process: poisson, rate: " +
           num(rate_per_s) + "/s}\n    mix:\n      - {method: GET, path: /, work: " + work + "}\n" + servers_yaml;
  }
};

// The seed of replication r (0-based) of a case: a block of seeds of its own per case name (FNV-1a
// of the name), so that different cases are independent of one another, not the same random
// numbers rescaled, and the checks' errors do not move together.
inline uint64_t replication_seed(const std::string& case_name, int r)
{
  uint64_t h = 0xcbf29ce484222325u;
  for (unsigned char ch : case_name) h = (h ^ ch) * 0x100000001b3u;
  return (h % 1000000007u) * 1000u + static_cast<uint64_t>(r) + 1u;
}

// Runs the configurations (one per replication) in parallel on up to hardware_concurrency threads
// (LBSIM_VALIDATION_THREADS overrides). The runs share nothing (no globals in the simulator), and
// each result lands at its own index, so thread timing never changes a number. With `requests`
// > 0, every run must have stopped at that many measured completions.
inline std::vector<models::RunSummary> run_configs(const std::string& name, const std::vector<models::SystemConfig>& configs,
                                                   uint64_t requests)
{
  std::vector<models::RunSummary> results(configs.size());
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  if (const char* env = std::getenv("LBSIM_VALIDATION_THREADS")) threads = std::max(1, std::atoi(env));
  threads = std::min<unsigned>(threads, static_cast<unsigned>(configs.size()));
  std::atomic<size_t> next{0};
  std::vector<std::string> errors(threads);
  auto worker = [&](unsigned id) {
    try {
      for (size_t i = next++; i < configs.size(); i = next++) results[i] = scenarios::run_scenario(configs[i], "");
    } catch (const std::exception& e) {
      errors[id] = e.what();
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker, t);
  worker(0);
  for (auto& t : pool) t.join();
  for (const auto& e : errors)
    if (!e.empty()) throw std::runtime_error(name + ": " + e);
  for (const auto& s : results) {
    INFO(name << " seed " << s.seed);
    REQUIRE_FALSE(s.stopped_early);
    if (requests > 0) REQUIRE(s.completed == requests);
  }
  return results;
}

// Runs `replications` independent replications (seeds replication_seed(name, r)) of the case. The
// configurations are loaded here, on the test thread.
inline std::vector<models::RunSummary> run_replications(const Case& c, int replications = kReplications)
{
  std::vector<models::SystemConfig> configs;
  for (int r = 0; r < replications; ++r)
    configs.push_back(scenarios::load_scenario_text(c.yaml(replication_seed(c.name, r)), c.name + ".yaml", "."));
  return run_configs(c.name, configs, c.requests);
}

// One number per replication.
inline std::vector<double> per_run(const std::vector<models::RunSummary>& runs,
                                   const std::function<double(const models::RunSummary&)>& f)
{
  std::vector<double> out;
  for (const auto& r : runs) out.push_back(f(r));
  return out;
}

inline double percentile(const models::RunSummary& s, double p)
{
  for (const auto& [q, v] : s.latency_percentiles_s)
    if (q == p) return v;
  throw std::logic_error("percentile " + std::to_string(p) + " was not requested");
}

// The rate of admitted requests (arrived minus refused) over the measured window.
inline double admitted_rate(const models::RunSummary& s)
{
  return static_cast<double>(s.arrived - s.rejected) / s.simulated_s;
}

// ---------------------------------------------------------------------------------------------
// The check.

struct Estimate {
  double mean = 0, sd = 0, h95 = 0, tol = 0;
};

inline Estimate estimate(const std::vector<double>& xs, double resolution = 0.0)
{
  const double n = static_cast<double>(xs.size());
  Estimate e;
  e.mean = std::accumulate(xs.begin(), xs.end(), 0.0) / n;
  double ss = 0;
  for (double x : xs) ss += (x - e.mean) * (x - e.mean);
  e.sd = std::sqrt(ss / (n - 1.0));
  const int dof = static_cast<int>(xs.size()) - 1;
  const double se = e.sd / std::sqrt(n);
  e.h95 = student_t_quantile(0.975, dof) * se;
  e.tol = student_t_quantile(1.0 - kFamilyAlpha / 2.0, dof) * se + resolution;
  return e;
}

// Asserts that `analytic` lies within mean +- tol of the replications' values (see the top of this
// file for tol), and that the estimate is sharp enough to mean something: h95 <= max_h95.
// `resolution` is a systematic allowance added to tol (histogram buckets for percentiles).
inline void check_value(const std::string& what, const std::vector<double>& xs, double analytic, double max_h95,
                        double resolution = 0.0)
{
  // 1e-9 relative: the float rounding of nanoseconds to seconds, which is all that is left when
  // every replication gives the same value (constant service without waiting).
  const Estimate e = estimate(xs, resolution + 1e-9 * std::abs(analytic));
  const double z = e.sd > 0 ? (e.mean - analytic) / (e.sd / std::sqrt(static_cast<double>(xs.size()))) : 0.0;
  std::printf("%-44s analytic %-11.6g measured %-11.6g +- %-10.3g (95%%)  tol %-10.3g  t %+6.2f\n", what.c_str(),
              analytic, e.mean, e.h95, e.tol, z);
  std::fflush(stdout);
  INFO(what << ": analytic " << analytic << ", measured " << e.mean << " +- " << e.h95 << " (95%, "
            << xs.size() << " replications), tolerance " << e.tol << ", required 95% half-width <= " << max_h95);
  CHECK(std::abs(e.mean - analytic) <= e.tol);
  CHECK(e.h95 <= max_h95);
}

// Little's law on every run: the time-average number in the system L against lambda * W.
// Both sides measure the same window, so they differ only by the requests in the system at its two
// ends: those present when measuring starts count in L for the rest of their stay but not in W
// nor in the arrivals; those present at the stop count in the arrivals and in L, not in W. With a
// FIFO queue in front of c cores, each of the n requests present at an end has at most about n/c
// services to go, the first of them a residual service of mean E[S] (1 + SCV) / 2: one end weighs
// at most ~ n^2 E[S] (1 + SCV) / (2c), against N W for the whole window (N measured completions).
// With n near 1 + L that is (1 + L)^2 E[S] (1 + SCV) / (2 c N W). We allow 100 times that: the n at
// an end may be several times L (in the geometric M/M/1 queue at rho 0.9, n exceeds 10 (1 + L)
// with probability 0.9^98 = 3e-5), and a heavy-tailed service (lognormal cv 2) may hold a long
// queue behind it just then. For the runs here that is 1e-4 .. 3e-3 relative, against the
// P/(1-P) = 0.1% .. 89% that counting refused requests in lambda makes under blocking P.
inline double little_tolerance(const models::RunSummary& s, int cores, double mean_service_s, double scv)
{
  const double l1 = 1.0 + s.little_l;
  return 100.0 * l1 * l1 * mean_service_s * (1.0 + scv) /
         (2.0 * cores * static_cast<double>(s.completed) * s.latency_mean_s);
}

// The simulator's own statement of Little's law (RunSummary::little_l against little_lambda_w).
// One check per case, on the run that is worst relative to its tolerance.
inline void check_little_reported(const std::string& what, const std::vector<models::RunSummary>& runs, int cores,
                                  double scv = 1.0, double mean_service_s = 1.0)
{
  double worst = -1;
  const models::RunSummary* worst_run = nullptr;
  for (const auto& s : runs) {
    const double ratio = std::abs(s.little_l - s.little_lambda_w) / s.little_l / little_tolerance(s, cores, mean_service_s, scv);
    if (ratio > worst) worst = ratio, worst_run = &s;
  }
  const auto& s = *worst_run;
  std::printf("%-44s Little (reported): L %.6g vs lambda W %.6g, worst |diff|/L / tol over %zu runs = %.3f\n",
              what.c_str(), s.little_l, s.little_lambda_w, runs.size(), worst);
  INFO(what << " seed " << s.seed << ": RunSummary little_l = " << s.little_l << ", little_lambda_w = "
            << s.little_lambda_w << " (arrived " << s.arrived << ", rejected " << s.rejected
            << "), relative difference " << std::abs(s.little_l - s.little_lambda_w) / s.little_l << ", tolerance "
            << little_tolerance(s, cores, mean_service_s, scv));
  CHECK(worst <= 1.0);
}

// Little's law with lambda = the rate of admitted requests (arrived - rejected) and W their mean
// response time: the law as it holds for the requests that L counts.
inline void check_little_admitted(const std::string& what, const std::vector<models::RunSummary>& runs, int cores,
                                  double scv = 1.0, double mean_service_s = 1.0)
{
  double worst = -1;
  const models::RunSummary* worst_run = nullptr;
  for (const auto& s : runs) {
    const double lw = admitted_rate(s) * s.latency_mean_s;
    const double ratio = std::abs(s.little_l - lw) / s.little_l / little_tolerance(s, cores, mean_service_s, scv);
    if (ratio > worst) worst = ratio, worst_run = &s;
  }
  const auto& s = *worst_run;
  const double lw = admitted_rate(s) * s.latency_mean_s;
  std::printf("%-44s Little (admitted rate): worst |L - lambda W|/L / tol over %zu runs = %.3f\n", what.c_str(),
              runs.size(), worst);
  INFO(what << " seed " << s.seed << ": L = " << s.little_l << ", lambda_admitted W = " << lw << ", tolerance "
            << little_tolerance(s, cores, mean_service_s, scv));
  CHECK(worst <= 1.0);
}

}  // namespace lbsim::validation
