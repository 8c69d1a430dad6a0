// Result files of one run (summary.json, timeseries.csv, servers.csv) as the contract lists them,
// and `lbsim trace` on a shared example.
#include "scenarios/format/loader.hpp"
#include "scenarios/results/results_writer.hpp"
#include "scenarios/runner.hpp"

#include "tests/support/run_command.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace lbsim;
using Catch::StartsWith;
using nlohmann::json;

namespace {

namespace fs = std::filesystem;

const std::string kBinary = LBSIM_BINARY;
// The contract's examples: ../shared/spec/examples when present, else the project's own copies.
const std::string kExamplesDir = LBSIM_EXAMPLES_DIR;

// A fresh, empty folder under the system's temporary folder, removed again at the end of the test.
class TempDir {
public:
  explicit TempDir(const std::string& tag)
  {
    static int counter = 0;
    path_ = fs::temp_directory_path() /
            ("lbsim-" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir()
  {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

private:
  fs::path path_;
};

std::string read_file(const fs::path& path)
{
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<std::string> lines_of(const std::string& text)
{
  std::vector<std::string> lines;
  std::stringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> fields_of(const std::string& line)
{
  std::vector<std::string> fields;
  std::stringstream in(line);
  for (std::string field; std::getline(in, field, ',');) fields.push_back(field);
  return fields;
}

std::string shell_quote(const std::string& s)
{
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs a shell command; returns its exit status and standard output.
std::pair<int, std::string> run(const std::string& command)
{
  return test::run_command(command);
}

// Two groups of servers behind round robin, 10 s measured after 2 s of warm-up, 500 ms intervals.
const char* const kScenario = R"(name: results-check
seed: 5
warmup: 2 s
duration: 10 s
clients:
  - name: users
    population: 20
    arrivals: { process: poisson, rate: 200/s }
    mix:
      - { method: GET, path: /a, share: 0.5, work: { distribution: exponential, mean: 4 ms } }
      - { method: POST, path: /b, share: 0.5, work: 6 ms }
balancer: { algorithm: round_robin }
servers:
  - { name: web, count: 2, price: 0.36/h }
  - { name: big, cores: 2 }
metrics:
  interval: 500 ms
)";

}  // namespace

TEST_CASE("run_scenario writes the contract's summary.json, timeseries.csv and servers.csv", "[results]")
{
  const models::SystemConfig config = scenarios::load_scenario_text(kScenario, "results-check.yaml", ".");
  TempDir dir("results");
  const fs::path out = dir.path() / "out";  // run_scenario creates it
  scenarios::run_scenario(config, out.string());

  SECTION("the three result files, and no *.partial file left behind")
  {
    std::set<std::string> names;
    for (const auto& entry : fs::directory_iterator(out)) {
      const std::string name = entry.path().filename().string();
      INFO(name);
      CHECK(name.find(".partial") == std::string::npos);
      CHECK(entry.is_regular_file());
      names.insert(name);
    }
    for (const char* name : {"summary.json", "timeseries.csv", "servers.csv"}) CHECK(names.count(name) == 1);
  }

  SECTION("summary.json has every key of the contract with the right type")
  {
    const json s = json::parse(read_file(out / "summary.json"));
    REQUIRE(s.is_object());
    // The contract's keys ("at least"): more may follow, these must be there.
    for (const char* key : {"scenario", "seed", "simulated_s", "requests", "throughput_rps", "latency_s", "servers",
                            "cost", "events", "fingerprint"}) {
      INFO(key);
      CHECK(s.contains(key));
    }
    CHECK(s["scenario"] == "results-check");
    CHECK(s["seed"] == 5);
    REQUIRE(s["simulated_s"].is_number());
    CHECK(s["simulated_s"].get<double>() == Approx(10.0));

    const json& r = s["requests"];
    REQUIRE(r.is_object());
    for (const char* key : {"arrived", "completed", "rejected", "failed"}) {
      INFO(key);
      REQUIRE(r.contains(key));
      CHECK(r[key].is_number_unsigned());
    }
    const uint64_t completed = r["completed"].get<uint64_t>();
    CHECK(r["arrived"].get<uint64_t>() >= completed);
    CHECK(completed > 1500);  // about 200/s for 10 s
    CHECK(r["rejected"] == 0);
    CHECK(r["failed"] == 0);
    REQUIRE(s["throughput_rps"].is_number());
    CHECK(s["throughput_rps"].get<double>() == Approx(static_cast<double>(completed) / 10.0));

    const json& latency = s["latency_s"];
    REQUIRE(latency.is_object());
    double previous = 0;
    for (const char* key : {"p50", "p90", "p99", "p999", "max"}) {  // in increasing order
      INFO(key);
      REQUIRE(latency.contains(key));
      REQUIRE(latency[key].is_number());
      CHECK(latency[key].get<double>() >= previous);
      previous = latency[key].get<double>();
    }
    REQUIRE(latency.contains("mean"));
    CHECK(latency["mean"].get<double>() > 0.004);  // at least the mean work
    CHECK(latency["mean"].get<double>() <= latency["max"].get<double>());

    const json& servers = s["servers"];
    REQUIRE(servers.is_array());
    REQUIRE(servers.size() == 3);
    const char* names[] = {"web-1", "web-2", "big"};
    uint64_t served = 0;
    for (size_t k = 0; k < 3; ++k) {
      INFO(k);
      const json& server = servers[k];
      for (const char* key : {"name", "completed", "utilization", "mean_queue"}) {
        INFO(key);
        CHECK(server.contains(key));
      }
      CHECK(server["name"] == names[k]);
      CHECK(server["completed"].is_number_unsigned());
      served += server["completed"].get<uint64_t>();
      CHECK(server["utilization"].get<double>() > 0);
      CHECK(server["utilization"].get<double>() <= 1);
      CHECK(server["mean_queue"].get<double>() >= 0);
    }
    // Servers count what they finish in the measured time; requests.completed counts requests sent
    // in it. They differ by the few sent during the warm-up and finished after it.
    CHECK(served >= completed);
    CHECK(served <= completed + 10);

    REQUIRE(s["cost"].is_object());
    REQUIRE(s["cost"].contains("total"));
    // Two servers at 0.36/h for the 10 measured seconds: 2 * 0.36 / 360 = 0.002 (the warm-up may
    // or may not be charged, so only the order of magnitude is fixed here).
    CHECK(s["cost"]["total"].get<double>() > 0);
    CHECK(s["cost"]["total"].get<double>() < 0.01);

    CHECK(s["events"].is_number_unsigned());
    CHECK(s["events"].get<uint64_t>() > completed);
    REQUIRE(s["fingerprint"].is_string());
    const std::string fingerprint = s["fingerprint"].get<std::string>();
    CHECK(fingerprint.size() >= 8);
    CHECK(fingerprint.find_first_not_of("0123456789abcdef") == std::string::npos);
  }

  SECTION("timeseries.csv: the contract's header, one row per interval of the measured time")
  {
    const std::vector<std::string> lines = lines_of(read_file(out / "timeseries.csv"));
    REQUIRE(!lines.empty());
    CHECK_THAT(lines[0],
               StartsWith("time_s,throughput_rps,latency_mean_s,latency_p50_s,latency_p99_s,in_flight,servers_up"));
    const size_t columns = fields_of(lines[0]).size();
    CHECK(lines.size() == 1 + 20);  // 10 s / 500 ms
    double previous = -1;
    for (size_t k = 1; k < lines.size(); ++k) {
      INFO(lines[k]);
      const std::vector<std::string> f = fields_of(lines[k]);
      REQUIRE(f.size() == columns);
      const double t = std::stod(f[0]);
      CHECK(t > previous);
      previous = t;
      CHECK(std::stoi(f[6]) == 3);  // servers_up
    }
  }

  SECTION("servers.csv: the contract's header, one row per server per interval")
  {
    const std::vector<std::string> lines = lines_of(read_file(out / "servers.csv"));
    REQUIRE(!lines.empty());
    CHECK(lines[0] == "time_s,server,state,utilization,queue,completed");
    CHECK(lines.size() == 1 + 3 * 20);
    std::set<std::string> seen;
    for (size_t k = 1; k < lines.size(); ++k) {
      INFO(lines[k]);
      const std::vector<std::string> f = fields_of(lines[k]);
      REQUIRE(f.size() == 6);
      seen.insert(f[1]);
      CHECK(f[2] == "up");
    }
    CHECK(seen == std::set<std::string>{"web-1", "web-2", "big"});
  }
}

TEST_CASE("run_scenario without a folder writes nothing and gives the same run as with one", "[results]")
{
  const models::SystemConfig config = scenarios::load_scenario_text(kScenario, "results-check.yaml", ".");
  const models::RunSummary without = scenarios::run_scenario(config, "");
  TempDir dir("results-same");
  const models::RunSummary with = scenarios::run_scenario(config, dir.path().string());
  CHECK(without.fingerprint == with.fingerprint);
  CHECK(without.events == with.events);
  CHECK(without.completed == with.completed);
  const json s = json::parse(read_file(dir.path() / "summary.json"));
  CHECK(s["fingerprint"] == with.fingerprint);
  CHECK(s["requests"]["completed"] == with.completed);
}

TEST_CASE("lbsim trace on the shared sticky example, with plain round robin, prints who went where", "[results][trace]")
{
  // The shared example uses sticky_round_robin and balancer.sticky; this version's copy keeps
  // everything else and asks for round robin, which sends .2 to A, .3 to B, .2 to C, .4 to A.
  std::string text = read_file(kExamplesDir + "/sticky-round-robin.yaml");
  const std::string from = "algorithm: sticky_round_robin";
  REQUIRE(text.find(from) != std::string::npos);
  text.replace(text.find(from), from.size(), "algorithm: round_robin");
  std::string without_sticky;  // every line but the balancer's "sticky:" line
  for (const std::string& line : lines_of(text)) {
    const size_t indent = line.find_first_not_of(' ');
    if (indent == std::string::npos || line.compare(indent, 7, "sticky:") != 0) without_sticky += line + "\n";
  }
  text = without_sticky;
  REQUIRE(text.find("sticky:") == std::string::npos);

  TempDir dir("trace");
  const fs::path file = dir.path() / "round-robin.yaml";
  std::ofstream(file) << text;

  const auto [status, output] = run(shell_quote(kBinary) + " trace " + shell_quote(file.string()) + " -n 4 2>&1");
  INFO(output);
  REQUIRE(status == 0);
  const std::vector<std::string> lines = lines_of(output);
  REQUIRE(lines.size() == 5);
  CHECK_THAT(lines[0], StartsWith("time_s,client,method,path,server"));
  const char* expected[] = {"0,192.168.1.2,GET,/cart,A", "1,192.168.1.3,GET,/cart,B", "2,192.168.1.2,GET,/cart,C",
                            "3,192.168.1.4,GET,/cart,A"};
  for (size_t k = 0; k < 4; ++k) {
    INFO(k);
    // The contract's five columns exactly; more may follow.
    const std::vector<std::string> f = fields_of(lines[k + 1]);
    REQUIRE(f.size() >= 5);
    CHECK(f[0] + "," + f[1] + "," + f[2] + "," + f[3] + "," + f[4] == expected[k]);
  }
}

TEST_CASE("lbsim trace on the shared sticky example as written: a returning client keeps its server",
          "[results][trace]")
{
  const std::string file = kExamplesDir + "/sticky-round-robin.yaml";
  const auto [status, output] = run(shell_quote(kBinary) + " trace " + shell_quote(file) + " -n 4 2>&1");
  INFO(output);
  REQUIRE(status == 0);
  const std::vector<std::string> lines = lines_of(output);
  REQUIRE(lines.size() == 5);
  CHECK_THAT(lines[0], StartsWith("time_s,client,method,path,server"));
  const char* expected[] = {"0,192.168.1.2,GET,/cart,A", "1,192.168.1.3,GET,/cart,B", "2,192.168.1.2,GET,/cart,A",
                            "3,192.168.1.4,GET,/cart,C"};
  for (size_t k = 0; k < 4; ++k) {
    INFO(k);
    const std::vector<std::string> f = fields_of(lines[k + 1]);
    REQUIRE(f.size() >= 5);
    CHECK(f[0] + "," + f[1] + "," + f[2] + "," + f[3] + "," + f[4] == expected[k]);
  }
}

TEST_CASE("summary.json's cost per server names every server once and in order at any count", "[results]")
{
  // 3,000 servers, each with a cost of its own; then a name given twice (as a summary holding a
  // stopped server and a later one of the same name would): first place, last value.
  models::RunSummary summary;
  for (int i = 0; i < 3000; ++i) {
    models::ServerSummary server;
    server.name = "s-" + std::to_string(i);
    server.cost = 0.5 * i;
    summary.servers.push_back(server);
  }
  models::ServerSummary again;
  again.name = "s-7";
  again.cost = 99.0;
  summary.servers.push_back(again);
  const auto per_server = nlohmann::ordered_json::parse(scenarios::summary_json(summary))["cost"]["per_server"];
  REQUIRE(per_server.size() == 3000);
  int i = 0;
  for (const auto& [name, cost] : per_server.items()) {
    CHECK(name == "s-" + std::to_string(i));
    CHECK(cost.get<double>() == (i == 7 ? 99.0 : 0.5 * i));
    ++i;
  }
}
