// StudyStore: the SQLite database a study keeps in its output folder (DIR/study.db). Every
// finished run is committed in one transaction with its point, seed and summary metrics, so a
// study killed at any moment keeps every run it finished; runs.csv and summary.csv are exported
// from the database, in (point, replication) order, whatever order the runs finished in.
//
// SQLite stays inside study_store.cpp. The schema is documented in docs/studies.md.
#pragma once

#include "scenarios/results/csv_line.hpp"  // csv_field, for runs.csv and summary.csv
#include "scenarios/studies/confidence.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace lbsim::scenarios {

// The shape of a study's results: what the CSV files have columns and rows for.
struct StudyLayout {
  std::string study;                             // the study's name
  std::vector<std::string> keys;                 // varied keys, in file order
  std::vector<std::vector<std::string>> points;  // the values of `keys` at each point, in point order
  std::size_t replications = 1;
  std::vector<std::string> metrics;              // reported metrics (paths into summary.json)
  double confidence = 0.95;
};

// What makes a stored run reusable: a run is reused only if all of this is unchanged.
struct RunKey {
  std::size_t point = 0, replication = 0;
  uint64_t seed = 0;
  std::string overrides;      // the run's --set KEY=VALUE strings, one per line (seed included)
  std::string scenario_hash;  // hash of the base scenario's text
};

struct RunRecord {
  RunKey key;
  std::string status;  // "ok", "stopped_early" (stop.requests not reached; metrics kept) or "failed"
  std::string error;   // why a failed run failed
  std::string fingerprint;
  uint64_t events = 0;
  double wall_seconds = 0;
  std::string summary_json;                             // empty for a failed run
  std::vector<std::pair<std::string, double>> metrics;  // every number of summary.json (summary_metrics())
};

struct PointSummary {
  std::size_t point = 0;
  std::vector<std::string> values;      // of the layout's keys
  std::size_t runs = 0, failed = 0;     // runs that produced results (ok or stopped_early), runs that failed
  std::vector<MeanInterval> metrics;    // one per layout metric, over the point's runs that have it
};

struct RunFailure {
  std::size_t point = 0, replication = 0;
  uint64_t seed = 0;
  std::string error;
};

struct StudyExport {
  std::string runs_csv, summary_csv;  // the files' complete text
  std::vector<PointSummary> points;
  std::vector<RunFailure> failures;    // in (point, replication) order
  std::size_t stopped_early = 0;
};

struct StudyStart {
  std::set<std::pair<std::size_t, std::size_t>> reusable;  // (point, replication) of runs to keep
  std::size_t discarded = 0;  // stored runs that no longer match the study (deleted)
  std::size_t retried = 0;    // stored failed runs, deleted to be run again
  std::size_t corrupted = 0;  // stored runs whose checksum no longer matched (deleted, run again)
  std::string set_aside;      // where a damaged database was moved ("" when none was)
  std::string damage;         // what was wrong with it
};

class StudyStoreError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};
// The database file is damaged (SQLite found it corrupt, or not a database at all).
class StudyStoreDamaged : public StudyStoreError {
public:
  using StudyStoreError::StudyStoreError;
};

class StudyStore {
public:
  static constexpr const char* kFileName = "study.db";

  // Opens DIR/study.db, creating the folder and the database as needed, and holds an exclusive
  // lock on it until destroyed: a second study on the same folder fails at once instead of
  // interleaving. A database that fails SQLite's integrity check, is no database at all or was
  // written by another version is moved aside (study.db.damaged, -2, ...; begin_study() says
  // so) and a new one started. Throws StudyStoreError.
  explicit StudyStore(const std::string& dir);
  ~StudyStore();
  StudyStore(const StudyStore&) = delete;
  StudyStore& operator=(const StudyStore&) = delete;

  const std::string& path() const;

  // In one transaction: records the study (`meta` key/value pairs, which must include "study")
  // and its points, keeps the stored runs that `expected` lists with the same key and a result,
  // and deletes every other stored run, and every run whose checksum (run_checksum.hpp) does not
  // match what is stored. Throws StudyStoreError when the database holds a study of
  // another name (a different study pointed at the same folder).
  StudyStart begin_study(const StudyLayout& layout, const std::vector<std::pair<std::string, std::string>>& meta,
                         const std::vector<RunKey>& expected);

  // Commits one finished (or failed) run, with its metrics, in one transaction.
  void commit_run(const RunRecord& run);

  // Number of stored runs.
  std::size_t run_count() const;

  // runs.csv and summary.csv for `layout`, read back from the database. Every run of the layout
  // must be stored; throws StudyStoreError otherwise.
  StudyExport export_results(const StudyLayout& layout) const;

private:
  void open();  // the database at impl_->path, locked, checked and with its schema
  struct Impl;
  std::unique_ptr<Impl> impl_;
};


}  // namespace lbsim::scenarios
