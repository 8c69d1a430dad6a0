// Running a study: the grid of points, a seed per run, runs spread over workers, every finished
// run committed to DIR/study.db, a study started again reusing the runs it already has, and
// runs.csv / summary.csv exported from the database. Output files are byte-identical for any
// number of workers.
//
// How runs reach workers is behind RunDispatcher: ThreadDispatcher runs them on local threads;
// an MPI backend (rank 0 hands out RunTasks and gathers RunOutcomes; every rank loads the same
// study file and calls execute_run) implements the same interface. Tasks and outcomes are plain
// strings and numbers so that they can travel between processes.
#pragma once

#include "models/analytic/prediction.hpp"
#include "scenarios/studies/study_spec.hpp"
#include "scenarios/studies/study_store.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace lbsim::scenarios {

// One point of the grid: a value for every varied key.
struct StudyPoint {
  std::size_t index = 0;
  std::vector<std::string> values;     // shown in tables and CSV files, one per StudySpec::vary
  std::vector<std::string> overrides;  // "KEY=VALUE", exactly as --set would take them
};

// Every combination of the varied values; the last varied key changes fastest:
// point = sum over keys of (value index * product of the later keys' value counts).
std::vector<StudyPoint> study_grid(const StudySpec& spec);

// The seed of run (point, replication): a splitmix64 hash of (master seed, point, replication),
// in 0 .. 2^63 - 1. Stable across machines, versions of the standard library and --jobs.
uint64_t study_run_seed(uint64_t master_seed, std::size_t point, std::size_t replication);

struct RunTask {
  std::size_t point = 0, replication = 0;
  uint64_t seed = 0;
  std::vector<std::string> overrides;  // the study's --set, the point's values, then "seed=N"
};

struct RunOutcome {
  std::size_t point = 0, replication = 0;
  bool ok = false;
  std::string error;         // why the run failed (when !ok)
  std::string summary_json;  // summary_json() of the run (when ok)
};

// Loads the base scenario with the task's overrides and runs it in this thread. Never throws: a
// failure (a combination of values the scenario rejects, an error inside the model) is an outcome.
RunOutcome execute_run(const StudySpec& spec, const RunTask& task);

class RunDispatcher {
public:
  using Execute = std::function<RunOutcome(const RunTask&)>;
  // Called once per finished task, in the thread that called dispatch(), in any order. Returns
  // false to stop handing out new tasks (the ones already running finish and are not delivered).
  using Deliver = std::function<bool(RunOutcome&&)>;

  virtual ~RunDispatcher() = default;
  // Runs every task (each exactly once) with `execute` and hands each outcome to `deliver`.
  // If `deliver` throws, stops handing out tasks, waits for the running ones and rethrows.
  virtual void dispatch(const std::vector<RunTask>& tasks, const Execute& execute, const Deliver& deliver) = 0;

protected:
  // The delivery rule every dispatcher shares: while `delivering`, hands `outcome` to `deliver`; a
  // false return or an exception ends delivery and sets `stop` (no new task starts), the exception
  // kept in `failure` for the dispatcher to rethrow once its runs have ended.
  static void deliver_or_stop(const Deliver& deliver, RunOutcome&& outcome, bool& delivering, std::atomic<bool>& stop,
                              std::exception_ptr& failure);
};

// Local threads pulling tasks from a shared queue (dynamic assignment: a slow run never holds up
// the others).
class ThreadDispatcher final : public RunDispatcher {
public:
  explicit ThreadDispatcher(int jobs);  // jobs <= 0: every core (std::thread::hardware_concurrency)
  int jobs() const { return jobs_; }
  void dispatch(const std::vector<RunTask>& tasks, const Execute& execute, const Deliver& deliver) override;

private:
  int jobs_;
};

struct StudyProgress {
  std::size_t total = 0;     // runs in the study
  std::size_t reused = 0;    // found finished in the database at the start
  std::size_t to_run = 0;    // runs this invocation has to do
  std::size_t finished = 0;  // of those, finished so far (failed included)
  std::size_t failed = 0;
  double elapsed_s = 0;
  double eta_s = -1;         // estimated seconds left; < 0 when unknown
};

struct StudyOptions {
  int jobs = 0;                          // for the default ThreadDispatcher; <= 0: every core
  RunDispatcher* dispatcher = nullptr;   // overrides `jobs` when set
  // Called in the calling thread: at the start and after every finished run.
  std::function<void(const StudyProgress&)> on_progress;
  // Called in the calling thread when a run fails; the study goes on.
  std::function<void(const StudyPoint&, const RunFailure&)> on_failure;
  // Test hooks: replace execute_run, and stop (as if killed) after this many new runs are committed.
  RunDispatcher::Execute execute;
  std::size_t stop_after_runs = std::numeric_limits<std::size_t>::max();
};

struct StudyResult {
  StudyLayout layout;
  std::vector<StudyPoint> points;
  std::size_t total = 0, reused = 0, executed = 0, failed = 0;
  std::size_t discarded = 0;  // stored runs that no longer belonged to the study (run again)
  std::size_t retried = 0;    // stored failed runs (run again)
  std::size_t corrupted = 0;  // stored runs whose checksum no longer matched (run again)
  std::string set_aside;      // where a damaged study.db was moved ("" if none), and why
  std::string damage;
  bool complete = false;      // false only when stopped by the stop_after_runs hook
  StudyExport results;        // when complete: what runs.csv and summary.csv hold
  std::string runs_csv_path, summary_csv_path, database_path;
  double wall_seconds = 0;
  // When complete: the queueing model's prediction at each point (docs/analytic.md), which
  // summary.csv's last columns (analytic_latency_s.mean, analytic_latency_s.p99, analytic_model) hold.
  std::vector<models::analytic::AnalyticPrediction> analytic;
};

// The analytic prediction at each point of the grid: the base scenario with the study's --set and
// the point's values (seeds do not matter). A point the scenario rejects gets the reason.
std::vector<models::analytic::AnalyticPrediction> study_analytic(const StudySpec& spec,
                                                                 const std::vector<StudyPoint>& points);

// Runs the study with DIR as its output folder: DIR/study.db, then DIR/runs.csv and
// DIR/summary.csv (each written atomically). Runs already in DIR/study.db for this study are
// reused. Throws StudyStoreError (the database) and std::runtime_error (writing files).
StudyResult run_study(const StudySpec& spec, const std::string& out_dir, const StudyOptions& options = {});

}  // namespace lbsim::scenarios
