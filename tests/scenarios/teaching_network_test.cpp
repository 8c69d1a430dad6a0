// The network teaching scenarios (examples/teaching/network-*.yaml): each one's numbers against
// the hand calculation in its description and in docs/teaching.md.
#include "scenarios/format/loader.hpp"
#include "scenarios/runner.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

using namespace lbsim;
using namespace lbsim::scenarios;

namespace {

const std::string kTeaching = std::string(LBSIM_SOURCE_DIR) + "/examples/teaching/";

models::RunSummary run(const std::string& file, const std::vector<std::string>& overrides = {},
                       const std::string& out_dir = "")
{
  return run_scenario(load_scenario_file(kTeaching + file, overrides), out_dir);
}

const models::LinkSummary& link(const models::RunSummary& s, const std::string& name)
{
  for (const auto& l : s.links)
    if (l.name == name) return l;
  FAIL("no link " << name);
  throw;
}

int64_t ns(double seconds) { return std::llround(seconds * 1e9); }

// Every response took exactly `expected` nanoseconds.
void check_every_response(const models::RunSummary& s, int64_t expected)
{
  CHECK(ns(s.latency_min_s) == expected);
  CHECK(ns(s.latency_max_s) == expected);
}

// links.csv rows of one link: (end of interval, throughput in Mbps).
std::vector<std::pair<double, double>> link_rows(const std::filesystem::path& dir, const std::string& name)
{
  std::ifstream in(dir / "links.csv");
  std::string line;
  std::getline(in, line);
  std::vector<std::pair<double, double>> rows;
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    size_t start = 0;
    for (size_t comma; (comma = line.find(',', start)) != std::string::npos; start = comma + 1)
      fields.push_back(line.substr(start, comma - start));
    fields.push_back(line.substr(start));
    REQUIRE(fields.size() == 5);
    if (fields[1] == name) rows.emplace_back(std::stod(fields[0]), std::stod(fields[3]));
  }
  return rows;
}

struct TempDir {
  std::filesystem::path path;
  explicit TempDir(const std::string& name)
      : path(std::filesystem::temp_directory_path() / ("lbsim-teaching-" + name + "-" + std::to_string(::getpid())))
  {
    std::filesystem::remove_all(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

}  // namespace

TEST_CASE("teaching: 1 Gbps = 125 MB/s", "[teaching][network]")
{
  const models::RunSummary s = run("network-gbps-in-bytes.yaml");
  REQUIRE(s.completed == 1);
  check_every_response(s, 1'000'000'000);  // 125e6 B x 8 / 1e9 bit/s = 1 s
  const models::LinkSummary& down = link(s, "files->office");
  CHECK(down.bytes == Approx(125e6));
  CHECK(down.throughput_mbps == Approx(1000));
  CHECK(down.utilization == Approx(1.0));
  CHECK(link(s, "office->files").bytes == 0);
}

TEST_CASE("teaching: a 100 Mbps line achieving 85 Mbps (one window per round trip)", "[teaching][network]")
{
  const TempDir dir("85");
  const models::RunSummary s = run("network-throughput-85-of-100.yaml", {}, dir.path.string());
  REQUIRE(s.completed == 1);
  // 212,500 B x 8 / 20 ms = 85 Mbps; 850 Mbit / 85 Mbps = 10 s, plus 10 ms each way.
  check_every_response(s, 10'020'000'000);
  const double achieved_mbps = 106.25e6 * 8 / (s.latency_max_s - 0.020) * 1e-6;
  CHECK(achieved_mbps == Approx(85).epsilon(0.01));
  // Over the whole run (10.02 s, idle for the round trip) the line carried 850 Mbit.
  CHECK(link(s, "backup-server->branch").throughput_mbps == Approx(850 / 10.02));
  CHECK(link(s, "backup-server->branch").utilization == Approx(8.5 / 10.02));
  // Every full second of the transfer, exactly 85 Mbps.
  size_t full_seconds = 0;
  for (const auto& [time, mbps] : link_rows(dir.path, "backup-server->branch"))
    if (time >= 2 && time <= 10) {
      CHECK(mbps == Approx(85).epsilon(1e-9));
      ++full_seconds;
    }
  CHECK(full_seconds == 9);

  // A larger window: the line itself (100 Mbps) is the limit.
  const models::RunSummary wide = run("network-throughput-85-of-100.yaml", {"network.tcp_window=1MB"});
  check_every_response(wide, 8'520'000'000);
}

TEST_CASE("teaching: a file download takes latency + size / throughput", "[teaching][network]")
{
  const models::RunSummary s = run("network-file-download.yaml");
  REQUIRE(s.completed == 1);
  // 40 ms + 8,000 bit / 100 Mbps + 0 + 40 ms + 400 Mbit / 100 Mbps
  check_every_response(s, 40'000'000 + 80'000 + 40'000'000 + 4'000'000'000);
  CHECK(ns(s.latency_split.network_mean_s) == 4'080'080'000);
  CHECK(s.latency_split.server_mean_s == 0);
}

TEST_CASE("teaching: an API call from Tokyo to New York is slow although the backend is fast", "[teaching][network]")
{
  const models::RunSummary s = run("network-tokyo-api.yaml");
  REQUIRE(s.completed == 2);
  // Bytes: 8,000 bit at 1 Gbps + 8,000 at 10 Gbps + 80,000 at 10 Gbps + 80,000 at 1 Gbps = 96.8 us.
  const int64_t bytes_ns = 8'000 + 800 + 8'000 + 80'000;
  CHECK(ns(s.latency_max_s) == 200'000'000 + 1'000'000 + 5'000'000 + bytes_ns);  // Tokyo: 206.0968 ms
  CHECK(ns(s.latency_min_s) == 60'000'000 + 1'000'000 + 5'000'000 + bytes_ns);   // Frankfurt: 66.0968 ms
  CHECK(ns(s.latency_split.server_mean_s) == 5'000'000);
  CHECK(ns(s.latency_split.server_p99_s) == 5'000'000);
}

TEST_CASE("teaching: a client on a slow 3G link against a fast server", "[teaching][network]")
{
  const models::RunSummary s = run("network-3g-client.yaml");
  REQUIRE(s.completed == 1);
  // Up 100 ms + 16,000 bit / 2 Mbps (8 ms); server 2 ms; down 100 ms + 1.6 Mbit / 2 Mbps (800 ms).
  check_every_response(s, 1'010'000'000);
  CHECK(ns(s.latency_split.server_mean_s) == 2'000'000);
  CHECK(ns(s.latency_split.network_mean_s) == 1'008'000'000);
  // On a good line (100 Mbps, 10 ms): 10.16 + 2 + 26 ms.
  const models::RunSummary good =
      run("network-3g-client.yaml", {"network.links[0].bandwidth=100Mbps", "network.links[0].latency=10ms"});
  check_every_response(good, 38'160'000);
}

TEST_CASE("teaching: ten downloads share one link", "[teaching][network]")
{
  const models::RunSummary s = run("network-shared-downloads.yaml");
  REQUIRE(s.completed == 10);
  // 100 Mbps / 10 = 10 Mbps each: 80 Mbit / 10 Mbps = 8 s, plus 10 ms each way.
  check_every_response(s, 8'020'000'000);
  CHECK(link(s, "files->office").bytes == Approx(100e6));
  CHECK(link(s, "files->office").utilization == Approx(8.0 / 8.02));
  // Alone: 0.8 s + 20 ms.
  const models::RunSummary alone =
      run("network-shared-downloads.yaml",
          {"clients[0].arrivals={process: script, requests: [{at: 0 s, client: 10.0.0.1}]}", "stop.requests=1"});
  check_every_response(alone, 820'000'000);
}

TEST_CASE("teaching: a 64 KiB window caps a 1 Gbps path with 200 ms RTT at 2.62 Mbps", "[teaching][network]")
{
  const TempDir dir("window");
  const models::RunSummary s = run("network-window-cap.yaml", {}, dir.path.string());
  REQUIRE(s.completed == 1);
  // 65,536 x 8 / 0.2 = 2,621,440 bit/s; 80,000,000 bit / 2,621,440 bit/s = 30.517578125 s.
  check_every_response(s, 100'000'000 + 30'517'578'125 + 100'000'000);
  const double achieved_mbps = 80e6 / (s.latency_max_s - 0.2) * 1e-6;
  CHECK(achieved_mbps == Approx(2.62).epsilon(0.01));
  CHECK(achieved_mbps == Approx(2.62144).epsilon(1e-9));
  for (const auto& [time, mbps] : link_rows(dir.path, "new-york->tokyo"))
    if (time >= 2 && time <= 30) CHECK(mbps == Approx(2.62144).epsilon(1e-9));
  CHECK(link(s, "new-york->tokyo").utilization < 0.003);
  // Window scaling (16 MiB): 671 Mbps, 119.2 ms of bytes.
  const models::RunSummary scaled = run("network-window-cap.yaml", {"network.tcp_window=16MiB"});
  CHECK(scaled.latency_max_s == Approx(0.2 + 80e6 / (16777216 * 8 / 0.2)).epsilon(1e-8));  // to the ns
}

TEST_CASE("teaching: streaming logs needs both throughput and low latency", "[teaching][network]")
{
  const models::RunSummary s = run("network-log-streaming.yaml");
  // 5 ms + 0.4 ms up, 0.1 ms stored, 5 ms for the acknowledgement.
  check_every_response(s, 10'500'000);
  CHECK(link(s, "app-dc->collector").throughput_mbps == Approx(400));
  CHECK(link(s, "app-dc->collector").utilization == Approx(0.4));
  CHECK(s.throughput_rps == Approx(1000).epsilon(0.002));

  // Too little bandwidth: 400 Mbps offered to a 300 Mbps link; the line is full and batches wait longer and longer.
  const models::RunSummary thin = run("network-log-streaming.yaml", {"network.links[0].bandwidth=300Mbps"});
  CHECK(link(thin, "app-dc->collector").utilization > 0.99);
  CHECK(thin.latency_max_s > 1.0);
  // Too much latency: the same throughput, every batch 200.5 ms.
  const models::RunSummary far = run("network-log-streaming.yaml", {"network.links[0].latency=100ms"});
  check_every_response(far, 200'500'000);
  CHECK(link(far, "app-dc->collector").throughput_mbps == Approx(400).epsilon(0.001));
}

TEST_CASE("teaching: database replication is limited by bandwidth", "[teaching][network]")
{
  const models::RunSummary s = run("network-db-replication.yaml");
  // 40 ms + 80,000 bit / 100 Mbps (0.8 ms) + 0.05 ms + 40 ms.
  check_every_response(s, 80'850'000);
  CHECK(link(s, "us-east->replica").throughput_mbps == Approx(80).epsilon(0.001));
  CHECK(link(s, "us-east->replica").utilization == Approx(0.8).epsilon(0.001));
  // 1,500 writes/s need 120 Mbps: the link is full and commits take longer every second.
  const models::RunSummary over = run("network-db-replication.yaml", {"clients[0].arrivals.rate=1500/s"});
  CHECK(link(over, "us-east->replica").utilization > 0.99);
  CHECK(over.latency_max_s > 1.0);
}
