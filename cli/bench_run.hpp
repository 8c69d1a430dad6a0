// What every `lbsim bench` workload shares: running a scenario text, peak memory, one table row.
#pragma once

#include "models/metrics/run_summary.hpp"

#include <string>

namespace lbsim::cli {

// Loads the scenario text (named <name> in messages) and runs it, writing its files into out_dir.
models::RunSummary run_bench_scenario(const std::string& text, const std::string& name, const std::string& out_dir);

// The process's peak resident set so far, in MiB (it only grows).
double peak_rss_mib();

double p99_seconds(const models::RunSummary& summary);

// The table every workload prints: its header, and a row per run (per request over completed ones).
void print_bench_header();
void print_bench_row(const std::string& workload, const std::string& algorithm, const models::RunSummary& summary);

}  // namespace lbsim::cli
