// Layer 4 and layer 7, and the balancer as a bottleneck (docs/model.md, "The balancer"):
// picks follow connections at layer 4 (checked through `lbsim trace`), max_connections queues in
// the backlog and then refuses, and the teaching scenario layer4-vs-layer7.yaml.
#include "scenarios/format/loader.hpp"
#include "scenarios/runner.hpp"
#include "scenarios/format/scenario_error.hpp"
#include "scenarios/studies/study_spec.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

using Catch::Matchers::Contains;

namespace {

struct Row {
  std::string client, server, status;
};

// `lbsim trace FILE -n N [extra]`: client, server and status of each row.
std::vector<Row> trace(const std::string& path, int requests, const std::string& extra = "")
{
  const std::string command =
      std::string(LBSIM_BINARY) + " trace " + path + " -n " + std::to_string(requests) + " " + extra + " 2>&1";
  std::FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::vector<Row> rows;
  char line[512];
  bool header = true;
  while (std::fgets(line, sizeof line, pipe)) {
    if (header) {
      header = false;
      continue;
    }
    std::vector<std::string> fields(1);
    for (const char* c = line; *c && *c != '\n'; ++c) {
      if (*c == ',') fields.emplace_back();
      else fields.back() += *c;
    }
    REQUIRE(fields.size() >= 6);
    rows.push_back({fields[1], fields[4], fields[5]});
  }
  REQUIRE(pclose(pipe) == 0);
  return rows;
}

std::string write_temp(const std::string& name, const std::string& text)
{
  const auto path = std::filesystem::temp_directory_path() / ("lbsim-layers-" + name);
  std::ofstream(path) << text;
  return path.string();
}

// Two clients taking turns, 8 requests, 1 s apart; each takes 10 ms.
const std::string kAlternating =
    "name: alternating\nduration: 10 s\n"
    "clients:\n"
    "  - name: users\n"
    "    arrivals:\n"
    "      process: script\n"
    "      requests:\n"
    "        - { at: 0 s, client: 10.0.0.1 }\n"
    "        - { at: 1 s, client: 10.0.1.1 }\n"
    "        - { at: 2 s, client: 10.0.0.1 }\n"
    "        - { at: 3 s, client: 10.0.1.1 }\n"
    "        - { at: 4 s, client: 10.0.0.1 }\n"
    "        - { at: 5 s, client: 10.0.1.1 }\n"
    "        - { at: 6 s, client: 10.0.0.1 }\n"
    "        - { at: 7 s, client: 10.0.1.1 }\n"
    "    mix: [{ method: GET, path: /, work: 10 ms }]\n"
    "balancer: { algorithm: round_robin, layer: 4, requests_per_connection: 3 }\n"
    "servers:\n  - { name: A }\n  - { name: B }\n  - { name: C }\n";

std::vector<std::string> pairs(const std::vector<Row>& rows)
{
  std::vector<std::string> out;
  for (const Row& r : rows) out.push_back(r.client + "->" + r.server);
  return out;
}

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("layer 4: a client's k consecutive requests ride one connection to one server", "[layers][balancer]")
{
  const std::string path = write_temp("alternating.yaml", kAlternating);
  // requests_per_connection 3: each client's requests 1-3 on its first connection, the 4th opens a
  // new one and round robin picks again (the 3rd and 4th picks of the run: C, then A).
  CHECK(pairs(trace(path, 8)) == V{"10.0.0.1->A", "10.0.1.1->B", "10.0.0.1->A", "10.0.1.1->B", "10.0.0.1->A",
                                   "10.0.1.1->B", "10.0.0.1->C", "10.0.1.1->A"});
  // Layer 7 balances every request.
  CHECK(pairs(trace(path, 8, "--set balancer.layer=7")) == V{"10.0.0.1->A", "10.0.1.1->B", "10.0.0.1->C",
                                                             "10.0.1.1->A", "10.0.0.1->B", "10.0.1.1->C",
                                                             "10.0.0.1->A", "10.0.1.1->B"});
  // One request per connection is layer 7's behaviour again.
  CHECK(pairs(trace(path, 8, "--set balancer.requests_per_connection=1")) ==
        pairs(trace(path, 8, "--set balancer.layer=7")));
  // The default at layer 4 is 100 requests per connection: every request of a client stays.
  CHECK(pairs(trace(path, 8, "--set 'balancer={algorithm: round_robin, layer: 4}'")) ==
        V{"10.0.0.1->A", "10.0.1.1->B", "10.0.0.1->A", "10.0.1.1->B", "10.0.0.1->A", "10.0.1.1->B", "10.0.0.1->A",
          "10.0.1.1->B"});
}

TEST_CASE("layer 4: k consecutive requests per connection under random traffic", "[layers][balancer]")
{
  // 50 clients, Poisson traffic, requests_per_connection = 5: every client's requests come in runs
  // of 5 on one server (the last run of the trace may be cut short).
  const std::string path = write_temp(
      "random-k.yaml",
      "name: random-k\nduration: 100 s\nclients:\n  - name: users\n    population: 50\n"
      "    arrivals: { process: poisson, rate: 100/s }\n    mix: [{ work: 1 ms }]\n"
      "balancer: { algorithm: random, layer: 4, requests_per_connection: 5 }\n"
      "servers:\n  - { name: s, count: 8 }\n");
  const std::vector<Row> rows = trace(path, 2000);
  REQUIRE(rows.size() == 2000);
  std::map<std::string, std::vector<std::string>> by_client;
  for (const Row& r : rows) by_client[r.client].push_back(r.server);
  REQUIRE(by_client.size() == 50);
  int switches = 0;
  for (const auto& [client, servers] : by_client) {
    for (size_t i = 0; i < servers.size(); ++i) {
      INFO(client << " request " << i);
      if (i % 5 != 0) CHECK(servers[i] == servers[i - 1]);  // inside a connection: the same server
      else if (i > 0 && servers[i] != servers[i - 1]) ++switches;
    }
  }
  // Random over 8 servers: a new connection lands elsewhere 7 times in 8.
  CHECK(switches > 250);
}

TEST_CASE("max_connections: beyond it requests wait in the backlog, beyond that 503 (HAProxy)", "[layers][balancer]")
{
  // Five requests at once; two in progress at most, one may wait. Requests take 1 s.
  const std::string base =
      "name: maxconn\nduration: 10 s\nclients:\n  - name: c\n    arrivals:\n      process: script\n      requests:\n"
      "        - { at: 0 s, client: 10.0.0.1 }\n        - { at: 0 s, client: 10.0.0.2 }\n"
      "        - { at: 0 s, client: 10.0.0.3 }\n        - { at: 0 s, client: 10.0.0.4 }\n"
      "        - { at: 0 s, client: 10.0.0.5 }\n    mix: [{ work: 1 s }]\n"
      "servers:\n  - { name: A, cores: 10 }\n  - { name: B, cores: 10 }\n";
  const std::string path = write_temp("maxconn.yaml", base + "balancer: { max_connections: 2, backlog: 1 }\n");
  // The trace is in dispatch order: 1 and 2 at once, 4 and 5 refused by the balancer at once, 3
  // when 1 and 2 are answered at 1 s.
  const std::vector<Row> rows = trace(path, 5);
  REQUIRE(rows.size() == 5);
  CHECK(pairs(rows) == V{"10.0.0.1->A", "10.0.0.2->B", "10.0.0.4->", "10.0.0.5->", "10.0.0.3->A"});
  CHECK(rows[2].status == "balancer_full");
  CHECK(rows[3].status == "balancer_full");

  const auto config = lbsim::scenarios::load_scenario_text(base + "balancer: { max_connections: 2, backlog: 1 }\n",
                                                           "maxconn.yaml", ".");
  const auto s = lbsim::scenarios::run_scenario(config, "");
  CHECK(s.completed == 3);
  CHECK(s.rejected == 2);
  REQUIRE(s.balancer);
  CHECK(s.balancer->rejected == 2);
  CHECK(s.balancer->max_in_progress == 2);
  CHECK(s.latency_max_s == Approx(2.0));  // request 3 waited 1 s in the backlog

  // backlog defaults to max_connections (HAProxy): nothing is refused here.
  const auto queued = lbsim::scenarios::run_scenario(
      lbsim::scenarios::load_scenario_text(base + "balancer: { max_connections: 2 }\n", "q.yaml", "."), "");
  CHECK(queued.completed == 4);  // 3 and 4 wait; 5 is refused (backlog 2)
  CHECK(queued.rejected == 1);
  // backlog 0 refuses at once, as nginx does when worker_connections are used up.
  const auto refused = lbsim::scenarios::run_scenario(
      lbsim::scenarios::load_scenario_text(base + "balancer: { max_connections: 2, backlog: 0 }\n", "r.yaml", "."), "");
  CHECK(refused.completed == 2);
  CHECK(refused.rejected == 3);
  CHECK(refused.latency_max_s == Approx(1.0));
}

TEST_CASE("processing: a constant 10 ms per request at one worker serialises simultaneous requests",
          "[layers][balancer]")
{
  const std::string text =
      "name: proc\nduration: 10 s\nclients:\n  - name: c\n    arrivals:\n      process: script\n      requests:\n"
      "        - { at: 0 s, client: 10.0.0.1 }\n        - { at: 0 s, client: 10.0.0.2 }\n"
      "        - { at: 0 s, client: 10.0.0.3 }\n    mix: [{ work: 100 ms }]\n"
      "balancer: { processing: 10 ms }\nservers:\n  - { name: A, cores: 10 }\n";
  const auto s = lbsim::scenarios::run_scenario(lbsim::scenarios::load_scenario_text(text, "p.yaml", "."), "");
  // Response times 110, 120, 130 ms.
  CHECK(s.completed == 3);
  CHECK(s.latency_mean_s == Approx(0.120));
  CHECK(s.latency_max_s == Approx(0.130).epsilon(0.005));
  // Two workers: 110, 110, 120 ms.
  const auto two = lbsim::scenarios::run_scenario(
      lbsim::scenarios::load_scenario_text(text + "", "p.yaml", ".", {"balancer.workers=2"}), "");
  CHECK(two.latency_mean_s == Approx((0.110 + 0.110 + 0.120) / 3));
}

TEST_CASE("layer 4 spends processing per connection, not per request", "[layers][balancer]")
{
  // One client, 4 requests 1 s apart, 2 per connection, 10 ms per connection: 110, 100, 110, 100 ms.
  const std::string text =
      "name: l4proc\nduration: 10 s\nclients:\n  - name: c\n    arrivals:\n      process: script\n      requests:\n"
      "        - { at: 0 s, client: 10.0.0.1 }\n        - { at: 1 s, client: 10.0.0.1 }\n"
      "        - { at: 2 s, client: 10.0.0.1 }\n        - { at: 3 s, client: 10.0.0.1 }\n"
      "    mix: [{ work: 100 ms }]\n"
      "balancer: { layer: 4, requests_per_connection: 2, processing: 10 ms }\nservers:\n  - { name: A }\n  - { name: B }\n";
  const auto s = lbsim::scenarios::run_scenario(lbsim::scenarios::load_scenario_text(text, "l4.yaml", "."), "");
  CHECK(s.latency_mean_s == Approx(0.105));
  REQUIRE(s.balancer);
  CHECK(s.balancer->connections_opened == 2);
  CHECK(s.balancer->requests_per_connection == Approx(2.0));
}

TEST_CASE("balancer station keys are checked", "[layers][balancer]")
{
  const std::string head = "name: x\nduration: 1 s\nclients:\n  - arrivals: { process: poisson, rate: 1/s }\n"
                           "    mix: [{ work: 1 ms }]\nservers:\n  - { name: a }\n  - { name: b }\n";
  auto error = [&](const std::string& balancer) {
    try {
      lbsim::scenarios::load_scenario_text(head + "balancer: " + balancer + "\n", "x.yaml", ".");
    } catch (const lbsim::scenarios::ScenarioError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  CHECK_THAT(error("{ workers: 2 }"), Contains("set processing"));
  CHECK_THAT(error("{ backlog: 5 }"), Contains("set max_connections"));
  CHECK_THAT(error("{ max_connections: 0 }"), Contains("max_connections"));
  CHECK_THAT(error("{ algorithm: maglev, hash_key: path, layer: 4 }"), Contains("layer 4"));
  CHECK(error("{ layer: 4, requests_per_connection: 10, processing: 50 us, workers: 4, max_connections: 1000, "
              "backlog: 100 }") == "accepted");
  CHECK(error("{ processing: { distribution: exponential, mean: 50 us } }") == "accepted");
}

TEST_CASE("teaching: layer 4 pins the heavy client to one server, layer 7 spreads it", "[teaching][layers]")
{
  const std::string path = std::string(LBSIM_SOURCE_DIR) + "/examples/teaching/layer4-vs-layer7.yaml";
  auto heavy_servers = [](const std::vector<Row>& rows) {
    std::set<std::string> servers;
    size_t count = 0;
    for (const Row& r : rows)
      if (r.client == "203.0.113.7") {
        servers.insert(r.server);
        ++count;
      }
    CHECK(count > 50);
    return servers.size();
  };
  CHECK(heavy_servers(trace(path, 300)) == 1);
  CHECK(heavy_servers(trace(path, 300, "--set balancer.layer=7")) == 4);

  const auto l4 = lbsim::scenarios::run_scenario(lbsim::scenarios::load_scenario_file(path), "");
  const auto l7 = lbsim::scenarios::run_scenario(
      lbsim::scenarios::load_scenario_file(path, {"balancer.layer=7"}), "");
  // As the description computes: the heavy client's server runs at about 0.85, the others at
  // about 0.25; at layer 7 all at about 0.4.
  double busiest = 0;
  for (const auto& server : l4.servers) busiest = std::max(busiest, server.utilization);
  CHECK(busiest == Approx(0.85).margin(0.05));
  for (const auto& server : l7.servers) CHECK(server.utilization == Approx(0.40).margin(0.03));
  CHECK(l4.latency_mean_s > 2.0 * l7.latency_mean_s);
}

TEST_CASE("the comparison studies of examples/studies load", "[layers][study]")
{
  for (const char* study : {"algorithm-table.yaml", "slow-server-study.yaml", "layers-study.yaml"}) {
    INFO(study);
    const auto spec = lbsim::scenarios::load_study_file(std::string(LBSIM_SOURCE_DIR) + "/examples/studies/" + study);
    CHECK(spec.replications >= 5);
  }
}

TEST_CASE("with a network the balancer processes a request after its last byte arrives", "[layers][balancer]")
{
  // Requests of 0 bytes: each leg costs its latency. client -> lb 10 ms, lb -> server 1 ms, and the
  // same way back: 22 ms of network, + 5 ms of processing + 100 ms of work = 127 ms.
  const std::string base =
      "name: net\nduration: 10 s\nclients:\n  - name: c\n    arrivals:\n      process: script\n      requests:\n"
      "        - { at: 0 s, client: 10.0.0.1 }\n        - { at: 0 s, client: 10.0.0.2 }\n"
      "        - { at: 0 s, client: 10.0.0.3 }\n    mix: [{ work: 100 ms }]\n"
      "network:\n  links:\n    - { between: [clients, lb], bandwidth: 1 Gbps, latency: 10 ms }\n"
      "    - { between: [lb, servers], bandwidth: 1 Gbps, latency: 1 ms }\n"
      "servers:\n  - { name: A, cores: 10 }\n";
  {
    const auto s = lbsim::scenarios::run_scenario(
        lbsim::scenarios::load_scenario_text(base + "balancer: { processing: 5 ms, workers: 3 }\n", "n.yaml", "."), "");
    CHECK(s.completed == 3);
    CHECK(s.latency_mean_s == Approx(0.127));
    CHECK(s.latency_max_s == Approx(0.127));
  }
  {
    // One at a time, one waiting: the second is admitted when the first's response has passed back
    // through the balancer (10 + 1 + 100 + 1 = 112 ms) and answers at 112 + 1 + 100 + 1 + 10 = 224 ms;
    // the third is refused at 10 ms and its 503 is back at the client at 20 ms.
    const auto s = lbsim::scenarios::run_scenario(
        lbsim::scenarios::load_scenario_text(base + "balancer: { max_connections: 1, backlog: 1 }\n", "n.yaml", "."), "");
    CHECK(s.completed == 2);
    CHECK(s.rejected == 1);
    CHECK(s.latency_max_s == Approx(0.224));
    REQUIRE(s.balancer);
    CHECK(s.balancer->rejected == 1);
  }
}
