// The lbsim commands, one file each; main.cpp wires them to the command line.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lbsim::cli {

// Exit codes: 0 success, 1 the scenario or its run failed (message on stderr), 2 bad command line.
// `force`: start a run beyond the estimated-work limit (cli/estimate_report.hpp) anyway.
int check_command(const std::string& file, const std::vector<std::string>& overrides, bool force = false);
int run_command(const std::string& file, const std::string& out_dir, const std::vector<std::string>& overrides,
                bool quiet, const std::string& access_log = {}, bool force = false);
int trace_command(const std::string& file, uint64_t requests, const std::vector<std::string>& overrides);

struct BenchOptions {
  uint64_t requests = 2'000'000;
  uint64_t memory_requests = 20'000'000;  // 0 skips the memory check
  int servers = 16;
  double load = 0.9;  // per-server utilization offered
  std::string algorithms = "both";  // an algorithm name, both (W1's pair) or all
  std::string workloads = "both";   // W1, W2, both, GW (the gateway shop) or all
  std::string out_dir;              // where the runs write their files (a temporary folder by default)
  int w3_servers = 100'000;          // W3's scale, lowered to test it quickly
  uint32_t w3_addresses = 1'000'000;
};
int bench_command(const BenchOptions& options);
// W3, scale in everything (cli/bench_w3.cpp), for bench_command.
int bench_w3(const BenchOptions& options, const std::vector<std::string>& algorithms, const std::string& out_root);

// Renders a results folder's charts to PNG by running lbsim-plot (a Qt program; lbsim has no Qt).
int plot_command(const std::string& results_dir, const std::string& out_dir, int width, int height);
struct RemapCommandOptions {
  std::string algorithm = "all";  // an algorithm name or all
  uint32_t servers = 10;          // N before the change (>= 2)
  uint32_t keys = 10'000;         // distinct client addresses
};
int remap_command(const RemapCommandOptions& options);

// Writes the scenario equivalent to an nginx upstream or HAProxy backend in `file` (to stdout, or
// to `out_file`, which must not exist); `name` chooses among several.
int import_command(const std::string& file, const std::string& name, const std::string& out_file);

}  // namespace lbsim::cli
