// Capacity planning: the cheapest configuration of a plan's search space that meets its SLO with
// the stated confidence (docs/planning.md).
//
// For every combination of the non-count search values (size, algorithm, ...), the smallest server
// count that meets the SLO is found by bisection over the count's values, assuming that adding
// servers never breaks the SLO (monotonicity). The answer is verified at the boundary: the found
// count meets the SLO and the count below it (when searched) does not; when the count below meets
// too, the search steps down and says the SLO was not monotone. A candidate "meets" when, for every
// objective, the one-sided Student-t upper confidence bound of the metric's mean over the
// replications is below the limit. Every candidate's replications use the same seeds (common
// random numbers), so candidates differ by their configuration, not by their luck.
#pragma once

#include "scenarios/studies/confidence.hpp"
#include "scenarios/planning/plan_spec.hpp"
#include "scenarios/studies/study_runner.hpp"

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace lbsim::scenarios {

struct PlanCandidate {
  std::size_t index = 0;        // in evaluation order
  std::size_t combination = 0;  // of the choices, in grid order (the last key fastest)
  std::optional<long> count;    // the searched count, when the plan has one
  std::vector<std::string> values;     // one per PlanSpec::choices
  std::vector<std::string> overrides;  // "KEY=VALUE": the count, then the choices
  std::size_t runs = 0, failed = 0;    // runs with results; failed runs
  std::string error;                   // why the first failed run failed
  std::vector<MeanInterval> slo;       // one per PlanSpec::slo, over the runs with results
  std::vector<double> upper;           // one-sided upper confidence bound of each mean
  double cost_per_hour = 0;            // mean of cost.total / measured hours
  double cost_total = 0;               // mean of cost.total
  bool meets = false;
  std::string label;  // "servers[web].count=4 balancer.algorithm=round_robin"
};

struct PlanCombination {
  std::size_t combination = 0;
  std::vector<std::string> values;
  std::optional<std::size_t> best;  // the candidate with the smallest count that meets the SLO
  bool verified_below = false;      // the count below `best` was run and fails
  bool not_monotone = false;        // a count below one that met was found to meet too
};

struct PlanResult {
  std::vector<PlanCandidate> candidates;      // every evaluated candidate, in evaluation order
  std::vector<PlanCombination> combinations;  // in grid order
  std::vector<std::size_t> ranking;  // candidates that meet the SLO: cheapest first (cost/h, servers, bound)
  std::size_t runs = 0;
  double wall_seconds = 0;
};

struct PlanOptions {
  int jobs = 0;                         // ThreadDispatcher when no dispatcher is given; <= 0: every core
  RunDispatcher* dispatcher = nullptr;
  std::function<void(const std::string&)> on_log;  // one line per evaluated round
  RunDispatcher::Execute execute;       // test hook: replaces execute_run
};

// mean + t(confidence, n - 1) * s / sqrt(n): the one-sided upper bound of the mean at `confidence`.
// The mean itself when the runs agree exactly (s = 0); +infinity when n < 2.
double upper_confidence_bound(const MeanInterval& m, double confidence);

PlanResult run_plan(const PlanSpec& spec, const PlanOptions& options = {});

// plan.csv: one row per evaluated candidate, in evaluation order.
std::string plan_csv(const PlanSpec& spec, const PlanResult& result);

}  // namespace lbsim::scenarios
