// lbsim study FILE --out DIR [--jobs N] [--set KEY=VALUE ...]: runs a study (a grid of varied
// values times replications) on local cores, keeps every finished run in DIR/study.db, writes
// DIR/runs.csv and DIR/summary.csv, and prints a table of means and confidence intervals.
#pragma once

#include <string>
#include <vector>

namespace lbsim::cli {

// `jobs` <= 0 means every core. An empty `out_dir` means results/STUDY-NAME.
// Exit codes: 0 every run succeeded; 1 the study file is wrong, the results could not be stored,
// or some runs failed (the study still runs every other run and writes its files).
int study_command(const std::string& file, const std::string& out_dir, int jobs, const std::vector<std::string>& overrides);

}  // namespace lbsim::cli
