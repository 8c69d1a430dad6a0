// The network section end to end: the loader (node names, groups, errors with file and line) and
// runs through the whole System (a transfer's time to the nanosecond, max-min sharing, TCP bounds,
// Little's law with network delay, link measurements, the results). docs/network.md is the model.
#include "scenarios/format/loader.hpp"
#include "scenarios/results/results_writer.hpp"
#include "scenarios/runner.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

using namespace lbsim;
using namespace lbsim::scenarios;
using Catch::Contains;

namespace {

models::SystemConfig load(const std::string& text, const std::vector<std::string>& overrides = {})
{
  try {
    return load_scenario_text(text, "net.yaml", ".", overrides);
  } catch (const ScenarioError& e) {
    FAIL("unexpected ScenarioError: " << e.what());
    throw;
  }
}

models::RunSummary run(const std::string& text, const std::vector<std::string>& overrides = {})
{
  return run_scenario(load(text, overrides), "");
}

// The error a scenario gives: "net.yaml:LINE:COL: error: ...".
std::string error_of(const std::string& text)
{
  try {
    load_scenario_text(text, "net.yaml", ".");
  } catch (const ScenarioError& e) {
    return e.what();
  }
  FAIL("the scenario was accepted");
  return {};
}

const models::LinkSummary& link(const models::RunSummary& s, const std::string& name)
{
  for (const auto& l : s.links)
    if (l.name == name) return l;
  FAIL("no link " << name);
  throw;
}

int64_t ns(double seconds) { return std::llround(seconds * 1e9); }

// One request from `region` at time 0 (script), sizes and work as given.
std::string one_request(const std::string& region, const std::string& request, const std::string& response,
                        const std::string& work)
{
  return "clients:\n"
         "  - name: users\n"
         "    region: " + region + "\n"
         "    arrivals: { process: script, requests: [{ at: 0 s, client: 10.0.0.1 }] }\n"
         "    mix:\n"
         "      - { request_size: " + request + ", response_size: " + response + ", work: " + work + " }\n";
}

// A region, a balancer and a group of servers, with Poisson traffic (lines 1-18).
const std::string kFleet = R"(name: fleet
duration: 60 s
warmup: 5 s
clients:
  - name: tokyo-users
    region: tokyo
    arrivals: { process: poisson, rate: 150/s }
    mix:
      - { request_size: 2 KB, response_size: 50 KB, work: { distribution: exponential, mean: 10 ms } }
  - name: frankfurt-users
    region: frankfurt
    arrivals: { process: poisson, rate: 100/s }
    mix:
      - { request_size: 1 KB, response_size: 200 KB, work: { distribution: exponential, mean: 5 ms } }
network:
  links:
    - { between: [tokyo, lb], bandwidth: 100 Mbps, latency: 100 ms }
    - { between: [frankfurt, lb], bandwidth: 200 Mbps, latency: 30 ms }
    - { between: [lb, web], bandwidth: 1 Gbps, latency: 0.5 ms }
balancer: { name: lb, algorithm: least_connections }
servers:
  - { name: web, count: 3, cores: 2 }
)";

}  // namespace

TEST_CASE("network: links to a group or to servers become one link per server", "[network][loader]")
{
  const models::SystemConfig c = load(R"(name: n
duration: 1 s
clients:
  - { name: u, region: tokyo, arrivals: { process: poisson, rate: 1/s }, mix: [{ work: 1 ms }] }
network:
  tcp_window: 64 KiB
  nodes: [ix]
  links:
    - { between: [tokyo, ix], bandwidth: 1 Gbps, latency: 90 ms, loss: 0.1% }
    - { between: [ix, lb], bandwidth: 10 Gbps, latency: 10 ms }
    - { between: [lb, web], bandwidth: 10 Gbps, latency: 0.5 ms }
    - { between: [servers, lb], bandwidth: 1 Gbps, latency: 5 ms }
balancer: { name: lb }
servers:
  - { name: web, count: 2 }
  - { name: db }
)");
  REQUIRE(c.network);
  const models::NetworkConfig& n = *c.network;
  CHECK(n.nodes == std::vector<std::string>{"tokyo", "ix", "lb", "web-1", "web-2", "db"});
  CHECK(n.tcp_window_bytes == 65536);
  CHECK(n.mss_bytes == 1460);
  REQUIRE(n.links.size() == 2 + 2 + 3);
  CHECK(n.links[0].a == "tokyo");
  CHECK(n.links[0].b == "ix");
  CHECK(n.links[0].bandwidth_bps == 1e9);
  CHECK(n.links[0].latency == engine::milliseconds(90));
  CHECK(n.links[0].loss == Approx(0.001));
  CHECK(n.links[2].b == "web-1");
  CHECK(n.links[3].b == "web-2");
  CHECK(n.links[4].a == "web-1");
  CHECK(n.links[6].a == "db");
  CHECK(n.links[6].b == "lb");
  CHECK(n.links[6].latency == engine::milliseconds(5));
}

TEST_CASE("network: mistakes are errors at their line, naming the node", "[network][loader]")
{
  const std::string head = "name: n\nduration: 1 s\n";                        // lines 1-2
  const std::string client = "clients:\n"                                      // 3
                             "  - name: u\n"                                   // 4
                             "    region: tokyo\n"                             // 5
                             "    arrivals: { process: poisson, rate: 1/s }\n"  // 6
                             "    mix: [{ work: 1 ms }]\n";                    // 7
  const std::string servers = "balancer: { name: lb }\nservers:\n  - { name: web, count: 2 }\n";
  auto with_links = [&](const std::string& links) { return head + client + "network:\n  links:\n" + links + servers; };

  SECTION("an unknown node, with a suggestion")
  {
    const std::string e = error_of(with_links("    - { between: [tokyo, lbb], bandwidth: 1 Gbps }\n"));
    CHECK_THAT(e, Contains("net.yaml:10:26: error: unknown network node \"lbb\" in network.links[0].between; did "
                           "you mean \"lb\"?"));
  }
  SECTION("an unknown node without a close name lists what there is")
  {
    const std::string e = error_of(with_links("    - { between: [tokyo, paris], bandwidth: 1 Gbps }\n"));
    CHECK_THAT(e, Contains("net.yaml:10:26: error: unknown network node \"paris\""));
    CHECK_THAT(e, Contains("tokyo; lb; web-1, web-2; web; servers"));
  }
  SECTION("a client region that cannot reach the balancer")
  {
    const std::string e = error_of(with_links("    - { between: [lb, web], bandwidth: 1 Gbps }\n"));
    CHECK_THAT(e, Contains("net.yaml:5:13: error: client region \"tokyo\" of clients[0] has no network path to the "
                           "balancer \"lb\""));
  }
  SECTION("a server the balancer cannot reach")
  {
    const std::string e = error_of(with_links("    - { between: [tokyo, lb], bandwidth: 1 Gbps }\n"
                                              "    - { between: [lb, web-1], bandwidth: 1 Gbps }\n"));
    CHECK_THAT(e, Contains("net.yaml:14:13: error: server \"web-2\" has no network path from the balancer \"lb\""));
  }
  SECTION("a client group without a region is in \"clients\", and the message says so")
  {
    const std::string e = error_of(head + "clients:\n  - { name: u, arrivals: { process: poisson, rate: 1/s }, mix: "
                                          "[{ work: 1 ms }] }\nnetwork:\n  links:\n    - { between: [lb, servers], "
                                          "bandwidth: 1 Gbps }\n" + servers);
    CHECK_THAT(e, Contains("net.yaml:4:5: error: client region \"clients\" of clients[0] has no network path"));
    CHECK_THAT(e, Contains("set clients[0].region"));
  }
  SECTION("tcp_window belongs to the network, not to a link")
  {
    const std::string e =
        error_of(with_links("    - { between: [tokyo, lb], bandwidth: 1 Gbps, tcp_window: 64 KiB }\n"));
    CHECK_THAT(e, Contains("net.yaml:10:50: error: tcp_window belongs to the whole network (network.tcp_window)"));
  }
  SECTION("two groups cannot be joined by one link")
  {
    const std::string e = error_of(with_links("    - { between: [servers, web], bandwidth: 1 Gbps }\n"));
    CHECK_THAT(e, Contains("both stand for several servers"));
  }
  SECTION("a node joined to itself")
  {
    const std::string e = error_of(with_links("    - { between: [web-1, web], bandwidth: 1 Gbps }\n"));
    CHECK_THAT(e, Contains("net.yaml:10:18: error: network.links[0] joins \"web-1\" to itself"));
  }
  SECTION("bad values")
  {
    CHECK_THAT(error_of(with_links("    - { between: [tokyo, lb], bandwidth: 0 Mbps }\n")),
               Contains("net.yaml:10:42: error: network.links[0].bandwidth must be greater than zero"));
    CHECK_THAT(error_of(with_links("    - { between: [tokyo, lb], bandwidth: 1 Gbps, loss: 100% }\n")),
               Contains("network.links[0].loss must be below 1"));
    CHECK_THAT(error_of(with_links("    - { between: [tokyo, lb], bandwidth: 1 Gbps, latency: 5 }\n")),
               Contains("network.links[0].latency: a unit is required"));
    CHECK_THAT(error_of(with_links("    - { between: [tokyo, lb], latency: 5 ms }\n")),
               Contains("network.links[0] has no \"bandwidth\"; it is required"));
    CHECK_THAT(error_of(with_links("    - { between: [tokyo], bandwidth: 1 Gbps }\n")),
               Contains("network.links[0].between must name exactly two nodes"));
  }
  SECTION("a client region with the name of a server")
  {
    const std::string e = error_of(head + "clients:\n  - { name: u, region: web-1, arrivals: { process: poisson, "
                                          "rate: 1/s }, mix: [{ work: 1 ms }] }\nnetwork:\n  links:\n    - { "
                                          "between: [lb, servers], bandwidth: 1 Gbps }\n" + servers);
    CHECK_THAT(e, Contains("net.yaml:4:24: error: client region \"web-1\" has the name of a server"));
  }
}

TEST_CASE("network: one request's time through the whole System, to the nanosecond", "[network][run]")
{
  // Four transfers and the service, each exact: 1 KB up and 1 MB down.
  //   tokyo -> lb      8,000 bit / 100 Mbps =     80,000 ns + 20 ms
  //   lb -> web        8,000 bit / 1 Gbps   =      8,000 ns +  1 ms
  //   service                                               5 ms
  //   web -> lb        8e6 bit / 1 Gbps     =  8,000,000 ns +  1 ms
  //   lb -> tokyo      8e6 bit / 100 Mbps   = 80,000,000 ns + 20 ms
  const models::RunSummary s = run("name: one\nstop: { requests: 1 }\n" + one_request("tokyo", "1 KB", "1 MB", "5 ms") +
                                   R"(network:
  links:
    - { between: [tokyo, lb], bandwidth: 100 Mbps, latency: 20 ms }
    - { between: [lb, servers], bandwidth: 1 Gbps, latency: 1 ms }
balancer: { name: lb }
servers:
  - { name: web }
)");
  REQUIRE(s.completed == 1);
  const int64_t expected = 80'000 + 20'000'000 + 8'000 + 1'000'000 + 5'000'000 + 8'000'000 + 1'000'000 + 80'000'000 +
                           20'000'000;
  CHECK(ns(s.latency_max_s) == expected);
  CHECK(ns(s.latency_min_s) == expected);
  CHECK(ns(s.latency_split.server_mean_s) == 5'000'000);
  CHECK(ns(s.latency_split.network_mean_s) == expected - 5'000'000);
  CHECK(link(s, "tokyo->lb").bytes == Approx(1000));
  CHECK(link(s, "lb->tokyo").bytes == Approx(1e6));
  CHECK(link(s, "lb->web").bytes == Approx(1000));
  CHECK(link(s, "web->lb").bytes == Approx(1e6));
  CHECK(s.end_time_s == Approx(expected * 1e-9));
}

TEST_CASE("network: a transfer of 0 bytes costs only the latency, no network, no delay", "[network][run]")
{
  const std::string direct = R"(network:
  links:
    - { between: [home, web], bandwidth: 10 Mbps, latency: 15 ms }
servers:
  - { name: web }
)";
  const models::RunSummary s =
      run("name: zero\nstop: { requests: 1 }\n" + one_request("home", "0 B", "0 B", "2 ms") + direct);
  CHECK(ns(s.latency_max_s) == 32'000'000);
  CHECK(s.links.size() == 2);
  CHECK(link(s, "home->web").bytes == 0);

  // The same without the network: only the service.
  const models::RunSummary none = run("name: none\nstop: { requests: 1 }\n" +
                                      one_request("home", "0 B", "1 MB", "2 ms") + "servers:\n  - { name: web }\n");
  CHECK(ns(none.latency_max_s) == 2'000'000);
  CHECK(none.links.empty());
  CHECK(none.latency_split.network_mean_s == 0);
  CHECK(none.latency_split.server_mean_s == none.latency_mean_s);
}

TEST_CASE("network: N equal transfers on one link each get 1/N of it", "[network][run]")
{
  std::string script;
  for (int k = 1; k <= 5; ++k) script += "        - { at: 0 s, client: 10.0.0." + std::to_string(k) + " }\n";
  const std::string text = "name: share\nstop: { requests: 5 }\nclients:\n  - name: team\n    region: office\n"
                           "    arrivals:\n      process: script\n      requests:\n" + script +
                           R"(    mix:
      - { request_size: 0 B, response_size: 2 MB, work: 0 s }
network:
  links:
    - { between: [office, files], bandwidth: 100 Mbps, latency: 10 ms }
servers:
  - { name: files, cores: 5 }
)";
  const models::RunSummary s = run(text);
  REQUIRE(s.completed == 5);
  // Each gets 20 Mbps: 16 Mbit / 20 Mbps = 800 ms, plus 10 ms each way.
  CHECK(ns(s.latency_min_s) == 820'000'000);
  CHECK(ns(s.latency_max_s) == 820'000'000);
  CHECK(link(s, "files->office").bytes == Approx(10e6));
  CHECK(link(s, "files->office").utilization == Approx(0.8 / 0.82));

  // One alone takes 160 ms + 20 ms.
  const models::RunSummary alone =
      run(text, {"clients[0].arrivals={process: script, requests: [{at: 0 s, client: 10.0.0.1}]}", "stop.requests=1"});
  CHECK(ns(alone.latency_max_s) == 180'000'000);
}

TEST_CASE("network: the TCP window and the Mathis loss bound cap a transfer", "[network][run]")
{
  const std::string base = "name: caps\nstop: { requests: 1 }\n" + one_request("tokyo", "0 B", "1 MB", "0 s") +
                           R"(network:
  links:
    - { between: [tokyo, dc], bandwidth: 1 Gbps, latency: 50 ms }
servers:
  - { name: dc }
)";
  SECTION("no bound: the bandwidth")
  {
    CHECK(ns(run(base).latency_max_s) == 100'000'000 + 8'000'000);
  }
  SECTION("a 64 KiB window over 100 ms: 5,242,880 bit/s")
  {
    const models::RunSummary s = run(base, {"network.tcp_window=64 KiB"});
    // 8e6 bit / 5,242,880 bit/s = 1.52587890625 s exactly.
    CHECK(ns(s.latency_max_s) == 100'000'000 + 1'525'878'907);
  }
  SECTION("1% loss over 100 ms: Mathis, 1460 x 8 x sqrt(3/2) / (0.1 x 0.1) = 1,430,502 bit/s")
  {
    const models::RunSummary s = run(base, {"network.links[0].loss=1%"});
    const double rate = 1460.0 * 8 * std::sqrt(1.5) / (0.1 * std::sqrt(0.01));
    CHECK(rate == Approx(1430502).epsilon(1e-6));
    CHECK(std::abs(ns(s.latency_max_s) - (100'000'000 + static_cast<int64_t>(std::ceil(8e6 / rate * 1e9)))) <= 1);
  }
}

TEST_CASE("network: routes are shortest by latency, and a link no route uses reports zero", "[network][run]")
{
  // tokyo reaches lb directly in 200 ms, or through the transit node ix in 60 + 60 ms: it goes
  // through ix. The backup link from frankfurt-dc is on no route at all.
  const models::RunSummary s = run("name: routes\nstop: { requests: 1 }\n" + one_request("tokyo", "0 B", "0 B", "0 s") +
                                   R"(network:
  nodes: [ix, frankfurt-dc]
  links:
    - { between: [tokyo, lb], bandwidth: 1 Gbps, latency: 200 ms }
    - { between: [tokyo, ix], bandwidth: 1 Gbps, latency: 60 ms }
    - { between: [ix, lb], bandwidth: 1 Gbps, latency: 60 ms }
    - { between: [lb, servers], bandwidth: 1 Gbps, latency: 1 ms }
    - { between: [frankfurt-dc, lb], bandwidth: 1 Gbps, latency: 5 ms }
balancer: { name: lb }
servers:
  - { name: web }
)",
                                   {"clients[0].mix[0].request_size=1 MB"});
  // Up: 8 ms + 120 ms, then 8 ms + 1 ms to web; back: 0 bytes, 1 ms + 120 ms.
  CHECK(ns(s.latency_max_s) == 8'000'000 + 120'000'000 + 8'000'000 + 1'000'000 + 1'000'000 + 120'000'000);
  CHECK(link(s, "tokyo->ix").bytes == Approx(1e6));
  CHECK(link(s, "ix->lb").bytes == Approx(1e6));
  for (const char* unused : {"tokyo->lb", "lb->tokyo", "frankfurt-dc->lb", "lb->frankfurt-dc"}) {
    INFO(unused);
    CHECK(link(s, unused).bytes == 0);
    CHECK(link(s, unused).throughput_mbps == 0);
    CHECK(link(s, unused).utilization == 0);
  }
}

TEST_CASE("network: links are full duplex", "[network][run]")
{
  // 1 MB up and 1 MB down at the same time on one 100 Mbps link: neither slows the other.
  const models::RunSummary s = run(R"(name: duplex
stop: { requests: 2 }
clients:
  - name: uploader
    region: home
    arrivals: { process: script, requests: [{ at: 0 s, client: 10.0.0.1 }] }
    mix: [{ request_size: 1 MB, response_size: 0 B, work: 0 s }]
  - name: downloader
    region: home
    arrivals: { process: script, requests: [{ at: 0 s, client: 10.0.0.2 }] }
    mix: [{ request_size: 0 B, response_size: 1 MB, work: 0 s }]
network:
  links:
    - { between: [home, web], bandwidth: 100 Mbps, latency: 0 ms }
servers:
  - { name: web, cores: 2 }
)");
  CHECK(ns(s.latency_min_s) == 80'000'000);
  CHECK(ns(s.latency_max_s) == 80'000'000);
}

TEST_CASE("network: Little's law holds with network delay", "[network][run][little]")
{
  const models::RunSummary s = run(kFleet);
  INFO("L " << s.little_l << " lambda W " << s.little_lambda_w);
  CHECK(s.completed > 10000);
  CHECK(std::abs(s.little_lambda_w - s.little_l) / s.little_l < 0.01);
  // Most of the time in the system is the network: at least a round trip of 60 ms or 200 ms.
  CHECK(s.latency_split.network_mean_s > 0.1);
  CHECK(s.latency_split.server_mean_s > 0.005);
  CHECK(s.latency_split.network_mean_s + s.latency_split.server_mean_s == Approx(s.latency_mean_s).epsilon(1e-9));
  CHECK(s.latency_split.network_p99_s >= 0.2);

  // With refusals the 503s travel back too, and their time in the system still counts.
  const models::RunSummary refused = run(kFleet, {"servers[web].queue_limit=0", "servers[web].cores=1"});
  INFO("L " << refused.little_l << " lambda W " << refused.little_lambda_w);
  CHECK(refused.rejected > 1000);
  CHECK(std::abs(refused.little_lambda_w - refused.little_l) / refused.little_l < 0.01);
}

TEST_CASE("network: link measurements agree with the traffic", "[network][run]")
{
  const models::RunSummary s = run(kFleet);
  // Tokyo: 150/s x 50 KB x 8 = 60 Mbps down its 100 Mbps link; Frankfurt 100/s x 200 KB x 8 = 160 Mbps of 200.
  CHECK(link(s, "lb->tokyo").throughput_mbps == Approx(60).epsilon(0.03));
  CHECK(link(s, "lb->tokyo").utilization == Approx(0.6).epsilon(0.03));
  CHECK(link(s, "lb->frankfurt").throughput_mbps == Approx(160).epsilon(0.03));
  CHECK(link(s, "tokyo->lb").throughput_mbps == Approx(2.4).epsilon(0.03));
  double to_servers = 0;
  for (const char* name : {"lb->web-1", "lb->web-2", "lb->web-3"}) to_servers += link(s, name).bytes;
  CHECK(to_servers == Approx(link(s, "tokyo->lb").bytes + link(s, "frankfurt->lb").bytes).epsilon(0.01));
  for (const auto& l : s.links) {
    CHECK(l.utilization <= 1.0);
    CHECK(l.throughput_mbps == Approx(l.bytes * 8 / s.simulated_s * 1e-6));
  }
}

TEST_CASE("network: summary.json has links and the latency split, and links.csv the links over time",
          "[network][results]")
{
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("lbsim-network-results-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const models::RunSummary s = run_scenario(load(kFleet, {"duration=10 s"}), dir.string());
  std::ifstream in(dir / "summary.json");
  std::stringstream text;
  text << in.rdbuf();
  const nlohmann::json j = nlohmann::json::parse(text.str());
  REQUIRE(j["links"].is_array());
  REQUIRE(j["links"].size() == 10);
  const nlohmann::json& first = j["links"][0];
  CHECK(first["name"] == "tokyo->lb");
  CHECK(first["from"] == "tokyo");
  CHECK(first["to"] == "lb");
  CHECK(first["bandwidth_mbps"] == 100.0);
  for (const char* key : {"utilization", "throughput_mbps", "bytes"}) CHECK(first[key].is_number());
  for (const char* key : {"network_mean", "network_p99", "server_mean", "server_p99"})
    CHECK(j["latency_split_s"][key].is_number());

  std::ifstream csv(dir / "links.csv");
  std::string line;
  std::getline(csv, line);
  CHECK(line == "time_s,link,utilization,throughput_mbps,bytes");
  size_t rows = 0;
  while (std::getline(csv, line)) ++rows;
  CHECK(rows == 10 * 10);  // 10 intervals of 1 s, 10 directed links
  std::ifstream series(dir / "timeseries.csv");
  std::getline(series, line);
  CHECK(line.rfind("time_s,throughput_rps,latency_mean_s,latency_p50_s,latency_p99_s,in_flight,servers_up", 0) == 0);
  CHECK(line.find(",network_mean_s,server_mean_s") != std::string::npos);
  std::filesystem::remove_all(dir);
  CHECK(s.links.size() == 10);
}

TEST_CASE("network: the same seed gives the same trajectory", "[network][determinism]")
{
  const models::RunSummary a = run(kFleet, {"duration=10 s"});
  const models::RunSummary b = run(kFleet, {"duration=10 s"});
  CHECK(a.fingerprint == b.fingerprint);
  const models::RunSummary c = run(kFleet, {"duration=10 s", "seed=7"});
  CHECK(a.fingerprint != c.fingerprint);
}

TEST_CASE("the quickstart with a network (less its health check) runs and its latency is the round trip plus "
          "service",
          "[network][examples]")
{
  const models::RunSummary s =
      run_scenario(load_scenario_file(std::string(LBSIM_SOURCE_DIR) + "/examples/quickstart-network.yaml",
                                      {"duration=30 s"}),
                   "");
  CHECK(s.completed > 8000);
  // 100 + 0.5 + 0.5 + 100 ms of latency, plus a few tens of microseconds of bytes.
  CHECK(s.latency_split.network_mean_s == Approx(0.2011).epsilon(0.001));
  CHECK(s.latency_min_s > 0.201);
  CHECK(s.links.size() == 8);
}

TEST_CASE("network: lbsim trace reports each request when it reaches its server", "[network][trace]")
{
  const std::string command = std::string(LBSIM_BINARY) + " trace " + LBSIM_SOURCE_DIR +
                              "/examples/teaching/network-tokyo-api.yaml -n 2 2>&1";
  std::FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string output;
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
  REQUIRE(pclose(pipe) == 0);
  // Both are sent at 0; Frankfurt's (request 2, 30 ms away) reaches the balancer first and gets api-1.
  CHECK(output == "time_s,client,method,path,server,status,service,request,parent\n"
                  "0,198.51.100.9,GET,/api/posts,api-1,dispatched,lb,2,\n"
                  "0,203.0.113.7,GET,/api/posts,api-2,dispatched,lb,1,\n");
}
