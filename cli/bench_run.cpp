#include "cli/bench_run.hpp"

#include "scenarios/format/loader.hpp"
#include "scenarios/runner.hpp"

#include <sys/resource.h>

#include <cstdio>

namespace lbsim::cli {

models::RunSummary run_bench_scenario(const std::string& text, const std::string& name, const std::string& out_dir)
{
  const models::SystemConfig config = scenarios::load_scenario_text(text, "<" + name + ">", ".");
  return scenarios::run_scenario(config, out_dir);
}

double peak_rss_mib()
{
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
}

double p99_seconds(const models::RunSummary& summary)
{
  for (const auto& [p, v] : summary.latency_percentiles_s)
    if (p == 99.0) return v;
  return 0;
}

void print_bench_header()
{
  std::printf("%-4s %-26s %10s %10s %10s %12s %10s %12s %10s %10s %10s\n", "", "algorithm", "requests", "wall_s",
              "events", "events_per_s", "ns_per_ev", "ns_per_req", "mean_rt_s", "p99_rt_s", "peak_MiB");
}

void print_bench_row(const std::string& workload, const std::string& algorithm, const models::RunSummary& s)
{
  std::printf("%-4s %-26s %10llu %10.3f %10llu %12.4g %10.1f %12.1f %10.4f %10.3f %10.1f\n", workload.c_str(),
              algorithm.c_str(), static_cast<unsigned long long>(s.completed), s.wall_seconds,
              static_cast<unsigned long long>(s.events), static_cast<double>(s.events) / s.wall_seconds,
              1e9 * s.wall_seconds / static_cast<double>(s.events), 1e9 * s.wall_seconds / static_cast<double>(s.completed),
              s.latency_mean_s, p99_seconds(s), peak_rss_mib());
}

}  // namespace lbsim::cli
