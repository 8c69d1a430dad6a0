#include "cli/plan_command.hpp"

#include "cli/terminal_text.hpp"

#include "scenarios/planning/plan_spec.hpp"
#include "scenarios/planning/planner.hpp"
#include "scenarios/results/results_writer.hpp"
#include "scenarios/studies/study_mpi.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace lbsim::cli {

namespace {

std::string format_g(double value, int digits)
{
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*g", digits, value);
  return buffer;
}

// A value of an objective: latencies in ms, error rates in percent.
std::string show(const scenarios::SloTarget& target, double value)
{
  if (std::isinf(value)) return "inf";
  if (!std::isfinite(value)) return "-";
  if (target.metric == "error_rate") return format_g(100.0 * value, 3) + "%";
  return format_g(1000.0 * value, 4) + " ms";
}

std::string margin(const scenarios::SloTarget& target, double upper)
{
  if (!std::isfinite(upper)) return "-";
  const double m = target.limit - upper;
  return show(target, m) + " (" + format_g(100.0 * m / target.limit, 3) + "%)";
}

std::string money(double per_hour)
{
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.4g/h", per_hour);
  return buffer;
}

std::string table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows)
{
  auto width = [](const std::string& s) {
    std::size_t w = 0;
    for (unsigned char c : s) w += (c & 0xC0) != 0x80;
    return w;
  };
  std::vector<std::size_t> widths(header.size());
  for (std::size_t c = 0; c < header.size(); ++c) widths[c] = width(header[c]);
  for (const auto& row : rows)
    for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], width(row[c]));
  auto line = [&](const std::vector<std::string>& row) {
    std::string out;
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (c) out += "  ";
      out += row[c] + (c + 1 == row.size() ? "" : std::string(widths[c] - width(row[c]), ' '));
    }
    return out + "\n";
  };
  std::string out = line(header);
  for (const auto& row : rows) out += line(row);
  return out;
}

std::string candidate_table(const scenarios::PlanSpec& spec, const scenarios::PlanResult& result,
                            const std::vector<std::size_t>& shown, const std::string& first_column,
                            const std::vector<std::string>& first_values)
{
  std::vector<std::string> header = {first_column};
  if (spec.count) header.push_back(spec.count->key);
  for (const scenarios::StudyAxis& axis : spec.choices) header.push_back(axis.key);
  header.push_back("cost");
  for (const scenarios::SloTarget& t : spec.slo) {
    header.push_back(t.name + " mean");
    header.push_back(t.name + " upper");
    header.push_back(t.name + " margin");
  }
  header.push_back("runs");
  std::vector<std::vector<std::string>> rows;
  for (std::size_t i = 0; i < shown.size(); ++i) {
    const scenarios::PlanCandidate& c = result.candidates.at(shown[i]);
    std::vector<std::string> row = {first_values.at(i)};
    if (spec.count) row.push_back(std::to_string(c.count.value_or(0)));
    for (const std::string& v : c.values) row.push_back(v);
    row.push_back(money(c.cost_per_hour));
    for (std::size_t k = 0; k < spec.slo.size(); ++k) {
      row.push_back(show(spec.slo[k], c.slo.at(k).mean));
      row.push_back(show(spec.slo[k], c.upper.at(k)));
      row.push_back(margin(spec.slo[k], c.upper.at(k)));
    }
    row.push_back(std::to_string(c.runs) + (c.failed ? " (" + std::to_string(c.failed) + " failed)" : ""));
    rows.push_back(std::move(row));
  }
  return table(header, rows);
}

std::string slo_text(const scenarios::PlanSpec& spec)
{
  std::string out;
  for (const scenarios::SloTarget& t : spec.slo) out += (out.empty() ? "" : " and ") + t.name + " < " + t.limit_text;
  return out;
}

}  // namespace

int plan_command(const std::string& file, const std::string& out_dir, int jobs, const std::vector<std::string>& overrides)
{
  // Under mpirun/srun (built with MPI): rank 0 plans and hands the runs out; the other ranks run
  // them, as in a study (docs/studies.md, "On a cluster with MPI").
  std::unique_ptr<scenarios::MpiSession> mpi;
  try {
    mpi = scenarios::MpiSession::open_if_launched();
  } catch (const std::exception& e) {
    print_error(std::string("lbsim plan: ") + e.what());
    return 1;
  }
  if (mpi && mpi->rank() != 0) {
    scenarios::PlanSpec worker_spec;
    std::string load_error;
    try {
      worker_spec = scenarios::load_plan_file(file, overrides);
    } catch (const std::exception& e) {
      load_error = "rank " + std::to_string(mpi->rank()) + " on " + mpi->host() + " could not read the plan: " + e.what();
    }
    mpi->serve([&](const scenarios::RunTask& task) {
      if (!load_error.empty()) return scenarios::RunOutcome{task.point, task.replication, false, load_error, {}};
      return scenarios::execute_run(worker_spec.base, task);
    });
    return 0;
  }

  scenarios::PlanSpec spec;
  try {
    spec = scenarios::load_plan_file(file, overrides);
  } catch (const scenarios::ScenarioError& e) {
    print_error(e.what());
    return 1;
  }

  const std::size_t combos = spec.combination_count();
  std::string space = std::to_string(combos) + " combination" + (combos == 1 ? "" : "s");
  for (const scenarios::StudyAxis& axis : spec.choices)
    space += (&axis == &spec.choices.front() ? " of " : " x ") + axis.key + " (" + std::to_string(axis.values.size()) + ")";
  if (spec.count)
    space += ", " + spec.count->key + " in " + std::to_string(spec.count_values.front()) + ".." +
             std::to_string(spec.count_values.back()) + " (" + std::to_string(spec.count_values.size()) +
             " values, by bisection)";
  std::fprintf(stderr, "plan %s: %s, %d replications each\n", spec.name.c_str(), space.c_str(), spec.base.replications);

  scenarios::PlanOptions options;
  options.jobs = jobs;
  std::unique_ptr<scenarios::MpiDispatcher> mpi_dispatcher;
  if (mpi && mpi->size() > 1) {
    mpi_dispatcher = std::make_unique<scenarios::MpiDispatcher>(*mpi, jobs);
    options.dispatcher = mpi_dispatcher.get();
    std::fprintf(stderr, "plan: runs on %d MPI worker%s (%d ranks; rank 0 coordinates%s)\n", mpi_dispatcher->workers(),
                 mpi_dispatcher->workers() == 1 ? "" : "s", mpi->size(),
                 jobs > 0 ? (" and runs " + std::to_string(jobs) + " at a time").c_str() : "");
  }
  options.on_log = [](const std::string& line) {
    std::fprintf(stderr, "%s\n", line.c_str());
    std::fflush(stderr);
  };
  scenarios::PlanResult result;
  try {
    result = scenarios::run_plan(spec, options);
    if (!out_dir.empty()) {
      std::filesystem::create_directories(out_dir);
      scenarios::write_file_atomically((std::filesystem::path(out_dir) / "plan.csv").string(), scenarios::plan_csv(spec, result));
    }
  } catch (const std::exception& e) {
    print_error(file + ": error: " + e.what());
    return 1;
  }

  std::printf("plan %s: the cheapest configuration with %s at %s%% confidence\n", spec.name.c_str(), slo_text(spec).c_str(),
              format_g(100.0 * spec.base.confidence, 6).c_str());
  std::printf("(one-sided Student t upper bound of each mean over %d replications; cost per hour of measured time)\n",
              spec.base.replications);
  std::printf("searched %s: %zu candidates evaluated, %zu runs, %.1f s\n\n", space.c_str(), result.candidates.size(),
              result.runs, result.wall_seconds);

  int status = 0;
  if (result.ranking.empty()) {
    std::printf("no configuration in the search space meets the SLO (%s).\n", slo_text(spec).c_str());
    // The closest: the smallest worst ratio of upper bound to limit.
    std::vector<std::size_t> order;
    for (const scenarios::PlanCandidate& c : result.candidates) order.push_back(c.index);
    auto worst = [&](std::size_t i) {
      double w = 0;
      for (std::size_t k = 0; k < spec.slo.size(); ++k) {
        const double u = result.candidates[i].upper.at(k);
        w = std::max(w, std::isnan(u) ? INFINITY : u / spec.slo[k].limit);
      }
      return w;
    };
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return worst(a) < worst(b); });
    if (order.size() > 3) order.resize(3);
    if (!order.empty()) {
      std::printf("the closest candidates (a negative margin is how far each misses):\n\n");
      std::vector<std::string> labels;
      for (std::size_t i = 0; i < order.size(); ++i) labels.push_back(std::to_string(i + 1));
      std::fputs(candidate_table(spec, result, order, "closest", labels).c_str(), stdout);
    }
    std::printf("\nwiden the search (more servers, larger sizes), relax the SLO, or check the scenario.\n");
    status = 3;
  } else {
    const scenarios::PlanCandidate& best = result.candidates.at(result.ranking.front());
    std::printf("cheapest: %s\n  cost %s", best.label.c_str(), money(best.cost_per_hour).c_str());
    for (std::size_t k = 0; k < spec.slo.size(); ++k)
      std::printf("; %s upper bound %s, margin %s", spec.slo[k].name.c_str(), show(spec.slo[k], best.upper[k]).c_str(),
                  margin(spec.slo[k], best.upper[k]).c_str());
    std::printf("\n\n");
    std::vector<std::size_t> shown(result.ranking.begin(),
                                   result.ranking.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(4, result.ranking.size())));
    std::vector<std::string> labels = {"cheapest"};
    for (std::size_t i = 1; i < shown.size(); ++i) labels.push_back("runner-up " + std::to_string(i));
    std::fputs(candidate_table(spec, result, shown, "rank", labels).c_str(), stdout);
    if (shown.size() == 1) std::printf("(no other evaluated configuration meets the SLO)\n");
  }
  // How each combination's search ended.
  std::printf("\n");
  for (const scenarios::PlanCombination& combo : result.combinations) {
    std::string label;
    for (std::size_t k = 0; k < combo.values.size(); ++k)
      label += (k ? " " : "") + spec.choices[k].key + "=" + combo.values[k];
    if (label.empty()) label = "the scenario";
    if (!combo.best) {
      std::printf("%s: no searched value meets the SLO\n", label.c_str());
      continue;
    }
    const scenarios::PlanCandidate& c = result.candidates.at(*combo.best);
    if (spec.count) {
      std::printf("%s: smallest %s = %ld (%s)%s\n", label.c_str(), spec.count->key.c_str(), c.count.value_or(0),
                  combo.verified_below ? "one fewer fails"
                                       : "the smallest value searched",
                  combo.not_monotone ? "; the SLO was not monotone in the count here (a smaller count met it "
                                       "after a larger one had), see docs/planning.md"
                                     : "");
    } else {
      std::printf("%s: meets the SLO\n", label.c_str());
    }
  }
  if (!out_dir.empty()) std::printf("\nevery candidate: %s/plan.csv\n", out_dir.c_str());
  return status;
}

}  // namespace lbsim::cli
