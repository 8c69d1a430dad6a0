// Reading a study file: a base scenario, the values to vary (a grid of every combination), how
// many replications, the confidence level and the metrics to report. Everything is checked before
// any run starts, and every problem is a ScenarioError at the study file's line and column:
// unknown keys, a missing scenario file, a vary path that does not lead anywhere, a value the
// scenario does not accept, a metric summary.json does not have.
//
//   study: algorithms-vs-load
//   scenario: quickstart.yaml          # relative to the study file
//   replications: 5
//   vary:
//     balancer.algorithm: [round_robin, least_connections]
//     clients[0].arrivals.rate: [200/s, 300/s]
//   confidence: 0.95
//   report: [latency_s.mean, latency_s.p99, throughput_rps, requests.rejected]
#pragma once

#include "models/system_config.hpp"
#include "scenarios/format/scenario_error.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace lbsim::scenarios {

// One varied key: a dotted key path, exactly as --set takes it, and its values.
struct StudyAxis {
  std::string key;                        // "clients[0].arrivals.rate"
  std::vector<std::string> values;        // as shown in tables and CSV files: "300/s", "{mean: 4 ms}"
  std::vector<std::string> value_texts;   // as given to --set KEY=VALUE_TEXT (YAML, quoted if needed)
  SourceLocation key_at;
  std::vector<SourceLocation> value_at;
};

// A metric to report: a dotted path to a number (or true/false) in summary.json.
struct StudyMetric {
  std::string path;  // "latency_s.p99", "requests.rejected", "servers[web-1].utilization"
  SourceLocation at;
};

struct StudySpec {
  std::string file;           // the study file, as given
  std::string name;           // `study`, or the file's stem
  std::string scenario_file;  // the base scenario: `scenario` resolved against the study file's folder
  std::string scenario_dir;   // relative paths inside the scenario resolve against this folder
  std::string scenario_text;  // the base scenario's YAML, as read once (every run starts from it)
  std::vector<std::string> overrides;  // --set KEY=VALUE for the base scenario, before the varied values
  uint64_t master_seed = 1;   // the base scenario's seed (after the overrides)
  int replications = 1;
  double confidence = 0.95;
  std::vector<StudyAxis> vary;  // in file order; the last key varies fastest in the grid
  std::vector<StudyMetric> report;

  // Points in the grid: the product of the number of values of every axis (1 with no `vary`).
  std::size_t point_count() const;
  std::size_t run_count() const { return point_count() * static_cast<std::size_t>(replications); }
};

// The report used when a study has no `report` key.
std::vector<std::string> default_report_metrics();

// Reads and checks a study file and its base scenario. `overrides` are --set KEY=VALUE strings for
// the base scenario. Throws ScenarioError (file:line:column and what was expected).
StudySpec load_study_file(const std::string& path, const std::vector<std::string>& overrides = {});
// `file` labels messages; the scenario path resolves against `base_dir`.
StudySpec load_study_text(const std::string& text, const std::string& file, const std::string& base_dir,
                          const std::vector<std::string>& overrides = {});

// Every number of a summary.json text (see summary_json()) as (dotted path, value), in document
// order: "requests.rejected", "latency_s.p99", "servers[web-1].utilization" (items of a list are
// picked by their "name", else by index). true/false are 1/0; text, null and the wall-clock block
// "wall" (which differs between identical runs) are left out.
std::vector<std::pair<std::string, double>> summary_metrics(const std::string& summary_json_text);

// The metrics a run of `config` will have in its summary.json (paths as summary_metrics gives
// them), without running it.
std::vector<std::string> summary_metric_names(const models::SystemConfig& config);

}  // namespace lbsim::scenarios
