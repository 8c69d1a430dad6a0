#include "scenarios/studies/study_runner.hpp"

#include "engine/rng.hpp"
#include "models/analytic/model_match.hpp"
#include "scenarios/format/loader.hpp"
#include "scenarios/results/results_writer.hpp"
#include "scenarios/runner.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <exception>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>

namespace lbsim::scenarios {

namespace {

std::string hex64(uint64_t value)
{
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(value));
  return buffer;
}

std::string join_lines(const std::vector<std::string>& lines)
{
  std::string text;
  for (const std::string& line : lines) text += (text.empty() ? "" : "\n") + line;
  return text;
}

// Appends `cells[i]` to the i-th record of a CSV text (the header is record 0), keeping line
// breaks inside quoted fields where they are.
std::string append_csv_columns(const std::string& csv, const std::vector<std::vector<std::string>>& cells)
{
  std::string out;
  out.reserve(csv.size() + 64 * cells.size());
  std::size_t record = 0;
  bool quoted = false;
  for (char c : csv) {
    if (c == '"') quoted = !quoted;
    if (c == '\n' && !quoted && record < cells.size()) {
      for (const std::string& cell : cells[record]) out += "," + csv_field(cell);
      ++record;
    }
    out += c;
  }
  return out;
}

std::string optional_number(const std::optional<double>& value) { return value ? format_number(*value) : ""; }

}  // namespace

std::vector<models::analytic::AnalyticPrediction> study_analytic(const StudySpec& spec, const std::vector<StudyPoint>& points)
{
  std::vector<models::analytic::AnalyticPrediction> out;
  out.reserve(points.size());
  for (const StudyPoint& point : points) {
    std::vector<std::string> overrides = spec.overrides;
    overrides.insert(overrides.end(), point.overrides.begin(), point.overrides.end());
    try {
      out.push_back(models::analytic::match_model(
          load_scenario_text(spec.scenario_text, spec.scenario_file, spec.scenario_dir, overrides)));
    } catch (const std::exception& e) {
      models::analytic::AnalyticPrediction none;
      none.reason = std::string("the scenario rejects this point: ") + e.what();
      out.push_back(std::move(none));
    }
  }
  return out;
}

std::vector<StudyPoint> study_grid(const StudySpec& spec)
{
  const std::size_t count = spec.point_count();
  std::vector<StudyPoint> points(count);
  for (std::size_t p = 0; p < count; ++p) {
    StudyPoint& point = points[p];
    point.index = p;
    point.values.resize(spec.vary.size());
    point.overrides.resize(spec.vary.size());
    std::size_t rest = p;
    for (std::size_t k = spec.vary.size(); k-- > 0;) {
      const StudyAxis& axis = spec.vary[k];
      const std::size_t v = rest % axis.values.size();
      rest /= axis.values.size();
      point.values[k] = axis.values[v];
      point.overrides[k] = axis.key + "=" + axis.value_texts[v];
    }
  }
  return points;
}

uint64_t study_run_seed(uint64_t master_seed, std::size_t point, std::size_t replication)
{
  uint64_t state = master_seed;
  uint64_t h = engine::splitmix64(state);
  state = h ^ static_cast<uint64_t>(point);
  h = engine::splitmix64(state);
  state = h ^ static_cast<uint64_t>(replication);
  h = engine::splitmix64(state);
  return h >> 1;  // the scenario format's seeds are 0 .. 2^63 - 1
}

RunOutcome execute_run(const StudySpec& spec, const RunTask& task)
{
  RunOutcome outcome;
  outcome.point = task.point;
  outcome.replication = task.replication;
  try {
    const models::SystemConfig config =
        load_scenario_text(spec.scenario_text, spec.scenario_file, spec.scenario_dir, task.overrides);
    outcome.summary_json = summary_json(run_scenario(config, ""));
    outcome.ok = true;
  } catch (const ScenarioError& e) {
    // The point is reported beside the error; say where in the scenario, if the file is at fault.
    outcome.error = e.message();
    if (e.where().origin.empty() && e.where().line > 0) outcome.error += " (" + e.where().to_string() + ")";
  } catch (const std::exception& e) {
    outcome.error = std::string("the run failed: ") + e.what();
  } catch (...) {
    outcome.error = "the run failed with an unknown error";
  }
  return outcome;
}

ThreadDispatcher::ThreadDispatcher(int jobs)
    : jobs_(jobs > 0 ? jobs : std::max(1, static_cast<int>(std::thread::hardware_concurrency())))
{
}

void RunDispatcher::deliver_or_stop(const Deliver& deliver, RunOutcome&& outcome, bool& delivering,
                                    std::atomic<bool>& stop, std::exception_ptr& failure)
{
  if (!delivering) return;
  try {
    if (!deliver(std::move(outcome))) {
      delivering = false;
      stop = true;
    }
  } catch (...) {
    failure = std::current_exception();
    delivering = false;
    stop = true;
  }
}

void ThreadDispatcher::dispatch(const std::vector<RunTask>& tasks, const Execute& execute, const Deliver& deliver)
{
  if (tasks.empty()) return;
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::condition_variable ready_changed;
  std::deque<RunOutcome> ready;
  const std::size_t worker_count = std::min(tasks.size(), static_cast<std::size_t>(jobs_));
  std::size_t running = worker_count;

  auto work = [&]() {
    while (!stop.load(std::memory_order_relaxed)) {
      const std::size_t i = next.fetch_add(1);
      if (i >= tasks.size()) break;
      RunOutcome outcome;
      try {
        outcome = execute(tasks[i]);
      } catch (const std::exception& e) {
        outcome = RunOutcome{tasks[i].point, tasks[i].replication, false, std::string("the run failed: ") + e.what(), {}};
      } catch (...) {
        outcome = RunOutcome{tasks[i].point, tasks[i].replication, false, "the run failed with an unknown error", {}};
      }
      {
        const std::lock_guard lock(mutex);
        ready.push_back(std::move(outcome));
      }
      ready_changed.notify_one();
    }
    {
      const std::lock_guard lock(mutex);
      --running;
    }
    ready_changed.notify_one();
  };

  std::exception_ptr failure;
  {
    std::vector<std::jthread> workers;
    workers.reserve(worker_count);
    try {
      for (std::size_t w = 0; w < worker_count; ++w) workers.emplace_back(work);
    } catch (...) {
      stop = true;
      failure = std::current_exception();
      const std::lock_guard lock(mutex);
      running -= worker_count - workers.size();
    }
    // Outcomes are delivered here, in this thread, as they come (the database is used from one
    // thread only); the order of the files comes from the database, not from this order.
    bool delivering = !failure;
    while (true) {
      std::unique_lock lock(mutex);
      ready_changed.wait(lock, [&] { return !ready.empty() || running == 0; });
      if (ready.empty()) break;
      RunOutcome outcome = std::move(ready.front());
      ready.pop_front();
      lock.unlock();
      deliver_or_stop(deliver, std::move(outcome), delivering, stop, failure);
    }
  }  // joins the workers
  if (failure) std::rethrow_exception(failure);
}

StudyResult run_study(const StudySpec& spec, const std::string& out_dir, const StudyOptions& options)
{
  const auto started = std::chrono::steady_clock::now();
  auto seconds_since = [](std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
  };

  StudyResult result;
  result.points = study_grid(spec);
  StudyLayout& layout = result.layout;
  layout.study = spec.name;
  for (const StudyAxis& axis : spec.vary) layout.keys.push_back(axis.key);
  for (const StudyPoint& point : result.points) layout.points.push_back(point.values);
  layout.replications = static_cast<std::size_t>(spec.replications);
  for (const StudyMetric& metric : spec.report) layout.metrics.push_back(metric.path);
  layout.confidence = spec.confidence;

  // Every run of the study, in (point, replication) order: run i is point i / R, replication i % R.
  const std::string scenario_hash = hex64(engine::stable_hash(spec.scenario_text));
  const std::size_t replications = layout.replications;
  std::vector<RunTask> tasks;
  std::vector<RunKey> keys;
  tasks.reserve(result.points.size() * replications);
  keys.reserve(result.points.size() * replications);
  for (const StudyPoint& point : result.points) {
    for (std::size_t r = 0; r < replications; ++r) {
      RunTask task;
      task.point = point.index;
      task.replication = r;
      task.seed = study_run_seed(spec.master_seed, point.index, r);
      task.overrides = spec.overrides;
      task.overrides.insert(task.overrides.end(), point.overrides.begin(), point.overrides.end());
      task.overrides.push_back("seed=" + std::to_string(task.seed));
      keys.push_back(RunKey{point.index, r, task.seed, join_lines(task.overrides), scenario_hash});
      tasks.push_back(std::move(task));
    }
  }
  result.total = tasks.size();

  nlohmann::ordered_json vary = nlohmann::ordered_json::object();
  for (const StudyAxis& axis : spec.vary) vary[axis.key] = axis.values;
  const std::vector<std::pair<std::string, std::string>> meta = {
      {"study", spec.name},
      {"study_file", spec.file},
      {"scenario_file", spec.scenario_file},
      {"scenario_hash", scenario_hash},
      {"master_seed", std::to_string(spec.master_seed)},
      {"replications", std::to_string(spec.replications)},
      {"confidence", format_number(spec.confidence)},
      {"vary", vary.dump()},
      {"report", nlohmann::ordered_json(layout.metrics).dump()},
      {"overrides", nlohmann::ordered_json(spec.overrides).dump()},
  };

  StudyStore store(out_dir);
  result.database_path = store.path();
  const StudyStart start = store.begin_study(layout, meta, keys);
  result.reused = start.reusable.size();
  result.discarded = start.discarded;
  result.retried = start.retried;
  result.corrupted = start.corrupted;
  result.set_aside = start.set_aside;
  result.damage = start.damage;

  // Until the study completes, the folder holds no CSV file: a summary.csv that exists is the
  // summary of the finished study as it is now defined.
  const std::filesystem::path dir(out_dir);
  result.runs_csv_path = (dir / "runs.csv").string();
  result.summary_csv_path = (dir / "summary.csv").string();
  std::filesystem::remove(result.summary_csv_path);
  std::filesystem::remove(result.runs_csv_path);

  std::vector<RunTask> pending;
  for (RunTask& task : tasks)
    if (!start.reusable.count({task.point, task.replication})) pending.push_back(std::move(task));

  StudyProgress progress;
  progress.total = result.total;
  progress.reused = result.reused;
  progress.to_run = pending.size();
  if (options.on_progress) options.on_progress(progress);

  const auto dispatch_started = std::chrono::steady_clock::now();
  const RunDispatcher::Execute execute =
      options.execute ? options.execute : RunDispatcher::Execute([&spec](const RunTask& task) { return execute_run(spec, task); });
  std::size_t committed = 0;
  bool stopped = false;
  auto deliver = [&](RunOutcome&& outcome) {
    RunRecord record;
    record.key = keys.at(outcome.point * replications + outcome.replication);
    if (outcome.ok) {
      const auto summary = nlohmann::ordered_json::parse(outcome.summary_json);
      record.status = summary.value("stopped_early", false) ? "stopped_early" : "ok";
      record.fingerprint = summary.value("fingerprint", std::string());
      record.events = summary.value("events", uint64_t{0});
      if (summary.contains("wall")) record.wall_seconds = summary["wall"].value("seconds", 0.0);
      record.metrics = summary_metrics(outcome.summary_json);
      record.summary_json = std::move(outcome.summary_json);
    } else {
      record.status = "failed";
      record.error = outcome.error.empty() ? "the run failed" : outcome.error;
    }
    store.commit_run(record);
    ++committed;
    ++progress.finished;
    if (!outcome.ok) {
      ++progress.failed;
      if (options.on_failure)
        options.on_failure(result.points.at(outcome.point),
                           RunFailure{outcome.point, outcome.replication, record.key.seed, record.error});
    }
    progress.elapsed_s = seconds_since(dispatch_started);
    progress.eta_s = progress.elapsed_s / static_cast<double>(progress.finished) *
                     static_cast<double>(progress.to_run - progress.finished);
    if (options.on_progress) options.on_progress(progress);
    if (committed >= options.stop_after_runs) {
      stopped = true;
      return false;
    }
    return true;
  };

  if (options.dispatcher) {
    options.dispatcher->dispatch(pending, execute, deliver);
  } else {
    ThreadDispatcher threads(options.jobs);
    threads.dispatch(pending, execute, deliver);
  }
  result.executed = committed;
  result.failed = progress.failed;
  result.wall_seconds = seconds_since(started);
  if (stopped && committed < pending.size()) return result;

  result.results = store.export_results(layout);
  // The analytic prediction of each point, in columns after every other (docs/analytic.md).
  result.analytic = study_analytic(spec, result.points);
  std::vector<std::vector<std::string>> analytic_cells = {
      {"analytic_latency_s.mean", "analytic_latency_s.p99", "analytic_model"}};
  for (const models::analytic::AnalyticPrediction& a : result.analytic)
    analytic_cells.push_back({a.applies() ? format_number(a.mean_s) : "", optional_number(a.p99_s), a.model});
  result.results.summary_csv = append_csv_columns(result.results.summary_csv, analytic_cells);
  write_file_atomically(result.runs_csv_path, result.results.runs_csv);
  write_file_atomically(result.summary_csv_path, result.results.summary_csv);
  result.complete = true;
  result.wall_seconds = seconds_since(started);
  return result;
}

}  // namespace lbsim::scenarios
