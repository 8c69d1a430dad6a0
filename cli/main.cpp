// lbsim: the command line. Each subcommand lives in its own file (check, run, trace, bench, remap, import, study,
// plan, plot).
#include "cli/commands.hpp"
#include "cli/plan_command.hpp"
#include "cli/study_command.hpp"
#include "cli/usage_errors.hpp"

#include <CLI/CLI.hpp>

int main(int argc, char** argv)
{
  CLI::App app{"lbsim: a deterministic simulator of load balancing and scaling.\n"
               "Describe a system in YAML, run it, read latency percentiles, throughput, utilization and cost."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "lbsim 0.1.0");
  app.footer(lbsim::cli::exit_status_help());

  std::string file, out_dir, access_log;
  std::vector<std::string> overrides;
  bool quiet = false, force = false;
  uint64_t trace_requests = 20;
  lbsim::cli::BenchOptions bench;

  auto add_set = [&](CLI::App* command) {
    command->add_option("--set", overrides, "Override a scenario value: KEY=VALUE with a dotted key path, "
                                            "e.g. --set balancer.algorithm=least_connections (repeatable)");
  };

  CLI::App* check = app.add_subcommand("check", "Validate a scenario file and say what it describes");
  check->add_option("FILE", file, "Scenario YAML file")->required();
  add_set(check);
  check->add_flag("--force", force, "Say ok to a run beyond the estimated-work limit (docs/reliability.md)");

  CLI::App* run = app.add_subcommand("run", "Run a scenario, print a summary and optionally write result files");
  run->add_option("FILE", file, "Scenario YAML file")->required();
  run->add_option("--out", out_dir, "Folder for summary.json and the CSV files (docs/results.md)");
  run->add_flag("--quiet,-q", quiet, "Print nothing on success");
  run->add_option("--access-log", access_log,
                  "With a gateway: write its access log, one CSV row per request (docs/results.md, \"Access log\")");
  add_set(run);
  run->add_flag("--force", force, "Start a run beyond the estimated-work limit anyway (docs/reliability.md)");

  CLI::App* trace = app.add_subcommand("trace", "Print which server each request went to, as CSV");
  trace->add_option("FILE", file, "Scenario YAML file")->required();
  trace->add_option("--requests,-n", trace_requests, "How many requests to trace")->check(CLI::PositiveNumber);
  add_set(trace);

  CLI::App* bench_app = app.add_subcommand(
      "bench", "Run the speed workloads (W1: one pool; W2: a chain of three services; GW: a shop behind a gateway; W3: scale) and print wall time, events/s, "
               "peak memory");
  bench_app->add_option("--requests", bench.requests, "Requests per timed run")->check(CLI::PositiveNumber);
  bench_app->add_option("--memory-requests", bench.memory_requests,
                        "Requests for the memory check run (0 skips it)");
  bench_app->add_option("--servers", bench.servers, "Servers (K)")->check(CLI::PositiveNumber);
  bench_app->add_option("--load", bench.load, "Offered load per server (W1: 0.9)")->check(CLI::Range(0.01, 0.99));
  bench_app->add_option("--algorithm", bench.algorithms,
                        "An algorithm name, 'both' (round_robin and least_connections, the W1 pair) or 'all'");
  bench_app->add_option("--workload", bench.workloads,
                        "W1, W2, both (W1 and W2), GW, all, W1C (W1 and W1's pool under closed-loop users), or PS "
                        "(about 100 requests in service per server: processor sharing against FIFO), or W3 (scale in everything: "
                        "100,000 servers, 10^6 client addresses; ip_hash, maglev and power_of_two_choices unless --algorithm)")
      ->check(CLI::IsMember({"W1", "W2", "both", "GW", "all", "W1C", "PS", "W3"}));
  bench_app->add_option("--w3-servers", bench.w3_servers, "W3's servers (100,000, in up to 1,000 groups)")
      ->check(CLI::PositiveNumber);
  bench_app->add_option("--w3-addresses", bench.w3_addresses, "W3's client addresses (1,000,000)")
      ->check(CLI::PositiveNumber);
  bench_app->add_option("--out", bench.out_dir, "Keep the runs' result files in this folder");

  lbsim::cli::RemapCommandOptions remap;
  CLI::App* remap_app = app.add_subcommand(
      "remap", "Print the share of clients each algorithm moves when one server is added or removed");
  remap_app->add_option("--algorithm", remap.algorithm, "An algorithm name or 'all'");
  remap_app->add_option("--servers", remap.servers, "Servers before the change (N)")->check(CLI::Range(2, 100000));
  remap_app->add_option("--keys", remap.keys, "Distinct client addresses")->check(CLI::Range(1, 1 << 24));

  std::string import_name;
  CLI::App* import_app = app.add_subcommand(
      "import", "Write the scenario of an nginx upstream block, an nginx server's locations (services behind a "
                "gateway) or a HAProxy backend (each line names its directive)");
  import_app->add_option("FILE", file, "An nginx or HAProxy configuration file")->required();
  import_app->add_option("--name", import_name, "The upstream or backend to import when the file has several");
  import_app->add_option("--out", out_dir, "Write the scenario to this file (it must not exist) instead of stdout");

  int jobs = 0;
  CLI::App* study = app.add_subcommand("study", "Run a study: a grid of values x replications, with confidence intervals");
  study->add_option("FILE", file, "Study YAML file")->required();
  study->add_option("--out", out_dir, "Folder for summary.csv, runs.csv and study.db");
  study->add_option("--jobs,-j", jobs,
                    "Runs at a time (default: every core); under mpirun with several ranks, the runs rank 0 does "
                    "besides coordinating (default: none)")
      ->check(CLI::NonNegativeNumber);
  add_set(study);

  CLI::App* plan = app.add_subcommand("plan", "Find the cheapest configuration that meets an SLO with confidence");
  plan->add_option("FILE", file, "Plan YAML file (scenario, slo, search; docs/planning.md)")->required();
  plan->add_option("--out", out_dir, "Folder for plan.csv (every evaluated candidate)");
  plan->add_option("--jobs,-j", jobs, "Runs at a time (default: every core)")->check(CLI::NonNegativeNumber);
  add_set(plan);

  int plot_width = 1000, plot_height = 600;
  CLI::App* plot = app.add_subcommand("plot", "Render a results folder's charts to PNG without a display (runs lbsim-plot)");
  plot->add_option("RESULTS_DIR", file, "A results folder (lbsim run --out or lbsim study --out)")->required();
  plot->add_option("--out", out_dir, "Folder for the PNG files")->required();
  plot->add_option("--width", plot_width, "Image width in pixels")->check(CLI::Range(100, 10000));
  plot->add_option("--height", plot_height, "Image height in pixels")->check(CLI::Range(100, 10000));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(e);  // --help, --version
    return lbsim::cli::report_parse_error(app, e, std::vector<std::string>(argv + 1, argv + argc));
  }

  if (*check) return lbsim::cli::check_command(file, overrides, force);
  if (*run) return lbsim::cli::run_command(file, out_dir, overrides, quiet, access_log, force);
  if (*trace) return lbsim::cli::trace_command(file, trace_requests, overrides);
  if (*bench_app) return lbsim::cli::bench_command(bench);
  if (*remap_app) return lbsim::cli::remap_command(remap);
  if (*import_app) return lbsim::cli::import_command(file, import_name, out_dir);
  if (*study) return lbsim::cli::study_command(file, out_dir, jobs, overrides);
  if (*plan) return lbsim::cli::plan_command(file, out_dir, jobs, overrides);
  if (*plot) return lbsim::cli::plot_command(file, out_dir, plot_width, plot_height);
  return lbsim::cli::kUsageError;
}
