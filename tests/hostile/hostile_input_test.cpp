// Every hostile input in docs/reliability.md's table, tried on the real lbsim binary: each row's
// case is defined here by its name, and the test fails when a row's exit status or the phrase it
// quotes from lbsim's answer no longer match (or a row has no case, or a case no row).
#include "tests/hostile/hostile_support.hpp"

#include <catch2/catch.hpp>

#include <sqlite3.h>
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <vector>

namespace fs = std::filesystem;
using namespace lbsim::test;

namespace {

const std::string kSmall = std::string(LBSIM_SOURCE_DIR) + "/tests/data/scenarios/small.yaml";

fs::path dir() { static const fs::path d = scratch_dir("table"); return d; }

std::string file(const std::string& name, const std::string& bytes) { return write_file(dir() / name, bytes); }

Outcome check_text(const std::string& name, const std::string& text, std::vector<std::string> extra = {})
{
  std::vector<std::string> args = {"check", file(name, text)};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_lbsim(args);
}

// "a: &a [x, x, ...]" then levels that each repeat the one before `fan` times: fan^levels values.
std::string alias_bomb(int levels, int fan, const std::string& leaf = "lol")
{
  std::string text = "a0: &a0 [";
  for (int k = 0; k < fan; ++k) text += (k ? ", " : "") + leaf;
  text += "]\n";
  for (int l = 1; l < levels; ++l) {
    text += "a" + std::to_string(l) + ": &a" + std::to_string(l) + " [";
    for (int k = 0; k < fan; ++k) text += (k ? ", " : "") + std::string("*a") + std::to_string(l - 1);
    text += "]\n";
  }
  return text;
}

std::string flow_bomb(int levels, int fan)
{
  // The same as one flow value for --set: [&a0 [x, x], &a1 [*a0, *a0], ...]
  std::string text = "[&a0 [";
  for (int k = 0; k < fan; ++k) text += (k ? ", " : "") + std::string("x");
  text += "]";
  for (int l = 1; l < levels; ++l) {
    text += ", &a" + std::to_string(l) + " [";
    for (int k = 0; k < fan; ++k) text += (k ? ", " : "") + std::string("*a") + std::to_string(l - 1);
    text += "]";
  }
  return text + "]";
}

std::string study(const std::string& name, const std::string& vary)
{
  file(name + "-scenario.yaml", scenario());
  return file(name + ".yaml", "study: " + name + "\nscenario: " + name + "-scenario.yaml\nreplications: 2\n" + vary);
}

std::string trace_scenario(const std::string& name, const std::string& trace_path)
{
  return file(name + ".yaml", "name: t\nclients: [{arrivals: {process: trace, file: " + trace_path +
                                  "}, mix: [{method: GET, path: /, work: 5 ms}]}]\nservers: [{name: web}]\n");
}

std::string empirical_scenario(const std::string& name, const std::string& data_path)
{
  return file(name + ".yaml", "name: e\nduration: 1 s\nclients: [{arrivals: {process: poisson, rate: 10/s}, mix: "
                              "[{work: {distribution: empirical, file: " + data_path + "}}]}]\nservers: [{name: web}]\n");
}

// A finished two-run study in its own folder, for the database cases.
std::pair<std::string, std::string> finished_study(const std::string& name)
{
  const std::string spec = study(name, "vary:\n  servers[web].cores: [1]\n");
  const std::string out = (dir() / (name + "-out")).string();
  const Outcome first = run_lbsim({"study", spec, "--out", out, "--jobs", "1"});
  REQUIRE(first.status == 0);
  return {spec, out};
}

// An edit behind lbsim's back, through SQLite itself (so SQLite's own checks still pass).
void sqlite(const std::string& db, const std::string& sql)
{
  sqlite3* handle = nullptr;
  REQUIRE(sqlite3_open(db.c_str(), &handle) == SQLITE_OK);
  REQUIRE(sqlite3_exec(handle, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(handle);
}

const std::map<std::string, std::function<Outcome()>>& cases()
{
  static const std::map<std::string, std::function<Outcome()>> all = {
      // Files that are not files, or too large, or not text.
      {"run-dev-zero", [] { return run_lbsim({"run", "/dev/zero"}); }},
      {"check-dev-zero", [] { return run_lbsim({"check", "/dev/zero"}); }},
      {"study-dev-zero", [] { return run_lbsim({"study", "/dev/zero"}); }},
      {"plan-dev-zero", [] { return run_lbsim({"plan", "/dev/zero"}); }},
      {"plan-folder", [] { return run_lbsim({"plan", dir().string()}); }},
      {"fifo", [] {
         const std::string fifo = (dir() / "pipe.yaml").string();
         ::mkfifo(fifo.c_str(), 0600);
         return run_lbsim({"check", fifo});
       }},
      {"missing-file", [] { return run_lbsim({"check", (dir() / "nowhere.yaml").string()}); }},
      {"empty-file", [] { return check_text("empty.yaml", ""); }},
      {"file-9-mb", [] { return check_text("nine.yaml", scenario() + std::string(9 << 20, '#')); }},
      {"file-50-mb", [] { return check_text("fifty.yaml", scenario() + std::string(50'000'000, '\n')); }},
      {"elf-binary", [] { return check_text("elf.yaml", std::string("\x7f" "ELF\x02\x01\x01\0\0\0", 10)); }},
      {"png-binary", [] { return check_text("png.yaml", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16)); }},
      {"nul-byte", [] { return check_text("nul.yaml", std::string("name: a\0b\n", 10)); }},
      {"latin-1", [] { return check_text("latin1.yaml", "name: caf\xe9\n"); }},
      {"study-scenario-dev-zero", [] {
         return run_lbsim({"study", file("zero-study.yaml", "study: z\nscenario: /dev/zero\nreplications: 2\n")});
       }},
      // YAML that multiplies or never ends.
      {"alias-bomb", [] { return check_text("bomb.yaml", alias_bomb(9, 9) + scenario()); }},
      {"alias-bomb-empty-value", [] { return check_text("bomb-empty.yaml", alias_bomb(9, 9, "") + "name:\n"); }},
      {"alias-cycle", [] { return check_text("cycle.yaml", "a: &a [*a]\n" + scenario()); }},
      {"undefined-alias", [] { return check_text("undefined.yaml", "name: *nowhere\n"); }},
      {"deep-flow-nesting", [] { return check_text("deep.yaml", "name: " + std::string(5000, '[') + "\n"); }},
      {"deep-block-nesting", [] {
         std::string text;
         for (int d = 0; d < 150; ++d) text += std::string(2 * static_cast<std::size_t>(d), ' ') + "a:\n";
         return check_text("deep-block.yaml", text);
       }},
      {"set-alias-bomb", [] { return run_lbsim({"check", kSmall, "--set", "clients[0].mix=" + flow_bomb(9, 9)}); }},
      {"study-vary-alias-bomb", [] {
         return run_lbsim({"study", study("vary-bomb", alias_bomb(9, 9) + "vary:\n  servers[web].cores: *a8\n")});
       }},
      {"tab-indent", [] { return check_text("tab.yaml", "name: t\nservers:\n\t- name: web\n"); }},
      {"duplicate-key", [] { return check_text("dup.yaml", scenario("name: again\n")); }},
      // Numbers beyond what they mean.
      {"rate-1e309", [] { return check_text("r309.yaml", scenario({}, "1e309/s")); }},
      {"rate-nan", [] { return check_text("rnan.yaml", scenario({}, "nan/s")); }},
      {"rate-inf", [] { return check_text("rinf.yaml", scenario({}, ".inf/s")); }},
      {"stop-minus-zero", [] { return check_text("m0.yaml", scenario("stop: {requests: -0}\n")); }},
      {"warmup-minus-zero", [] { return check_text("w0.yaml", scenario("warmup: -0 s\n")); }},
      {"warmup-1e309", [] { return check_text("w309.yaml", scenario("warmup: 1e309 s\n")); }},
      {"speed-1e-300", [] { return check_text("speed.yaml", scenario({}, "100/s", "name: web, speed: 1e-300")); }},
      {"interval-100000d", [] { return check_text("i100k.yaml", scenario("metrics: {interval: 100000d}\n")); }},
      {"interval-1-ns", [] { return check_text("i1ns.yaml", scenario("metrics: {interval: 1 ns}\n")); }},
      {"seed-20-digits", [] { return check_text("seed.yaml", scenario("seed: 99999999999999999999\n")); }},
      {"count-10-12", [] { return check_text("count.yaml", scenario({}, "100/s", "name: web, count: 1000000000000")); }},
      {"cores-negative", [] { return check_text("cores.yaml", scenario({}, "100/s", "name: web, cores: -1")); }},
      {"name-escape-sequence", [] {
         std::string text = scenario();
         text.replace(0, text.find('\n'), "name: \"\\e[2J\"");  // YAML's \e: the escape character
         return check_text("escape.yaml", text);
       }},
      // --set.
      {"set-without-equals", [] { return run_lbsim({"check", kSmall, "--set", "seed"}); }},
      {"set-empty-key-part", [] { return run_lbsim({"check", kSmall, "--set", "servers..cores=2"}); }},
      {"set-past-the-end", [] { return run_lbsim({"check", kSmall, "--set", "servers[9].cores=2"}); }},
      {"set-control-character", [] { return run_lbsim({"check", kSmall, "--set", "name=a\x1b" "b"}); }},
      // Trace and data files.
      {"trace-dev-zero", [] { return run_lbsim({"check", trace_scenario("trace-zero", "/dev/zero")}); }},
      {"trace-nul", [] {
         file("nul.csv", std::string("0.1,10.0.0.1,GET,/\n0.2,10.0.0.1,GET\0,/\n", 38));
         return run_lbsim({"check", trace_scenario("trace-nul", "nul.csv")});
       }},
      {"trace-long-line", [] {
         file("long.csv", "0.1,10.0.0.1,GET,/" + std::string(5000, 'x') + "\n");
         return run_lbsim({"check", trace_scenario("trace-long", "long.csv")});
       }},
      {"trace-10-million-lines", [] {
         // 270 MB: read line by line up to the limit on requests, then refused at that line.
         const fs::path csv = dir() / "ten-million.csv";
         {
           std::ofstream out(csv);
           char row[64];
           for (int i = 0; i < 10'000'000; ++i) {
             const int n = std::snprintf(row, sizeof row, "%d.%04d,10.0.%d.%d,GET,/\n", i / 10000, i % 10000,
                                         (i >> 8) & 255, i & 255);
             out.write(row, n);
           }
         }
         Outcome outcome = run_lbsim({"check", trace_scenario("trace-ten-million", csv.string())});
         fs::remove(csv);
         return outcome;
       }},
      {"empirical-dev-zero", [] { return run_lbsim({"check", empirical_scenario("emp-zero", "/dev/zero")}); }},
      {"empirical-folder", [] { return run_lbsim({"check", empirical_scenario("emp-folder", dir().string())}); }},
      // Runs too big for the machine.
      {"rate-1e12", [] { return check_text("huge-rate.yaml", scenario({}, "1e12/s")); }},
      {"rate-1e12-forced", [] {
         return run_lbsim({"check", file("huge-forced.yaml", scenario({}, "1e12/s")), "--force"});
       }},
      {"overload", [] {
         return check_text("overload.yaml", "name: o\nduration: 60 s\nclients: [{arrivals: {process: poisson, rate: "
                                            "20000/s}, mix: [{work: 5 ms}]}]\nbalancer: {algorithm: round_robin}\n"
                                            "servers: [{name: web, count: 2}]\n");
       }},
      {"in-flight-cap", [] {
         return run_lbsim({"run", file("capped.yaml", "name: c\nduration: 2 s\nmax_in_flight: 1000\nclients: [{arrivals: "
                                                  "{process: poisson, rate: 5000/s}, mix: [{work: 5 ms}]}]\n"
                                                  "servers: [{name: web}]\n")});
       }},
      // Output folders.
      {"out-is-a-file", [] { return run_lbsim({"run", kSmall, "--out", file("not-a-folder", "x")}); }},
      {"out-unwritable", [] { return run_lbsim({"run", kSmall, "--out", "/proc/lbsim-results"}); }},
      // Study databases damaged after the study.
      {"study-db-garbage", [] {
         const auto [spec, out] = finished_study("garbage");
         write_file(fs::path(out) / "study.db", std::string(8192, 'x'));
         return run_lbsim({"study", spec, "--out", out, "--jobs", "1"});
       }},
      {"study-db-edited-fingerprint", [] {
         const auto [spec, out] = finished_study("edited");
         sqlite(out + "/study.db", "UPDATE runs SET fingerprint = '0000' WHERE replication = 0;");
         return run_lbsim({"study", spec, "--out", out, "--jobs", "1"});
       }},
  };
  return all;
}

struct Row {
  int line = 0;
  std::string id, exit, answer;
};

// The rows of the table between <!-- hostile-inputs --> and <!-- /hostile-inputs -->:
// | # | `id` | what was tried | exit | `a phrase of the answer` |
std::vector<Row> table_rows()
{
  std::ifstream in(std::string(LBSIM_SOURCE_DIR) + "/docs/reliability.md");
  std::vector<Row> rows;
  std::string line;
  bool inside = false;
  int number = 0;
  auto ticked = [](const std::string& cell) {
    const std::size_t a = cell.find('`'), b = cell.rfind('`');
    return a == std::string::npos || a == b ? std::string() : cell.substr(a + 1, b - a - 1);
  };
  while (std::getline(in, line)) {
    ++number;
    if (line.find("<!-- hostile-inputs -->") != std::string::npos) inside = true;
    if (line.find("<!-- /hostile-inputs -->") != std::string::npos) inside = false;
    if (!inside || line.rfind("| ", 0) != 0 || line.find("`") == std::string::npos) continue;
    std::vector<std::string> cells;
    std::stringstream split(line.substr(1));
    std::string cell;
    while (std::getline(split, cell, '|')) cells.push_back(cell);
    if (cells.size() < 5) continue;
    Row row{number, ticked(cells[1]), cells[3], ticked(cells[4])};
    row.exit.erase(0, row.exit.find_first_not_of(' '));
    row.exit.erase(row.exit.find_last_not_of(' ') + 1);
    rows.push_back(row);
  }
  return rows;
}

}  // namespace

TEST_CASE("docs/reliability.md lists at least 40 hostile inputs, each with a case here and each case in it", "[hostile]")
{
  const std::vector<Row> rows = table_rows();
  CHECK(rows.size() >= 40);
  std::set<std::string> listed;
  for (const Row& row : rows) {
    INFO("docs/reliability.md:" << row.line << " " << row.id);
    CHECK(cases().count(row.id) == 1);
    CHECK(listed.insert(row.id).second);
  }
  for (const auto& [id, run] : cases()) {
    INFO(id);
    CHECK(listed.count(id) == 1);
  }
}

TEST_CASE("every hostile input in docs/reliability.md gets the answer and exit status the table says", "[hostile]")
{
  for (const Row& row : table_rows()) {
    const auto it = cases().find(row.id);
    if (it == cases().end()) continue;
    const auto started = std::chrono::steady_clock::now();
    const Outcome outcome = it->second();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    INFO("docs/reliability.md:" << row.line << " `" << row.id << "` took " << seconds << " s, exit " << outcome.status
                                << ", said:\n" << outcome.output.substr(0, 2000));
    CHECK(std::to_string(outcome.status) == row.exit);
    CHECK(outcome.output.find(row.answer) != std::string::npos);
    CHECK(outcome.output.find('\x1b') == std::string::npos);  // never an escape sequence back
    CHECK(seconds < 60);
  }
}
