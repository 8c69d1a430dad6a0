// Names with commas and quotes in every CSV file: one RFC 4180 writer (scenarios/results/csv_line.hpp)
// quotes them, so each row still has as many fields as its header, and the name reads back whole.
#include "scenarios/format/loader.hpp"
#include "scenarios/results/csv_line.hpp"
#include "scenarios/runner.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace lbsim;

namespace {

// An RFC 4180 reader, written from the RFC for this test: fields of one record (no line breaks
// inside fields here).
std::vector<std::string> fields_of(const std::string& line)
{
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') fields.back() += '"', ++i;
      else if (c == '"') quoted = false;
      else fields.back() += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

std::vector<std::vector<std::string>> read_csv(const std::filesystem::path& file)
{
  std::ifstream in(file);
  std::vector<std::vector<std::string>> rows;
  for (std::string line; std::getline(in, line);) rows.push_back(fields_of(line));
  return rows;
}

}  // namespace

TEST_CASE("csv_field quotes what RFC 4180 requires and nothing else", "[results][csv]")
{
  CHECK(scenarios::csv_field("web-1") == "web-1");
  CHECK(scenarios::csv_field("") == "");
  CHECK(scenarios::csv_field("web, eu") == "\"web, eu\"");
  CHECK(scenarios::csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(scenarios::csv_field("two\nlines") == "\"two\nlines\"");
  CHECK(scenarios::csv_field("cr\r") == "\"cr\r\"");
  scenarios::CsvLine line;
  line.text("a,b").integer(3).text("c");
  CHECK(line.str() == "\"a,b\",3,c");
}

TEST_CASE("servers.csv, links.csv, services.csv and events.csv keep names with commas whole", "[results][csv]")
{
  const std::string text = R"(name: commas
duration: 4 s
clients:
  - name: users
    region: "office, 2nd floor"
    arrivals: {process: poisson, rate: 50/s}
    mix:
      - {method: GET, path: /, request_size: 1 KB, response_size: 10 KB, work: 5 ms}
network:
  links:
    - {between: ["office, 2nd floor", "lb, main"], bandwidth: 100 Mbps, latency: 1 ms}
    - {between: ["lb, main", servers], bandwidth: 1 Gbps, latency: 0.5 ms}
balancer: {name: "lb, main", algorithm: round_robin}
servers:
  - {name: "web, eu"}
  - {name: "web \"us\""}
timeline:
  - {at: 2 s, fail: "web, eu"}
)";
  const auto dir = std::filesystem::temp_directory_path() / "lbsim-csv-names";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto file = dir / "commas.yaml";
  std::ofstream(file) << text;
  const auto out = dir / "out";
  scenarios::run_scenario(scenarios::load_scenario_file(file.string()), out.string());

  for (const char* name : {"servers.csv", "links.csv", "services.csv", "events.csv", "timeseries.csv"}) {
    INFO(name);
    const auto rows = read_csv(out / name);
    REQUIRE(rows.size() > 1);
    for (const auto& row : rows) REQUIRE(row.size() == rows.front().size());
  }
  const auto servers = read_csv(out / "servers.csv");
  bool eu = false, us = false;
  for (const auto& row : servers) eu |= row[1] == "web, eu", us |= row[1] == "web \"us\"";
  CHECK(eu);
  CHECK(us);
  const auto links = read_csv(out / "links.csv");
  bool link = false;
  for (const auto& row : links) link |= row[1].find("office, 2nd floor") != std::string::npos;
  CHECK(link);
  const auto events = read_csv(out / "events.csv");
  bool failed = false;
  for (const auto& row : events) failed |= row[2] == "web, eu";
  CHECK(failed);
  std::filesystem::remove_all(dir);
}
