// Studies: the grid, seeds, confidence intervals, byte-identical files for any --jobs, resuming
// after a kill, failing runs, and study file errors with line numbers.
#include "scenarios/studies/confidence.hpp"
#include "scenarios/format/loader.hpp"
#include "scenarios/results/results_writer.hpp"
#include "scenarios/runner.hpp"
#include "scenarios/studies/study_runner.hpp"
#include "scenarios/studies/study_spec.hpp"
#include "scenarios/studies/study_store.hpp"

#include <catch2/catch.hpp>

#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace lbsim;
using namespace lbsim::scenarios;
using Catch::Contains;

namespace {

// A cheap scenario: 20 s of Poisson traffic on two servers (a few thousand requests per run).
const char* kScenario = R"(name: tiny
seed: 7
duration: 20 s
clients:
  - name: users
    arrivals: { process: poisson, rate: 200/s }
    mix:
      - { method: GET, path: /, work: { distribution: exponential, mean: 5 ms } }
balancer: { algorithm: round_robin }
servers:
  - { name: web, count: 2 }
)";

// 2 x 3 points, 3 replications: 18 runs.
const char* kStudy = R"(study: tiny-study
scenario: tiny.yaml
replications: 3
vary:
  balancer.algorithm: [round_robin, least_connections]
  clients[0].arrivals.rate: [100/s, 200/s, 300/s]
report: [latency_s.mean, latency_s.p99, throughput_rps, requests.rejected]
)";

void write(const fs::path& path, const std::string& text)
{
  std::ofstream out(path, std::ios::binary);
  out << text;
}

std::string read(const fs::path& path)
{
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// A fresh folder holding tiny.yaml and study.yaml (or the given study text).
fs::path study_dir(const std::string& name, const std::string& study = kStudy)
{
  const fs::path dir = fs::temp_directory_path() / ("lbsim-study-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  write(dir / "tiny.yaml", kScenario);
  write(dir / "study.yaml", study);
  return dir;
}

// Removes a test's folder when the test ends.
struct Cleanup {
  explicit Cleanup(fs::path folder) : dir(std::move(folder)) {}
  fs::path dir;
  Cleanup(const Cleanup&) = delete;
  Cleanup& operator=(const Cleanup&) = delete;
  ~Cleanup()
  {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

StudySpec load(const fs::path& dir, const std::vector<std::string>& overrides = {})
{
  return load_study_file((dir / "study.yaml").string(), overrides);
}

StudyResult run(const StudySpec& spec, const fs::path& out, int jobs, StudyOptions options = {})
{
  options.jobs = jobs;
  return run_study(spec, out.string(), options);
}

// RFC 4180: fields in double quotes may hold commas and doubled quotes.
std::vector<std::vector<std::string>> csv_rows(const std::string& text)
{
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string cell;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(cell));
      cell.clear();
    } else if (c == '\n') {
      row.push_back(std::move(cell));
      cell.clear();
      rows.push_back(std::move(row));
      row.clear();
    } else {
      cell += c;
    }
  }
  return rows;
}

// The error a study file gives.
ScenarioError study_error(const std::string& study_text, const std::string& name = "errors")
{
  const fs::path dir = study_dir(name, study_text);
  const Cleanup cleanup{dir};
  try {
    load(dir);
  } catch (const ScenarioError& e) {
    return e;
  }
  FAIL("the study file was accepted:\n" << study_text);
  throw std::logic_error("unreachable");
}

void sql(const fs::path& db_path, const std::string& statement)
{
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(db_path.c_str(), &db) == SQLITE_OK);
  char* message = nullptr;
  const int rc = sqlite3_exec(db, statement.c_str(), nullptr, nullptr, &message);
  INFO((message ? message : ""));
  sqlite3_free(message);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
}

}  // namespace

TEST_CASE("Student t quantiles match the tables", "[study][confidence]")
{
  CHECK(student_t_quantile(0.975, 4) == Approx(2.776445).epsilon(1e-6));
  CHECK(student_t_quantile(0.975, 9) == Approx(2.262157).epsilon(1e-6));
  CHECK(student_t_quantile(0.995, 29) == Approx(2.756386).epsilon(1e-6));
  CHECK(student_t_quantile(0.975, 1) == Approx(12.7062).epsilon(1e-5));
  // More digits: t(0.975, 1) = tan(0.475 pi), t(0.975, 2) = 4.30265272974946.
  CHECK(student_t_quantile(0.975, 1) == Approx(std::tan(0.475 * std::numbers::pi)).epsilon(1e-12));
  CHECK(student_t_quantile(0.975, 2) == Approx(4.30265272974946).epsilon(1e-12));
  CHECK(student_t_quantile(0.95, 10) == Approx(1.812461).epsilon(1e-6));
  CHECK(student_t_quantile(0.025, 4) == Approx(-2.776445).epsilon(1e-6));
  CHECK(student_t_quantile(0.5, 7) == 0.0);
  // Many degrees of freedom approach the normal quantile 1.959964 (+ (z^3 + z) / 4df).
  CHECK(student_t_quantile(0.975, 1e5) == Approx(1.9599877).epsilon(1e-6));
  // The quantile inverts the distribution function.
  for (double df : {1.0, 2.5, 4.0, 30.0, 200.0})
    for (double p : {0.6, 0.9, 0.975, 0.999}) CHECK(student_t_cdf(student_t_quantile(p, df), df) == Approx(p).epsilon(1e-12));
  // df = 2 has a closed form: F(t) = 1/2 + t / (2 sqrt(2 + t^2)), so t(p) = (2p - 1) sqrt(2 / (1 - (2p - 1)^2)).
  for (double p : {0.6, 0.9, 0.975, 0.999}) {
    const double a = 2 * p - 1;
    CHECK(student_t_quantile(p, 2) == Approx(a * std::sqrt(2 / (1 - a * a))).epsilon(1e-12));
  }
  CHECK_THROWS(student_t_quantile(1.0, 3));
  CHECK_THROWS(student_t_quantile(0.9, 0));
}

TEST_CASE("mean_interval is the mean and the Student t half-width", "[study][confidence]")
{
  const std::vector<double> values = {1.0, 2.0, 4.0, 5.0, 8.0};
  const MeanInterval m = mean_interval(values, 0.95);
  CHECK(m.n == 5);
  CHECK(m.mean == 4.0);
  CHECK(m.stddev == Approx(std::sqrt(7.5)).epsilon(1e-15));  // squares 9 + 4 + 0 + 1 + 16 = 30, / 4
  CHECK(m.half_width == Approx(2.776445105197793 * std::sqrt(7.5) / std::sqrt(5.0)).epsilon(1e-12));
  const MeanInterval one = mean_interval(std::vector<double>{3.0}, 0.95);
  CHECK(one.mean == 3.0);
  CHECK(std::isnan(one.half_width));
  CHECK(std::isnan(mean_interval(std::vector<double>{}, 0.9).mean));
}

TEST_CASE("a study's grid has every combination, the last key fastest", "[study]")
{
  const fs::path dir = study_dir("grid");
  const Cleanup cleanup{dir};
  const StudySpec spec = load(dir);
  CHECK(spec.name == "tiny-study");
  CHECK(spec.master_seed == 7);
  CHECK(spec.replications == 3);
  CHECK(spec.confidence == 0.95);
  CHECK(spec.point_count() == 6);
  CHECK(spec.run_count() == 18);
  const std::vector<StudyPoint> grid = study_grid(spec);
  REQUIRE(grid.size() == 6);
  CHECK(grid[0].values == std::vector<std::string>{"round_robin", "100/s"});
  CHECK(grid[1].values == std::vector<std::string>{"round_robin", "200/s"});
  CHECK(grid[3].values == std::vector<std::string>{"least_connections", "100/s"});
  CHECK(grid[5].overrides == std::vector<std::string>{"balancer.algorithm=least_connections", "clients[0].arrivals.rate=300/s"});
  std::set<std::vector<std::string>> distinct;
  for (const StudyPoint& p : grid) distinct.insert(p.values);
  CHECK(distinct.size() == 6);

  // No vary: one point, the base scenario.
  const Cleanup cleanup_single{study_dir("grid-single", "scenario: tiny.yaml\nreplications: 4\n")};
  const StudySpec single = load(cleanup_single.dir);
  CHECK(single.name == "study");  // the file's stem
  CHECK(single.point_count() == 1);
  CHECK(study_grid(single).at(0).overrides.empty());
  CHECK(single.report.size() == default_report_metrics().size());
}

TEST_CASE("run seeds are distinct, stable and derived from the scenario's seed", "[study]")
{
  std::set<uint64_t> seeds;
  for (std::size_t p = 0; p < 50; ++p)
    for (std::size_t r = 0; r < 20; ++r) {
      const uint64_t seed = study_run_seed(7, p, r);
      CHECK(seed <= static_cast<uint64_t>(INT64_MAX));
      seeds.insert(seed);
    }
  CHECK(seeds.size() == 1000);
  CHECK(study_run_seed(7, 3, 2) == study_run_seed(7, 3, 2));
  CHECK(study_run_seed(7, 3, 2) != study_run_seed(8, 3, 2));
  CHECK(study_run_seed(7, 0, 1) != study_run_seed(7, 1, 0));
  // Pinned: a change here changes every study's numbers and must be deliberate.
  CHECK(study_run_seed(7, 0, 0) == 5620672417314516668ULL);
  CHECK(study_run_seed(42, 11, 4) == 6933279357116523440ULL);
}

TEST_CASE("a study writes tidy runs.csv and summary.csv with hand-checkable intervals", "[study]")
{
  const fs::path dir = study_dir("tidy");
  const Cleanup cleanup{dir};
  const StudySpec spec = load(dir);
  const StudyResult result = run(spec, dir / "out", 2);
  REQUIRE(result.complete);
  CHECK(result.total == 18);
  CHECK(result.executed == 18);
  CHECK(result.reused == 0);
  CHECK(result.failed == 0);

  const auto runs = csv_rows(read(dir / "out" / "runs.csv"));
  const auto summary = csv_rows(read(dir / "out" / "summary.csv"));
  REQUIRE(runs.size() == 19);
  REQUIRE(summary.size() == 7);
  CHECK(runs[0] == std::vector<std::string>{"point", "replication", "seed", "balancer.algorithm", "clients[0].arrivals.rate",
                                            "latency_s.mean", "latency_s.p99", "throughput_rps", "requests.rejected",
                                            "fingerprint", "status", "error"});
  CHECK(summary[0] == std::vector<std::string>{"point", "balancer.algorithm", "clients[0].arrivals.rate", "runs", "failed",
                                               "latency_s.mean_mean", "latency_s.mean_ci", "latency_s.p99_mean",
                                               "latency_s.p99_ci", "throughput_rps_mean", "throughput_rps_ci",
                                               "requests.rejected_mean", "requests.rejected_ci",
                                               "analytic_latency_s.mean", "analytic_latency_s.p99", "analytic_model"});
  // The analytic columns: round robin over two servers is E_2/M/1 per server, least connections
  // the JSQ chain; at 300/s (rho 0.75) JSQ predicts less than round robin, as simulated.
  CHECK(summary[1][15] == "E_2/M/1 per server (round robin over 2)");
  CHECK(summary[4][15] == "JSQ Markov chain (N = 2)");
  REQUIRE(result.analytic.size() == 6);
  CHECK(std::stod(summary[3][13]) == result.analytic[2].mean_s);
  CHECK(result.analytic[5].mean_s < result.analytic[2].mean_s);
  for (std::size_t point = 0; point < 6; ++point)
    CHECK(std::stod(summary[1 + point][13]) == Approx(result.results.points[point].metrics[0].mean).epsilon(0.15));

  // Rows in (point, replication) order, each with its seed and its point's values.
  std::set<std::string> seeds;
  for (std::size_t i = 1; i < runs.size(); ++i) {
    const std::size_t point = (i - 1) / 3, replication = (i - 1) % 3;
    REQUIRE(runs[i].size() == 12);
    CHECK(runs[i][0] == std::to_string(point));
    CHECK(runs[i][1] == std::to_string(replication));
    CHECK(runs[i][2] == std::to_string(study_run_seed(7, point, replication)));
    CHECK(runs[i][10] == "ok");
    seeds.insert(runs[i][2]);
  }
  CHECK(seeds.size() == 18);
  CHECK(runs[9][3] == "round_robin");  // point 2, the last of round robin
  CHECK(runs[9][4] == "300/s");
  CHECK(runs[10][3] == "least_connections");
  CHECK(runs[10][4] == "100/s");

  // A run is the scenario with the point's values and the seed, exactly as --set gives them.
  const models::RunSummary again = run_scenario(
      load_scenario_file((dir / "tiny.yaml").string(),
                         {"balancer.algorithm=least_connections", "clients[0].arrivals.rate=200/s",
                          "seed=" + std::to_string(study_run_seed(7, 4, 1))}),
      "");
  CHECK(runs[14][0] == "4");
  CHECK(runs[14][5] == format_number(again.latency_mean_s));
  CHECK(runs[14][7] == format_number(again.throughput_rps));
  CHECK(runs[14][9] == again.fingerprint);

  // summary.csv against a hand computation over runs.csv: t(0.975, 2) = 4.302652729749464.
  for (std::size_t point = 0; point < 6; ++point) {
    for (std::size_t metric = 0; metric < 4; ++metric) {
      double x[3];
      for (std::size_t r = 0; r < 3; ++r) x[r] = std::stod(runs[1 + point * 3 + r][5 + metric]);
      const double mean = (x[0] + x[1] + x[2]) / 3.0;
      const double variance = ((x[0] - mean) * (x[0] - mean) + (x[1] - mean) * (x[1] - mean) +
                               (x[2] - mean) * (x[2] - mean)) / 2.0;
      const double half_width = 4.302652729749464 * std::sqrt(variance) / std::sqrt(3.0);
      const auto& row = summary[1 + point];
      CHECK(row[3] == "3");
      CHECK(row[4] == "0");
      CHECK(std::stod(row[5 + 2 * metric]) == Approx(mean).epsilon(1e-14).margin(1e-300));
      CHECK(std::stod(row[6 + 2 * metric]) == Approx(half_width).epsilon(1e-9).margin(1e-15));
    }
  }
  // Least connections beats round robin at 300/s on mean latency (two servers, 75% load).
  CHECK(result.results.points.at(5).metrics.at(0).mean < result.results.points.at(2).metrics.at(0).mean);
}

TEST_CASE("runs.csv and summary.csv are byte-identical for any number of jobs", "[study]")
{
  const fs::path dir = study_dir("jobs");
  const Cleanup cleanup{dir};
  const StudySpec spec = load(dir);
  REQUIRE(run(spec, dir / "j1", 1).complete);
  REQUIRE(run(spec, dir / "j2", 2).complete);
  REQUIRE(run(spec, dir / "j5", 5).complete);
  const std::string runs = read(dir / "j1" / "runs.csv");
  const std::string summary = read(dir / "j1" / "summary.csv");
  CHECK(runs.size() > 1000);
  CHECK(read(dir / "j2" / "runs.csv") == runs);
  CHECK(read(dir / "j2" / "summary.csv") == summary);
  CHECK(read(dir / "j5" / "runs.csv") == runs);
  CHECK(read(dir / "j5" / "summary.csv") == summary);
}

TEST_CASE("a study stopped part-way reuses its finished runs and ends with the same files", "[study][resume]")
{
  const fs::path dir = study_dir("resume");
  const Cleanup cleanup{dir};
  const StudySpec spec = load(dir);
  REQUIRE(run(spec, dir / "whole", 2).complete);
  const std::string runs = read(dir / "whole" / "runs.csv");
  const std::string summary = read(dir / "whole" / "summary.csv");

  SECTION("stopped after 5 runs (as if killed), then started again")
  {
    StudyOptions stop;
    stop.stop_after_runs = 5;
    const StudyResult first = run(spec, dir / "part", 2, stop);
    CHECK_FALSE(first.complete);
    CHECK(first.executed == 5);
    CHECK_FALSE(fs::exists(dir / "part" / "summary.csv"));
    CHECK_FALSE(fs::exists(dir / "part" / "runs.csv"));
    {
      StudyStore store((dir / "part").string());
      CHECK(store.run_count() == 5);
    }
    const StudyResult second = run(spec, dir / "part", 1);
    REQUIRE(second.complete);
    CHECK(second.reused == 5);
    CHECK(second.executed == 13);
    CHECK(read(dir / "part" / "summary.csv") == summary);
    CHECK(read(dir / "part" / "runs.csv") == runs);
  }

  SECTION("summary.csv and some runs deleted, then started again")
  {
    fs::remove(dir / "whole" / "summary.csv");
    sql(dir / "whole" / "study.db", "DELETE FROM runs WHERE (point = 1 AND replication = 2) OR point = 4");
    const StudyResult again = run(spec, dir / "whole", 2);
    REQUIRE(again.complete);
    CHECK(again.reused == 14);
    CHECK(again.executed == 4);
    CHECK(read(dir / "whole" / "summary.csv") == summary);
    CHECK(read(dir / "whole" / "runs.csv") == runs);
  }

  SECTION("nothing left to run: every run is reused")
  {
    const StudyResult again = run(spec, dir / "whole", 2);
    CHECK(again.reused == 18);
    CHECK(again.executed == 0);
    CHECK(read(dir / "whole" / "summary.csv") == summary);
  }

  SECTION("a changed value reruns only the runs it changes")
  {
    std::string changed = kStudy;
    changed.replace(changed.find("300/s"), 5, "250/s");
    write(dir / "study.yaml", changed);
    const StudyResult again = run(load(dir), dir / "whole", 2);
    CHECK(again.reused == 12);
    CHECK(again.discarded == 6);
    CHECK(again.executed == 6);
    CHECK(read(dir / "whole" / "summary.csv") != summary);
  }

  SECTION("another study cannot use the same folder")
  {
    std::string other = kStudy;
    other.replace(other.find("tiny-study"), 10, "other-study");
    write(dir / "study.yaml", other);
    CHECK_THROWS_AS(run(load(dir), dir / "whole", 2), StudyStoreError);
    CHECK(read(dir / "whole" / "summary.csv") == summary);
  }

  SECTION("two studies cannot use the same folder at once")
  {
    StudyStore holder((dir / "whole").string());
    CHECK_THROWS_WITH(StudyStore((dir / "whole").string()), Contains("in use by another lbsim study"));
  }
}

TEST_CASE("a study killed with SIGKILL at any moment ends, when started again, with the same summary", "[study][resume]")
{
  const fs::path dir = study_dir("kill");
  const Cleanup cleanup{dir};
  // Longer runs (200 s each, about 0.5 s of work for the whole study) so the kills land mid-study.
  const StudySpec spec = load(dir, {"duration=200 s"});
  REQUIRE(run(spec, dir / "whole", 2).complete);
  const std::string runs = read(dir / "whole" / "runs.csv");
  const std::string summary = read(dir / "whole" / "summary.csv");

  int killed = 0;
  for (int delay_ms : {5, 40, 120, 250}) {
    const fs::path out = dir / ("killed-" + std::to_string(delay_ms));
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      try {
        run(spec, out, 2);
      } catch (...) {
        ::_exit(3);
      }
      ::_exit(0);
    }
    ::usleep(static_cast<useconds_t>(delay_ms * 1000));
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    if (WIFSIGNALED(status)) ++killed;
    const StudyResult again = run(spec, out, 2);
    INFO("killed after " << delay_ms << " ms; " << again.reused << " runs reused");
    REQUIRE(again.complete);
    CHECK(again.reused + again.executed == 18);
    CHECK(read(out / "summary.csv") == summary);
    CHECK(read(out / "runs.csv") == runs);
  }
  CHECK(killed > 0);
}

TEST_CASE("a run that fails is reported with its point and the study goes on", "[study][failure]")
{
  SECTION("a combination of values the scenario rejects")
  {
    // Each value is fine alone; population 3 with two listed addresses is not.
    const fs::path dir = study_dir("fail", R"(study: failing
scenario: tiny.yaml
replications: 2
vary:
  clients[0].population: [2, 3]
  clients[0].addresses: [[10.0.0.1, 10.0.0.2]]
report: [throughput_rps]
)");
    const Cleanup cleanup{dir};
    const StudySpec spec = load(dir);
    std::vector<std::string> reported;
    StudyOptions options;
    options.on_failure = [&](const StudyPoint& point, const RunFailure& failure) {
      reported.push_back(point.values.at(0) + ": " + failure.error);
    };
    const StudyResult result = run(spec, dir / "out", 2, options);
    REQUIRE(result.complete);
    CHECK(result.failed == 2);
    REQUIRE(reported.size() == 2);
    CHECK_THAT(reported[0], Contains("3: clients[0].population is 3 but 2 addresses are listed"));
    REQUIRE(result.results.failures.size() == 2);
    CHECK(result.results.failures[0].point == 1);
    CHECK(result.results.failures[1].replication == 1);
    const auto summary = csv_rows(read(dir / "out" / "summary.csv"));
    REQUIRE(summary.size() == 3);
    CHECK(summary[1][3] == "2");  // runs
    CHECK(summary[1][4] == "0");  // failed
    CHECK(summary[2][3] == "0");
    CHECK(summary[2][4] == "2");
    CHECK(summary[2][5].empty());  // no mean without runs
    const std::string runs = read(dir / "out" / "runs.csv");
    CHECK_THAT(runs, Contains(",failed,clients[0].population is 3 but 2 addresses are listed"));
    // The addresses' value holds commas: quoted in the CSV files.
    CHECK_THAT(runs, Contains(",2,\"[10.0.0.1, 10.0.0.2]\","));

    // Started again, the failed runs are tried again (they fail again) and the files are the same.
    const std::string before = read(dir / "out" / "summary.csv");
    const StudyResult again = run(spec, dir / "out", 1);
    CHECK(again.reused == 2);
    CHECK(again.executed == 2);
    CHECK(read(dir / "out" / "summary.csv") == before);
  }

  SECTION("an error inside a run")
  {
    const fs::path dir = study_dir("throw");
    const Cleanup cleanup{dir};
    const StudySpec spec = load(dir);
    StudyOptions options;
    options.execute = [&spec](const RunTask& task) {
      if (task.point == 2 && task.replication == 1) throw std::runtime_error("simulated crash");
      return execute_run(spec, task);
    };
    const StudyResult result = run(spec, dir / "out", 2, options);
    REQUIRE(result.complete);
    CHECK(result.failed == 1);
    CHECK(result.results.points.at(2).runs == 2);
    CHECK(result.results.points.at(2).failed == 1);
    CHECK(result.results.points.at(3).runs == 3);
    CHECK_THAT(read(dir / "out" / "runs.csv"), Contains("2,1," + std::to_string(study_run_seed(7, 2, 1)) +
                                                        ",round_robin,300/s,,,,,,failed,the run failed: simulated crash\n"));
  }
}

TEST_CASE("study file errors name the file, line and column", "[study][errors]")
{
  auto at = [](const ScenarioError& e, int line, int column) {
    INFO(e.what());
    CHECK(e.where().line == line);
    CHECK(e.where().column == column);
    CHECK_THAT(std::string(e.what()), Contains("study.yaml:" + std::to_string(line) + ":" + std::to_string(column) + ": error: "));
  };

  SECTION("unknown key")
  {
    const auto e = study_error("study: s\nscenario: tiny.yaml\nreplication: 3\n");
    at(e, 3, 1);
    CHECK_THAT(e.message(), Contains("unknown key \"replication\"") && Contains("did you mean \"replications\""));
  }
  SECTION("missing scenario file")
  {
    const auto e = study_error("study: s\nscenario: nowhere.yaml\n");
    at(e, 2, 11);
    CHECK_THAT(e.message(), Contains("cannot open the scenario file \"nowhere.yaml\""));
  }
  SECTION("no scenario")
  {
    const auto e = study_error("study: s\nreplications: 2\n");
    at(e, 1, 1);
    CHECK_THAT(e.message(), Contains("no \"scenario\""));
  }
  SECTION("bad vary path: no such list item")
  {
    const auto e = study_error("study: s\nscenario: tiny.yaml\nvary:\n  servers[wbe].count: [1, 2]\n");
    at(e, 4, 3);
    CHECK_THAT(e.message(), Contains("servers has no item named \"wbe\"; did you mean \"web\"?"));
  }
  SECTION("bad vary path: no such key")
  {
    const auto e = study_error("study: s\nscenario: tiny.yaml\nvary:\n  balancer.algoritm: [round_robin]\n");
    at(e, 4, 3);
    CHECK_THAT(e.message(), Contains("unknown key \"algoritm\" in balancer; did you mean \"algorithm\"?"));
  }
  SECTION("bad value")
  {
    const auto e = study_error("study: s\nscenario: tiny.yaml\nvary:\n  balancer.algorithm: [round_robin, round_robbin]\n");
    at(e, 4, 37);
    CHECK_THAT(e.message(), Contains("\"round_robbin\" is not known; did you mean \"round_robin\"?"));
  }
  SECTION("bad value with units")
  {
    const auto e = study_error("study: s\nscenario: tiny.yaml\nvary:\n  clients[0].arrivals.rate:\n    - 100/s\n    - 200 per s\n");
    at(e, 6, 7);
  }
  SECTION("vary values must be a list")
  {
    const auto e = study_error("study: s\nscenario: tiny.yaml\nvary:\n  balancer.algorithm: round_robin\n");
    at(e, 4, 23);
    CHECK_THAT(e.message(), Contains("must be a list of values"));
  }
  SECTION("seed cannot be varied")
  {
    const auto e = study_error("study: s\nscenario: tiny.yaml\nvary:\n  seed: [1, 2]\n");
    at(e, 4, 3);
  }
  SECTION("unknown metric")
  {
    const auto e = study_error("study: s\nscenario: tiny.yaml\nreport:\n  - latency_s.mean\n  - latancy_s.p99\n");
    at(e, 5, 5);
    CHECK_THAT(e.message(), Contains("unknown metric \"latancy_s.p99\"") && Contains("did you mean \"latency_s.p99\"?"));
    CHECK_THAT(study_error("scenario: tiny.yaml\nreport: [latency_s.p95]\n").message(), Contains("did you mean \"latency_s.p90\"?"));
    CHECK_THAT(study_error("scenario: tiny.yaml\nreport: ['servers[0].utilization']\n").message(),
               Contains("pick list items by name"));
  }
  SECTION("a metric that is a group, text or wall-clock time")
  {
    CHECK_THAT(study_error("scenario: tiny.yaml\nreport: [latency_s]\n").message(), Contains("is a group") && Contains("latency_s.p99"));
    CHECK_THAT(study_error("scenario: tiny.yaml\nreport: [fingerprint]\n").message(), Contains("is text"));
    CHECK_THAT(study_error("scenario: tiny.yaml\nreport: [wall.seconds]\n").message(), Contains("wall-clock"));
  }
  SECTION("confidence out of range")
  {
    const auto e = study_error("study: s\nscenario: tiny.yaml\nconfidence: 95\n");
    at(e, 3, 13);
  }
  SECTION("a scenario file is not a study")
  {
    const auto e = study_error(kScenario);
    CHECK_THAT(e.message(), Contains("this is a scenario file, not a study"));
  }
  SECTION("an error in the base scenario names the scenario file")
  {
    const fs::path dir = study_dir("scenario-error");
    const Cleanup cleanup{dir};
    write(dir / "tiny.yaml", std::string(kScenario) + "bogus: 1\n");
    try {
      load(dir);
      FAIL("accepted");
    } catch (const ScenarioError& e) {
      CHECK_THAT(std::string(e.what()), Contains("tiny.yaml:12:1: error: unknown key \"bogus\""));
    }
  }
}

TEST_CASE("report metrics are paths into summary.json", "[study]")
{
  const fs::path dir = study_dir("metrics", R"(study: metrics
scenario: tiny.yaml
replications: 2
vary:
  servers[web].count: [1, 2]
report:
  - requests.completed
  - servers[web-2].utilization
  - stopped_early
)");
  const Cleanup cleanup{dir};
  const StudySpec spec = load(dir);  // servers[web-2] exists at count 2 only: accepted
  const StudyResult result = run(spec, dir / "out", 2);
  REQUIRE(result.complete);
  const auto& points = result.results.points;
  CHECK(points.at(0).metrics.at(1).n == 0);  // count 1: web-1 only
  CHECK(points.at(1).metrics.at(1).n == 2);
  CHECK(points.at(1).metrics.at(2).mean == 0.0);

  const models::SystemConfig config = load_scenario_file((dir / "tiny.yaml").string());
  const std::vector<std::string> names = summary_metric_names(config);
  CHECK(std::find(names.begin(), names.end(), "latency_s.p999") != names.end());
  CHECK(std::find(names.begin(), names.end(), "servers[web-2].mean_queue") != names.end());
  CHECK(std::find(names.begin(), names.end(), "wall.seconds") == names.end());
  const auto metrics = summary_metrics(summary_json(run_scenario(config, "")));
  REQUIRE(metrics.size() == names.size());
  for (std::size_t i = 0; i < names.size(); ++i) CHECK(metrics[i].first == names[i]);
}
