#include "cli/study_command.hpp"

#include "cli/terminal_text.hpp"

#include "scenarios/studies/study_mpi.hpp"
#include "scenarios/studies/study_runner.hpp"
#include "scenarios/studies/study_spec.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <memory>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace lbsim::cli {

namespace {

std::string format_duration(double seconds)
{
  if (!(seconds >= 0) || !std::isfinite(seconds)) return "?";
  const long long total = std::llround(seconds);
  char buffer[32];
  if (total >= 3600)
    std::snprintf(buffer, sizeof buffer, "%lld:%02lld:%02lld", total / 3600, total / 60 % 60, total % 60);
  else
    std::snprintf(buffer, sizeof buffer, "%lld:%02lld", total / 60, total % 60);
  return buffer;
}

std::string format_g(double value, int digits)
{
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*g", digits, value);
  return buffer;
}

std::string point_label(const scenarios::StudySpec& spec, const scenarios::StudyPoint& point)
{
  if (spec.vary.empty()) return "point 0 (the base scenario)";
  std::string label = "point " + std::to_string(point.index) + " (";
  for (std::size_t k = 0; k < spec.vary.size(); ++k) label += (k ? ", " : "") + spec.vary[k].key + "=" + point.values[k];
  return label + ")";
}

// Progress on standard error: a bar redrawn in place on a terminal, plain lines otherwise (every
// 10% of the runs, and at least every 30 s).
class ProgressReporter {
public:
  explicit ProgressReporter(bool terminal) : terminal_(terminal) {}

  void update(const scenarios::StudyProgress& p)
  {
    last_ = p;
    const auto now = std::chrono::steady_clock::now();
    const bool done = p.finished == p.to_run;
    if (p.to_run == 0) return;
    if (terminal_) {
      if (!done && p.finished > 0 && now - last_draw_ < std::chrono::milliseconds(100)) return;
      draw_bar(p);
      last_draw_ = now;
      if (done) {
        std::fputc('\n', stderr);
        drawn_ = false;
      }
      return;
    }
    if (p.finished == 0) return;  // the study's first line says what is about to run
    const std::size_t decile = p.finished * 10 / p.to_run;
    if (decile == last_decile_ && now - last_draw_ < std::chrono::seconds(30) && !done) return;
    last_decile_ = decile;
    last_draw_ = now;
    std::fprintf(stderr, "study: %zu/%zu runs finished (%.0f%%)%s, %s elapsed%s\n", p.finished, p.to_run,
                 100.0 * static_cast<double>(p.finished) / static_cast<double>(p.to_run), failed_text(p).c_str(),
                 format_duration(p.elapsed_s).c_str(),
                 done || p.eta_s < 0 ? "" : (", about " + format_duration(p.eta_s) + " left").c_str());
    std::fflush(stderr);
  }

  // Prints a message on its own line (clearing the bar first, and redrawing it after).
  void message(const std::string& text)
  {
    if (drawn_) std::fputs("\r\033[K", stderr);
    std::fprintf(stderr, "%s\n", text.c_str());
    if (drawn_) draw_bar(last_);
    std::fflush(stderr);
  }

private:
  static std::string failed_text(const scenarios::StudyProgress& p)
  {
    return p.failed ? ", " + std::to_string(p.failed) + " failed" : std::string();
  }

  void draw_bar(const scenarios::StudyProgress& p)
  {
    constexpr int kWidth = 30;
    const double fraction = p.to_run ? static_cast<double>(p.finished) / static_cast<double>(p.to_run) : 1.0;
    const int filled = static_cast<int>(fraction * kWidth);
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.append(static_cast<std::size_t>(kWidth - filled), '.');
    std::string eta = p.finished == 0 ? "ETA ?" : "ETA " + format_duration(p.eta_s);
    if (p.finished == p.to_run) eta = "done";
    std::fprintf(stderr, "\r\033[K[%s] %zu/%zu runs %3.0f%%%s  %s elapsed  %s", bar.c_str(), p.finished, p.to_run,
                 100.0 * fraction, failed_text(p).c_str(), format_duration(p.elapsed_s).c_str(), eta.c_str());
    std::fflush(stderr);
    drawn_ = true;
  }

  bool terminal_;
  bool drawn_ = false;
  std::size_t last_decile_ = 0;
  std::chrono::steady_clock::time_point last_draw_{};
  scenarios::StudyProgress last_;
};

std::string format_signed_percent(double relative)
{
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%+.2f%%", 100.0 * relative);
  return buffer;
}

// Which queueing model gave each point's analytic mean, or why none applies: one line per model
// (or reason), with the points it covers.
std::string analytic_legend(const scenarios::StudyResult& result)
{
  std::vector<std::pair<std::string, std::string>> lines;  // (text, points), in order of first point
  for (std::size_t p = 0; p < result.analytic.size(); ++p) {
    const models::analytic::AnalyticPrediction& a = result.analytic[p];
    const std::string text = a.applies() ? a.model + (a.note.empty() ? "" : "; " + a.note)
                                         : "no analytic model applies: " + a.reason;
    auto it = std::find_if(lines.begin(), lines.end(), [&](const auto& line) { return line.first == text; });
    if (it == lines.end()) it = lines.insert(lines.end(), {text, ""});
    it->second += (it->second.empty() ? "" : ", ") + std::to_string(p);
  }
  std::string out = "\nanalytic mean: the queueing model of each point (docs/analytic.md); sim vs analytic = "
                    "(simulated - analytic) / analytic\n";
  for (const auto& [text, points] : lines)
    out += "  point" + std::string(points.find(',') == std::string::npos ? " " : "s ") + points + ": " + text + "\n";
  return out;
}

// The readable table: one row per point, the varied values, then mean +- half-width per metric.
std::string study_table(const scenarios::StudySpec& spec, const scenarios::StudyResult& result)
{
  const scenarios::StudyLayout& layout = result.layout;
  std::vector<std::string> header = {"point"};
  for (const std::string& key : layout.keys) header.push_back(key);
  header.push_back("runs");
  for (const std::string& metric : layout.metrics) header.push_back(metric);
  const std::size_t first_metric = 2 + layout.keys.size();
  // The analytic prediction (docs/analytic.md), and the simulated mean's relative error against it.
  const auto mean_metric = std::find(layout.metrics.begin(), layout.metrics.end(), "latency_s.mean");
  const bool show_analytic = result.analytic.size() == result.results.points.size();
  if (show_analytic) {
    header.push_back("analytic mean");
    if (mean_metric != layout.metrics.end()) header.push_back("sim vs analytic");
  }

  std::vector<std::vector<std::string>> rows;
  for (const scenarios::PointSummary& point : result.results.points) {
    std::vector<std::string> row = {std::to_string(point.point)};
    for (const std::string& value : point.values) row.push_back(value);
    row.push_back(std::to_string(point.runs) + (point.failed ? " (" + std::to_string(point.failed) + " failed)" : ""));
    for (const scenarios::MeanInterval& m : point.metrics) {
      if (m.n == 0)
        row.push_back("-");
      else if (m.n < 2 || !std::isfinite(m.half_width))
        row.push_back(format_g(m.mean, 5));
      else
        row.push_back(format_g(m.mean, 5) + " ± " + format_g(m.half_width, 2));
    }
    if (show_analytic) {
      const models::analytic::AnalyticPrediction& a = result.analytic.at(point.point);
      row.push_back(a.applies() ? format_g(a.mean_s, 5) : "-");
      if (mean_metric != layout.metrics.end()) {
        const scenarios::MeanInterval& m = point.metrics.at(static_cast<std::size_t>(mean_metric - layout.metrics.begin()));
        const double error = a.applies() && m.n > 0 ? models::analytic::relative_error(m.mean, a.mean_s) : std::nan("");
        row.push_back(std::isfinite(error) ? format_signed_percent(error) : "-");
      }
    }
    rows.push_back(std::move(row));
  }

  // Widths in characters ("±" is two bytes in UTF-8 but one column).
  auto width = [](const std::string& s) {
    std::size_t w = 0;
    for (unsigned char c : s) w += (c & 0xC0) != 0x80;
    return w;
  };
  std::vector<std::size_t> widths(header.size(), 0);
  for (std::size_t c = 0; c < header.size(); ++c) widths[c] = width(header[c]);
  for (const auto& row : rows)
    for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], width(row[c]));

  auto format_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::string padding(widths[c] - width(row[c]), ' ');
      const bool right = c == 0 || c >= first_metric - 1;  // numbers to the right, varied values to the left
      if (c) line += "  ";
      line += right ? padding + row[c] : row[c] + (c + 1 == row.size() ? "" : padding);
    }
    return line + "\n";
  };

  std::string out = "study " + spec.name + ": " + std::to_string(layout.points.size()) + " point" +
                    (layout.points.size() == 1 ? "" : "s") + " x " + std::to_string(layout.replications) +
                    " replication" + (layout.replications == 1 ? "" : "s") + " = " + std::to_string(result.total) +
                    " runs of " + spec.scenario_file + "\n";
  out += "mean ± half-width of the " + format_g(100.0 * layout.confidence, 6) +
         "% confidence interval (Student t over the replications)\n\n";
  out += format_row(header);
  for (const auto& row : rows) out += format_row(row);
  if (show_analytic) out += analytic_legend(result);
  return out;
}

}  // namespace

namespace {

// A worker rank under mpirun: loads the same study file and runs the tasks rank 0 sends. A study
// file it cannot read makes every task it gets fail with the reason (rank 0 reports it), so the
// ranks never wait on each other forever.
int study_worker(scenarios::MpiSession& session, const std::string& file, const std::vector<std::string>& overrides)
{
  scenarios::StudySpec spec;
  std::string load_error;
  try {
    spec = scenarios::load_study_file(file, overrides);
  } catch (const std::exception& e) {
    load_error = "rank " + std::to_string(session.rank()) + " on " + session.host() +
                 " could not read the study: " + e.what();
  }
  session.serve([&](const scenarios::RunTask& task) {
    if (!load_error.empty()) return scenarios::RunOutcome{task.point, task.replication, false, load_error, {}};
    return scenarios::execute_run(spec, task);
  });
  return 0;
}

}  // namespace

int study_command(const std::string& file, const std::string& out_dir, int jobs, const std::vector<std::string>& overrides)
{
  // Under mpirun/srun (and built with MPI): rank 0 runs the study below with an MpiDispatcher,
  // the other ranks serve it (docs/studies.md, "On a cluster with MPI").
  std::unique_ptr<scenarios::MpiSession> mpi;
  try {
    mpi = scenarios::MpiSession::open_if_launched();
  } catch (const std::exception& e) {
    print_error(std::string("lbsim study: ") + e.what());
    return 1;
  }
  if (mpi && mpi->rank() != 0) return study_worker(*mpi, file, overrides);
  if (!mpi && scenarios::MpiSession::launched() && !scenarios::MpiSession::compiled_in())
    std::fprintf(stderr, "lbsim study: started by an MPI launcher, but this lbsim was built without MPI: every rank "
                         "runs the whole study (rebuild with libopenmpi-dev installed)\n");

  scenarios::StudySpec spec;
  try {
    spec = scenarios::load_study_file(file, overrides);
  } catch (const scenarios::ScenarioError& e) {
    print_error(e.what());
    return 1;  // (the session, if any, stops the workers)
  }
  const std::string dir = out_dir.empty() ? (std::filesystem::path("results") / spec.name).string() : out_dir;

  const bool terminal = ::isatty(::fileno(stderr)) != 0;
  ProgressReporter progress(terminal);
  // With MPI and more than one rank, rank 0 coordinates and runs `--jobs` runs itself besides
  // (none by default: one rank per core is the MPI way); alone (-np 1) it is a local study.
  std::unique_ptr<scenarios::RunDispatcher> dispatcher_owner;
  std::size_t workers = 0;
  if (mpi && mpi->size() > 1) {
    auto d = std::make_unique<scenarios::MpiDispatcher>(*mpi, jobs);
    workers = static_cast<std::size_t>(d->workers());
    dispatcher_owner = std::move(d);
  } else {
    auto d = std::make_unique<scenarios::ThreadDispatcher>(jobs);
    workers = static_cast<std::size_t>(d->jobs());
    dispatcher_owner = std::move(d);
  }
  const std::string worker_noun = mpi && mpi->size() > 1 ? " MPI worker" : " worker";
  scenarios::StudyOptions options;
  options.dispatcher = dispatcher_owner.get();
  bool announced = false;
  options.on_progress = [&](const scenarios::StudyProgress& p) {
    if (!announced) {
      announced = true;
      std::string line = "study " + spec.name + ": " + std::to_string(p.total) + " runs";
      if (p.reused) line += ", " + std::to_string(p.reused) + " already in " + dir + "/study.db";
      if (p.to_run) {
        const std::size_t used = std::min(p.to_run, workers);
        line += ", running " + std::to_string(p.to_run) + " on " + std::to_string(used) + worker_noun + (used > 1 ? "s" : "");
        if (mpi && mpi->size() > 1)
          line += " (" + std::to_string(mpi->size()) + " ranks; rank 0 on " + mpi->host() + " coordinates" +
                  (jobs > 0 ? " and runs " + std::to_string(jobs) + " at a time" : "") + ")";
      }
      progress.message(line);
    }
    progress.update(p);
  };
  options.on_failure = [&](const scenarios::StudyPoint& point, const scenarios::RunFailure& failure) {
    progress.message("study: run failed at " + point_label(spec, point) + ", replication " +
                     std::to_string(failure.replication) + " (seed " + std::to_string(failure.seed) +
                     "): " + failure.error + "; the study goes on");
  };

  scenarios::StudyResult result;
  try {
    result = scenarios::run_study(spec, dir, options);
  } catch (const std::exception& e) {
    print_error(file + ": error: " + e.what());
    return 1;
  }
  if (!result.set_aside.empty())
    std::fprintf(stderr, "study: %s was damaged (%s); it was moved to %s and every run was done again (%zu)\n",
                 result.database_path.c_str(), result.damage.c_str(), result.set_aside.c_str(), result.executed);
  if (result.corrupted)
    std::fprintf(stderr, "study: %zu stored run(s) did not match their checksum (changed after they were stored) and "
                 "were run again\n", result.corrupted);
  if (result.retried)
    std::fprintf(stderr, "study: %zu run(s) that had failed were run again\n", result.retried);
  if (result.discarded)
    std::fprintf(stderr, "study: %zu stored run(s) no longer matched the study (its scenario or values changed) and were run again\n",
                 result.discarded);

  std::fputs(study_table(spec, result).c_str(), stdout);
  const auto& failures = result.results.failures;
  if (!failures.empty()) {
    std::printf("\n%zu run%s failed (status \"failed\" in runs.csv; means are over the other runs):\n", failures.size(),
                failures.size() == 1 ? "" : "s");
    for (const scenarios::RunFailure& f : failures)
      std::printf("  %s, replication %zu (seed %llu): %s\n", point_label(spec, result.points.at(f.point)).c_str(),
                  f.replication, static_cast<unsigned long long>(f.seed), f.error.c_str());
  }
  if (result.results.stopped_early)
    std::printf("\n%zu run%s stopped early: stop.requests could not be reached (status \"stopped_early\" in runs.csv)\n",
                result.results.stopped_early, result.results.stopped_early == 1 ? "" : "s");
  std::printf("\n%zu runs (%zu run now, %zu reused from study.db) in %.1f s; results in %s: summary.csv, runs.csv, study.db\n",
              result.total, result.executed, result.reused, result.wall_seconds, dir.c_str());
  return failures.empty() ? 0 : 1;
}

}  // namespace lbsim::cli
