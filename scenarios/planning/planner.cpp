#include "scenarios/planning/planner.hpp"

#include "scenarios/results/results_writer.hpp"
#include "scenarios/studies/study_store.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <utility>

namespace lbsim::scenarios {

double upper_confidence_bound(const MeanInterval& m, double confidence)
{
  if (m.n < 2) return std::numeric_limits<double>::infinity();
  if (!(m.stddev > 0)) return m.mean;
  const double n = static_cast<double>(m.n);
  return m.mean + student_t_quantile(confidence, n - 1) * m.stddev / std::sqrt(n);
}

namespace {

// The bisection of one combination over the count's values (indices into PlanSpec::count_values).
struct Search {
  std::size_t combination = 0;
  bool checked_max = false;
  std::size_t lo = 0, hi = 0;  // the smallest meeting index is in [lo, hi] once checked_max
  bool done = false;
};

struct Metrics {
  bool ok = false;
  std::string error;
  std::vector<double> slo;  // one per objective
  double cost_total = 0, cost_per_hour = 0;
};

double find(const std::vector<std::pair<std::string, double>>& metrics, const std::string& name)
{
  for (const auto& [path, value] : metrics)
    if (path == name) return value;
  return std::nan("");
}

Metrics read_outcome(const PlanSpec& spec, const RunOutcome& outcome)
{
  Metrics m;
  if (!outcome.ok) {
    m.error = outcome.error.empty() ? "the run failed" : outcome.error;
    return m;
  }
  const auto metrics = summary_metrics(outcome.summary_json);
  for (const SloTarget& target : spec.slo) {
    if (target.metric == "error_rate") {
      const double arrived = find(metrics, "requests.arrived");
      const double errors = find(metrics, "requests.rejected") + find(metrics, "requests.failed");
      m.slo.push_back(arrived > 0 ? errors / arrived : 0.0);
    } else {
      m.slo.push_back(find(metrics, target.metric));
    }
  }
  m.cost_total = find(metrics, "cost.total");
  const double hours = find(metrics, "simulated_s") / 3600.0;
  m.cost_per_hour = hours > 0 ? m.cost_total / hours : 0.0;
  m.ok = true;
  return m;
}

}  // namespace

PlanResult run_plan(const PlanSpec& spec, const PlanOptions& options)
{
  const auto started = std::chrono::steady_clock::now();
  PlanResult result;
  const std::size_t combinations = spec.combination_count();
  const std::size_t replications = static_cast<std::size_t>(spec.base.replications);
  const std::size_t counts = spec.count ? spec.count_values.size() : 1;

  // The choices' grid, the last key fastest (as a study's).
  for (std::size_t c = 0; c < combinations; ++c) {
    PlanCombination combo;
    combo.combination = c;
    combo.values.resize(spec.choices.size());
    std::size_t rest = c;
    for (std::size_t k = spec.choices.size(); k-- > 0;) {
      const StudyAxis& axis = spec.choices[k];
      combo.values[k] = axis.values[rest % axis.values.size()];
      rest /= axis.values.size();
    }
    result.combinations.push_back(std::move(combo));
  }
  auto choice_overrides = [&](std::size_t c) {
    std::vector<std::string> out(spec.choices.size());
    std::size_t rest = c;
    for (std::size_t k = spec.choices.size(); k-- > 0;) {
      const StudyAxis& axis = spec.choices[k];
      out[k] = axis.key + "=" + axis.value_texts[rest % axis.values.size()];
      rest /= axis.values.size();
    }
    return out;
  };

  std::map<std::pair<std::size_t, std::size_t>, std::size_t> evaluated;  // (combination, count index) -> candidate
  auto meets = [&](std::size_t c, std::size_t i) -> std::optional<bool> {
    const auto it = evaluated.find({c, i});
    if (it == evaluated.end()) return std::nullopt;
    return result.candidates[it->second].meets;
  };

  std::vector<Search> searches(combinations);
  for (std::size_t c = 0; c < combinations; ++c) searches[c].combination = c;

  // Advances a search as far as the evaluated candidates allow; returns the count index it needs next.
  auto step = [&](Search& s) -> std::optional<std::size_t> {
    PlanCombination& combo = result.combinations[s.combination];
    while (!s.done) {
      if (!s.checked_max) {
        const auto m = meets(s.combination, counts - 1);
        if (!m) return counts - 1;
        s.checked_max = true;
        if (!*m) {
          s.done = true;  // not even the largest count meets it
          break;
        }
        s.lo = 0;
        s.hi = counts - 1;
      } else if (s.lo < s.hi) {
        const std::size_t mid = s.lo + (s.hi - s.lo) / 2;
        const auto m = meets(s.combination, mid);
        if (!m) return mid;
        if (*m) s.hi = mid;
        else s.lo = mid + 1;
      } else {
        // Verify at the boundary: the count below must fail.
        combo.best = evaluated.at({s.combination, s.hi});
        if (s.hi == 0) {
          s.done = true;
          break;
        }
        const auto m = meets(s.combination, s.hi - 1);
        if (!m) return s.hi - 1;
        if (*m) {
          combo.not_monotone = true;  // it meets too: step down
          s.lo = s.hi = s.hi - 1;
          continue;
        }
        combo.verified_below = true;
        s.done = true;
      }
    }
    return std::nullopt;
  };

  std::unique_ptr<ThreadDispatcher> threads;
  RunDispatcher* dispatcher = options.dispatcher;
  if (!dispatcher) {
    threads = std::make_unique<ThreadDispatcher>(options.jobs);
    dispatcher = threads.get();
  }
  const RunDispatcher::Execute execute =
      options.execute ? options.execute
                      : RunDispatcher::Execute([&spec](const RunTask& task) { return execute_run(spec.base, task); });

  std::size_t round = 0;
  while (true) {
    // Every search's next candidate, run together (their replications in parallel).
    std::vector<std::size_t> fresh;
    for (Search& s : searches) {
      const auto need = step(s);
      if (!need) continue;
      PlanCandidate candidate;
      candidate.index = result.candidates.size();
      candidate.combination = s.combination;
      candidate.values = result.combinations[s.combination].values;
      if (spec.count) {
        candidate.count = spec.count_values[*need];
        candidate.overrides.push_back(spec.count->key + "=" + std::to_string(*candidate.count));
      }
      for (std::string& o : choice_overrides(s.combination)) candidate.overrides.push_back(std::move(o));
      for (const std::string& o : candidate.overrides) candidate.label += (candidate.label.empty() ? "" : " ") + o;
      if (candidate.label.empty()) candidate.label = "the base scenario";
      evaluated[{s.combination, *need}] = candidate.index;
      fresh.push_back(candidate.index);
      result.candidates.push_back(std::move(candidate));
    }
    if (fresh.empty()) break;
    ++round;

    std::vector<RunTask> tasks;
    for (std::size_t index : fresh) {
      const PlanCandidate& candidate = result.candidates[index];
      for (std::size_t r = 0; r < replications; ++r) {
        RunTask task;
        task.point = index;
        task.replication = r;
        // Common random numbers: replication r has the same seed in every candidate.
        task.seed = study_run_seed(spec.base.master_seed, 0, r);
        task.overrides = spec.base.overrides;
        task.overrides.insert(task.overrides.end(), candidate.overrides.begin(), candidate.overrides.end());
        task.overrides.push_back("seed=" + std::to_string(task.seed));
        tasks.push_back(std::move(task));
      }
    }
    std::map<std::size_t, std::vector<Metrics>> outcomes;  // candidate -> per replication
    for (std::size_t index : fresh) outcomes[index].resize(replications);
    dispatcher->dispatch(tasks, execute, [&](RunOutcome&& outcome) {
      outcomes.at(outcome.point).at(outcome.replication) = read_outcome(spec, outcome);
      return true;
    });
    result.runs += tasks.size();

    // Statistics in replication order, whatever order the runs finished in.
    for (std::size_t index : fresh) {
      PlanCandidate& candidate = result.candidates[index];
      const std::vector<Metrics>& runs = outcomes.at(index);
      std::vector<std::vector<double>> values(spec.slo.size());
      std::vector<double> costs, totals;
      for (const Metrics& m : runs) {
        if (!m.ok) {
          ++candidate.failed;
          if (candidate.error.empty()) candidate.error = m.error;
          continue;
        }
        ++candidate.runs;
        for (std::size_t k = 0; k < spec.slo.size(); ++k) values[k].push_back(m.slo[k]);
        costs.push_back(m.cost_per_hour);
        totals.push_back(m.cost_total);
      }
      candidate.meets = candidate.failed == 0 && candidate.runs >= 2;
      for (std::size_t k = 0; k < spec.slo.size(); ++k) {
        candidate.slo.push_back(mean_interval(values[k], spec.base.confidence));
        candidate.upper.push_back(upper_confidence_bound(candidate.slo.back(), spec.base.confidence));
        if (!(candidate.upper.back() < spec.slo[k].limit)) candidate.meets = false;
      }
      candidate.cost_per_hour = costs.empty() ? 0.0 : mean_interval(costs, spec.base.confidence).mean;
      candidate.cost_total = totals.empty() ? 0.0 : mean_interval(totals, spec.base.confidence).mean;
    }
    if (options.on_log) {
      std::size_t met = 0;
      for (std::size_t index : fresh) met += result.candidates[index].meets;
      options.on_log("plan: round " + std::to_string(round) + ": " + std::to_string(fresh.size()) + " candidate" +
                     (fresh.size() == 1 ? "" : "s") + " x " + std::to_string(replications) + " replications, " +
                     std::to_string(met) + " met the SLO");
    }
  }

  for (const PlanCandidate& candidate : result.candidates)
    if (candidate.meets) result.ranking.push_back(candidate.index);
  std::stable_sort(result.ranking.begin(), result.ranking.end(), [&](std::size_t a, std::size_t b) {
    const PlanCandidate& x = result.candidates[a];
    const PlanCandidate& y = result.candidates[b];
    if (x.cost_per_hour != y.cost_per_hour) return x.cost_per_hour < y.cost_per_hour;
    if (x.count != y.count) return x.count < y.count;
    const double ux = x.upper.empty() ? 0 : x.upper[0], uy = y.upper.empty() ? 0 : y.upper[0];
    return ux < uy;
  });
  result.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

std::string plan_csv(const PlanSpec& spec, const PlanResult& result)
{
  std::string out = "candidate,combination";
  if (spec.count) out += "," + csv_field(spec.count->key);
  for (const StudyAxis& axis : spec.choices) out += "," + csv_field(axis.key);
  out += ",runs,failed";
  for (const SloTarget& t : spec.slo) out += "," + csv_field(t.name + "_mean") + "," + csv_field(t.name + "_upper") + "," + csv_field(t.name + "_limit");
  out += ",cost_per_hour,cost_total,meets,rank,error\n";
  std::vector<std::size_t> rank_of(result.candidates.size(), 0);
  for (std::size_t r = 0; r < result.ranking.size(); ++r) rank_of[result.ranking[r]] = r + 1;
  auto number = [](double v) { return std::isfinite(v) ? format_number(v) : std::string(); };
  for (const PlanCandidate& c : result.candidates) {
    out += std::to_string(c.index) + "," + std::to_string(c.combination);
    if (spec.count) out += "," + std::to_string(c.count.value_or(0));
    for (const std::string& v : c.values) out += "," + csv_field(v);
    out += "," + std::to_string(c.runs) + "," + std::to_string(c.failed);
    for (std::size_t k = 0; k < spec.slo.size(); ++k)
      out += "," + number(c.slo.at(k).mean) + "," + number(c.upper.at(k)) + "," + number(spec.slo[k].limit);
    out += "," + number(c.cost_per_hour) + "," + number(c.cost_total) + "," + (c.meets ? "true" : "false") + "," +
           (rank_of[c.index] ? std::to_string(rank_of[c.index]) : std::string()) + "," + csv_field(c.error) + "\n";
  }
  return out;
}

}  // namespace lbsim::scenarios
