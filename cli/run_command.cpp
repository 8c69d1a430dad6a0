#include "cli/commands.hpp"

#include "cli/estimate_report.hpp"
#include "cli/run_progress.hpp"
#include "cli/summary_table.hpp"
#include "cli/terminal_text.hpp"
#include "scenarios/format/loader.hpp"
#include "scenarios/runner.hpp"

#include <cstdio>
#include <exception>
#include <optional>

namespace lbsim::cli {

int run_command(const std::string& file, const std::string& out_dir, const std::vector<std::string>& overrides,
                bool quiet, const std::string& access_log, bool force)
{
  models::SystemConfig config;
  try {
    config = scenarios::load_scenario_file(file, overrides);
  } catch (const scenarios::ScenarioError& e) {
    print_error(e.what());
    return 1;
  }
  for (const std::string& w : config.warnings) std::fprintf(stderr, "%s\n", w.c_str());
  if (!accept_run_estimate(file, config, force)) return 1;
  try {
    if (!access_log.empty() && !config.gateway) {
      std::fprintf(stderr, "%s: error: --access-log writes the gateway's access log, and this scenario has no gateway\n",
                   file.c_str());
      return 1;
    }
    std::optional<RunProgress> progress;
    if (!quiet && RunProgress::wanted()) {
      std::optional<double> end_s;
      if (config.duration) end_s = (config.warmup + *config.duration).seconds();
      progress.emplace(end_s, config.stop_requests);
    }
    const models::RunSummary summary =
        scenarios::run_scenario(config, out_dir, progress ? &*progress : nullptr, access_log);
    if (progress) progress->finish();
    if (!quiet) std::fputs(summary_table(summary).c_str(), stdout);
    if (!out_dir.empty() && !quiet)
      std::printf("\nresults written to %s (summary.json, timeseries.csv, servers.csv, services.csv, links.csv, events.csv)\n", out_dir.c_str());
    if (!access_log.empty() && !quiet) std::printf("access log written to %s\n", access_log.c_str());
    return summary.stopped_early ? 1 : 0;
  } catch (const scenarios::RunOutOfMemory& e) {
    std::fprintf(stderr, "%s: error: %s\n", file.c_str(), e.what());
    return 1;
  } catch (const std::exception& e) {
    print_error(file + ": error: the run failed: " + e.what());
    return 1;
  }
}

}  // namespace lbsim::cli
