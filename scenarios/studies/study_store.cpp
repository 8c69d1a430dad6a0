#include "scenarios/studies/study_store.hpp"

#include "scenarios/results/results_writer.hpp"
#include "scenarios/studies/run_checksum.hpp"

#include <sqlite3.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <map>

namespace lbsim::scenarios {

namespace {

constexpr const char* kSchemaVersion = "2";  // 2: runs.checksum

// The schema (docs/studies.md explains it). A run and its metrics are written in one transaction.
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS points (
  point INTEGER PRIMARY KEY,
  label TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS point_values (
  point INTEGER NOT NULL,
  key   TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (point, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS runs (
  point         INTEGER NOT NULL,
  replication   INTEGER NOT NULL,
  seed          INTEGER NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('ok', 'stopped_early', 'failed')),
  error         TEXT,
  overrides     TEXT NOT NULL,
  scenario_hash TEXT NOT NULL,
  fingerprint   TEXT,
  events        INTEGER,
  wall_seconds  REAL,
  summary_json  TEXT,
  checksum      TEXT NOT NULL,
  PRIMARY KEY (point, replication)
);
CREATE TABLE IF NOT EXISTS metrics (
  point       INTEGER NOT NULL,
  replication INTEGER NOT NULL,
  metric      TEXT NOT NULL,
  value       REAL,
  PRIMARY KEY (point, replication, metric)
) WITHOUT ROWID;
)sql";

// A database whose file is damaged (SQLite's CORRUPT or NOTADB) is set aside and the study starts
// afresh; every other error stops the study.
[[noreturn]] void throw_error(int rc, sqlite3*, const std::string& message)
{
  if ((rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB) throw StudyStoreDamaged(message);
  throw StudyStoreError(message);
}

class Statement {
public:
  Statement(sqlite3* db, const char* sql) : db_(db)
  {
    if (const int rc = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); rc != SQLITE_OK)
      throw_error(rc, db, std::string("study database: cannot prepare a statement: ") + sqlite3_errmsg(db));
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, const std::string& text)
  {
    check(sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT));
    return *this;
  }
  Statement& bind(int index, int64_t value)
  {
    check(sqlite3_bind_int64(stmt_, index, value));
    return *this;
  }
  Statement& bind_size(int index, std::size_t value) { return bind(index, static_cast<int64_t>(value)); }
  Statement& bind_double(int index, double value)
  {
    check(std::isfinite(value) ? sqlite3_bind_double(stmt_, index, value) : sqlite3_bind_null(stmt_, index));
    return *this;
  }
  Statement& bind_null(int index)
  {
    check(sqlite3_bind_null(stmt_, index));
    return *this;
  }

  // true while there is a row to read.
  bool step()
  {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw_error(rc, db_, std::string("study database: ") + sqlite3_errmsg(db_));
  }
  void run()
  {
    while (step()) {
    }
    reset();
  }
  void reset()
  {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  int64_t integer(int column) const { return sqlite3_column_int64(stmt_, column); }
  bool is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
  double real(int column) const { return sqlite3_column_double(stmt_, column); }
  std::string text(int column) const
  {
    const unsigned char* t = sqlite3_column_text(stmt_, column);
    return t ? std::string(reinterpret_cast<const char*>(t), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
             : std::string();
  }

private:
  void check(int rc)
  {
    if (rc != SQLITE_OK) throw_error(rc, db_, std::string("study database: ") + sqlite3_errmsg(db_));
  }
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

std::string format_cell(double value) { return std::isfinite(value) ? format_number(value) : std::string(); }

}  // namespace

struct StudyStore::Impl {
  std::string path;
  sqlite3* db = nullptr;
  std::string set_aside, damage;  // a damaged database moved aside at the start, and why

  void exec(const char* sql)
  {
    char* message = nullptr;
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &message);
    if (rc == SQLITE_OK) return;
    std::string text = message ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
      throw StudyStoreError(path + " is in use by another lbsim study; wait for it to end or choose another --out folder");
    throw_error(rc, db, path + ": " + text);
  }

  // Rolls back unless committed: a failure in the middle leaves the database as it was.
  class Transaction {
  public:
    explicit Transaction(Impl& impl) : impl_(impl) { impl_.exec("BEGIN IMMEDIATE"); }
    ~Transaction()
    {
      if (!committed_) sqlite3_exec(impl_.db, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit()
    {
      impl_.exec("COMMIT");
      committed_ = true;
    }

  private:
    Impl& impl_;
    bool committed_ = false;
  };
};

StudyStore::StudyStore(const std::string& dir) : impl_(std::make_unique<Impl>())
{
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw StudyStoreError("cannot create the folder " + dir + ": " + ec.message());
  impl_->path = (std::filesystem::path(dir) / kFileName).string();
  try {
    open();
  } catch (const StudyStoreDamaged& e) {
    // Moved, not deleted: the user may want to look at it. Its write-ahead log goes with it.
    impl_->damage = e.what();
    std::string aside = impl_->path + ".damaged";
    for (int n = 2; std::filesystem::exists(aside, ec); ++n) aside = impl_->path + ".damaged-" + std::to_string(n);
    for (const char* suffix : {"", "-wal", "-shm"})
      if (std::filesystem::exists(impl_->path + suffix, ec)) {
        std::filesystem::rename(impl_->path + suffix, aside + suffix, ec);
        if (ec) throw StudyStoreError(impl_->path + " is damaged (" + e.what() + ") and cannot be moved aside: " + ec.message());
      }
    impl_->set_aside = aside;
    open();
  }
}

void StudyStore::open()
{
  if (sqlite3_open_v2(impl_->path.c_str(), &impl_->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    const std::string message = impl_->db ? sqlite3_errmsg(impl_->db) : "out of memory";
    sqlite3_close(impl_->db);
    impl_->db = nullptr;
    throw StudyStoreError("cannot open " + impl_->path + ": " + message);
  }
  try {
    // Write-ahead log: a commit is one append, and a process killed at any point (kill -9) leaves
    // every committed run in place. The exclusive lock keeps a second study out of the folder.
    impl_->exec("PRAGMA locking_mode = EXCLUSIVE");
    impl_->exec("PRAGMA journal_mode = WAL");
    impl_->exec("PRAGMA synchronous = NORMAL");
    Impl::Transaction transaction(*impl_);  // takes the lock now, not at the first run
    {
      Statement check(impl_->db, "PRAGMA integrity_check");
      if (check.step() && check.text(0) != "ok") throw StudyStoreDamaged("SQLite's integrity check: " + check.text(0));
    }
    {
      Statement tables(impl_->db, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'");
      tables.step();
      if (tables.integer(0) > 0) {
        Statement version(impl_->db, "SELECT value FROM meta WHERE key = 'schema_version'");
        if (version.step() && version.text(0) != kSchemaVersion)
          throw StudyStoreDamaged("written by another version of lbsim (schema " + version.text(0) + ", this one " +
                                  kSchemaVersion + ")");
      }
    }
    impl_->exec(kSchema);
    transaction.commit();
  } catch (...) {
    sqlite3_close(impl_->db);
    impl_->db = nullptr;
    throw;
  }
}

StudyStore::~StudyStore()
{
  if (impl_ && impl_->db) sqlite3_close(impl_->db);
}

const std::string& StudyStore::path() const { return impl_->path; }

StudyStart StudyStore::begin_study(const StudyLayout& layout, const std::vector<std::pair<std::string, std::string>>& meta,
                                   const std::vector<RunKey>& expected)
{
  Impl::Transaction transaction(*impl_);
  sqlite3* db = impl_->db;
  {
    Statement stored(db, "SELECT value FROM meta WHERE key = 'study'");
    if (stored.step() && stored.text(0) != layout.study)
      throw StudyStoreError(impl_->path + " holds the results of the study \"" + stored.text(0) + "\", not \"" +
                            layout.study + "\"; choose another --out folder (or delete " + impl_->path + ")");
  }
  impl_->exec("DELETE FROM meta; DELETE FROM points; DELETE FROM point_values;");
  {
    Statement insert(db, "INSERT INTO meta (key, value) VALUES (?1, ?2)");
    insert.bind(1, std::string("schema_version")).bind(2, std::string(kSchemaVersion)).run();
    for (const auto& [key, value] : meta) insert.bind(1, key).bind(2, value).run();
  }
  {
    Statement point(db, "INSERT INTO points (point, label) VALUES (?1, ?2)");
    Statement value(db, "INSERT INTO point_values (point, key, value) VALUES (?1, ?2, ?3)");
    for (std::size_t p = 0; p < layout.points.size(); ++p) {
      std::string label;
      for (std::size_t k = 0; k < layout.keys.size(); ++k) {
        label += (k ? " " : "") + layout.keys[k] + "=" + layout.points[p][k];
        value.bind_size(1, p).bind(2, layout.keys[k]).bind(3, layout.points[p][k]).run();
      }
      point.bind_size(1, p).bind(2, label.empty() ? std::string("(base scenario)") : label).run();
    }
  }

  std::map<std::pair<std::size_t, std::size_t>, const RunKey*> wanted;
  for (const RunKey& key : expected) wanted[{key.point, key.replication}] = &key;
  StudyStart start;
  start.set_aside = impl_->set_aside;
  start.damage = impl_->damage;
  std::vector<std::pair<int64_t, int64_t>> stale;
  {
    Statement runs(db, "SELECT point, replication, seed, status, overrides, scenario_hash, error, fingerprint, events, "
                       "wall_seconds, summary_json, checksum FROM runs");
    Statement metrics(db, "SELECT metric, value FROM metrics WHERE point = ?1 AND replication = ?2");
    while (runs.step()) {
      const int64_t point = runs.integer(0), replication = runs.integer(1);
      // The run as stored, to check it against its checksum.
      RunRecord stored;
      stored.key = RunKey{static_cast<std::size_t>(point), static_cast<std::size_t>(replication),
                          static_cast<uint64_t>(runs.integer(2)), runs.text(4), runs.text(5)};
      stored.status = runs.text(3);
      stored.error = runs.text(6);
      stored.fingerprint = runs.text(7);
      stored.events = static_cast<uint64_t>(runs.integer(8));
      stored.wall_seconds = runs.real(9);
      stored.summary_json = runs.text(10);
      metrics.bind(1, point).bind(2, replication);
      while (metrics.step())
        stored.metrics.emplace_back(metrics.text(0), metrics.is_null(1) ? std::nan("") : metrics.real(1));
      metrics.reset();
      if (run_checksum(stored) != runs.text(11)) {
        stale.emplace_back(point, replication);
        ++start.corrupted;
        continue;
      }
      const auto it = point < 0 || replication < 0
                          ? wanted.end()
                          : wanted.find({static_cast<std::size_t>(point), static_cast<std::size_t>(replication)});
      const bool same = it != wanted.end() && stored.key.seed == it->second->seed &&
                        stored.key.overrides == it->second->overrides &&
                        stored.key.scenario_hash == it->second->scenario_hash;
      const bool failed = stored.status == "failed";
      if (same && !failed) {
        start.reusable.insert(it->first);
        continue;
      }
      stale.emplace_back(point, replication);
      if (failed && same)
        ++start.retried;
      else
        ++start.discarded;
    }
  }
  {
    Statement remove_run(db, "DELETE FROM runs WHERE point = ?1 AND replication = ?2");
    Statement remove_metrics(db, "DELETE FROM metrics WHERE point = ?1 AND replication = ?2");
    for (const auto& [point, replication] : stale) {
      remove_run.bind(1, point).bind(2, replication).run();
      remove_metrics.bind(1, point).bind(2, replication).run();
    }
  }
  impl_->exec("DELETE FROM metrics WHERE NOT EXISTS (SELECT 1 FROM runs r WHERE r.point = metrics.point AND "
              "r.replication = metrics.replication)");
  transaction.commit();
  return start;
}

void StudyStore::commit_run(const RunRecord& run)
{
  sqlite3* db = impl_->db;
  Impl::Transaction transaction(*impl_);
  {
    Statement insert(db, "INSERT OR REPLACE INTO runs (point, replication, seed, status, error, overrides, scenario_hash, "
                         "fingerprint, events, wall_seconds, summary_json, checksum) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
    insert.bind_size(1, run.key.point).bind_size(2, run.key.replication).bind(3, static_cast<int64_t>(run.key.seed));
    insert.bind(4, run.status);
    if (run.error.empty())
      insert.bind_null(5);
    else
      insert.bind(5, run.error);
    insert.bind(6, run.key.overrides).bind(7, run.key.scenario_hash);
    if (run.status == "failed") {
      insert.bind_null(8).bind_null(9).bind_null(10).bind_null(11);
    } else {
      insert.bind(8, run.fingerprint).bind(9, static_cast<int64_t>(run.events)).bind_double(10, run.wall_seconds);
      insert.bind(11, run.summary_json);
    }
    insert.bind(12, run_checksum(run));
    insert.run();
  }
  {
    Statement remove(db, "DELETE FROM metrics WHERE point = ?1 AND replication = ?2");
    remove.bind_size(1, run.key.point).bind_size(2, run.key.replication).run();
    Statement insert(db, "INSERT OR REPLACE INTO metrics (point, replication, metric, value) VALUES (?1, ?2, ?3, ?4)");
    for (const auto& [metric, value] : run.metrics)
      insert.bind_size(1, run.key.point).bind_size(2, run.key.replication).bind(3, metric).bind_double(4, value).run();
  }
  transaction.commit();
}

std::size_t StudyStore::run_count() const
{
  Statement count(impl_->db, "SELECT COUNT(*) FROM runs");
  count.step();
  return static_cast<std::size_t>(count.integer(0));
}

StudyExport StudyStore::export_results(const StudyLayout& layout) const
{
  sqlite3* db = impl_->db;
  StudyExport out;
  const std::size_t point_count = layout.points.size();
  const std::size_t metric_count = layout.metrics.size();

  // Headers: one column per varied key and per metric.
  std::string runs_csv = "point,replication,seed";
  std::string summary_csv = "point";
  for (const std::string& key : layout.keys) {
    runs_csv += "," + csv_field(key);
    summary_csv += "," + csv_field(key);
  }
  summary_csv += ",runs,failed";
  for (const std::string& metric : layout.metrics) {
    runs_csv += "," + csv_field(metric);
    summary_csv += "," + csv_field(metric + "_mean") + "," + csv_field(metric + "_ci");
  }
  runs_csv += ",fingerprint,status,error\n";
  summary_csv += "\n";

  Statement runs(db, "SELECT point, replication, seed, status, error, fingerprint FROM runs "
                     "WHERE point < ?1 AND replication < ?2 ORDER BY point, replication");
  runs.bind_size(1, point_count).bind_size(2, layout.replications);
  Statement metric_value(db, "SELECT value FROM metrics WHERE point = ?1 AND replication = ?2 AND metric = ?3");

  std::vector<std::vector<double>> values(metric_count);  // of the current point, per metric
  PointSummary current;
  std::size_t expected_point = 0, expected_replication = 0;
  auto finish_point = [&]() {
    for (std::size_t m = 0; m < metric_count; ++m) {
      current.metrics.push_back(mean_interval(values[m], layout.confidence));
      values[m].clear();
    }
    summary_csv += std::to_string(current.point);
    for (const std::string& v : current.values) summary_csv += "," + csv_field(v);
    summary_csv += "," + std::to_string(current.runs) + "," + std::to_string(current.failed);
    for (const MeanInterval& interval : current.metrics)
      summary_csv += "," + format_cell(interval.mean) + "," + format_cell(interval.half_width);
    summary_csv += "\n";
    out.points.push_back(std::move(current));
    current = PointSummary{};
  };

  while (runs.step()) {
    const auto point = static_cast<std::size_t>(runs.integer(0));
    const auto replication = static_cast<std::size_t>(runs.integer(1));
    if (point != expected_point || replication != expected_replication) break;  // a run is missing
    const auto seed = static_cast<uint64_t>(runs.integer(2));
    const std::string status = runs.text(3);
    if (replication == 0) {
      current.point = point;
      current.values = layout.points[point];
    }
    runs_csv += std::to_string(point) + "," + std::to_string(replication) + "," + std::to_string(seed);
    for (const std::string& v : layout.points[point]) runs_csv += "," + csv_field(v);
    const bool failed = status == "failed";
    for (std::size_t m = 0; m < metric_count; ++m) {
      runs_csv += ",";
      if (failed) continue;
      metric_value.bind_size(1, point).bind_size(2, replication).bind(3, layout.metrics[m]);
      if (metric_value.step() && !metric_value.is_null(0)) {
        const double value = metric_value.real(0);
        values[m].push_back(value);
        runs_csv += format_number(value);
      }
      metric_value.reset();
    }
    runs_csv += "," + csv_field(runs.text(5)) + "," + status + "," + csv_field(runs.text(4)) + "\n";
    if (failed) {
      ++current.failed;
      out.failures.push_back({point, replication, seed, runs.text(4)});
    } else {
      ++current.runs;
      if (status == "stopped_early") ++out.stopped_early;
    }
    if (++expected_replication == layout.replications) {
      finish_point();
      expected_replication = 0;
      ++expected_point;
    }
  }
  if (expected_point != point_count)
    throw StudyStoreError(impl_->path + " lacks run (point " + std::to_string(expected_point) + ", replication " +
                          std::to_string(expected_replication) + "); the study is not complete");
  out.runs_csv = std::move(runs_csv);
  out.summary_csv = std::move(summary_csv);
  return out;
}

}  // namespace lbsim::scenarios
