// Reading a plan file: a base scenario, a service-level objective, and the configurations to search
// for the cheapest one that meets it (docs/planning.md). Checked before any run, with
// file:line:column errors, like a study file.
//
//   plan: web-capacity
//   scenario: web-api.yaml            # relative to the plan file
//   slo: { p99: 200 ms, error_rate: 0.1% }
//   search:
//     servers[web].count: { min: 2, max: 12 }   # or a list [2, 4, 8]; searched by bisection
//     servers[web].size: [small, large]        # any other --set key: every value is tried
//     balancer.algorithm: [round_robin, least_connections]
//   replications: 5
//   confidence: 0.95
#pragma once

#include "scenarios/studies/study_spec.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace lbsim::scenarios {

// One objective: the upper confidence bound of a metric's mean over the replications must be
// below `limit`.
struct SloTarget {
  std::string name;    // as written: "p99", "mean", "p99.9", "error_rate"
  std::string metric;  // "latency_s.p99", ... or "error_rate" ((rejected + failed) / arrived)
  double limit = 0;    // seconds for latencies, a fraction for error_rate
  std::string limit_text;  // as written: "200 ms", "0.1%"
  SourceLocation at;
};

struct PlanSpec {
  StudySpec base;  // the scenario (text, file, folder), --set overrides, master seed, replications, confidence
  std::string name;
  std::vector<SloTarget> slo;
  // The searched count: the key given as {min, max} (servers[web].count, servers[s].cores), or a
  // list of a key ending in ".count"; its values (ascending) are searched by bisection, assuming
  // that more never breaks the SLO. Absent: every combination is run.
  std::optional<StudyAxis> count;
  std::vector<long> count_values;  // ascending
  std::vector<StudyAxis> choices;  // the other keys: every combination of their values is tried
  // The number of (choices) combinations.
  std::size_t combination_count() const;
};

// Throws ScenarioError at the plan file's line and column.
PlanSpec load_plan_file(const std::string& path, const std::vector<std::string>& overrides = {});
PlanSpec load_plan_text(const std::string& text, const std::string& file, const std::string& base_dir,
                        const std::vector<std::string>& overrides = {});

}  // namespace lbsim::scenarios
