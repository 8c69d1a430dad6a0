// Malformed scenarios (tests/data/malformed/*.yaml) and bad --set overrides: each one through the
// real `lbsim check` (non-zero exit, FILE:LINE:COL and the explanation on stderr) and through
// load_scenario_file() (a ScenarioError at the same place with the same text).
#include "scenarios/format/loader.hpp"

#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <set>
#include <string>
#include <utility>
#include <vector>

using namespace lbsim::scenarios;
using Catch::Contains;
using Catch::StartsWith;

namespace {

const std::string kBinary = LBSIM_BINARY;
const std::string kData = std::string(LBSIM_SOURCE_DIR) + "/tests/data";

struct Case {
  std::string file;                   // under tests/data
  std::vector<std::string> overrides;  // --set KEY=VALUE
  int line = 0;                       // 0 for a --set error, which names the --set instead
  int column = 0;
  std::vector<std::string> phrases;  // each must appear in the message
  std::string located_in = {};       // the file the error points into, if not `file` (under tests/data)
};

Case at(std::string file, int line, int column, std::vector<std::string> phrases, std::string located_in = {})
{
  return Case{"malformed/" + std::move(file), {}, line, column, std::move(phrases),
              located_in.empty() ? std::string{} : "malformed/" + located_in};
}

// --set on the valid tests/data/scenarios/small.yaml: the error names the --set, not a position.
Case set(std::vector<std::string> overrides, std::vector<std::string> phrases)
{
  return Case{"scenarios/small.yaml", std::move(overrides), 0, 0, std::move(phrases), {}};
}

// The expected messages are written out in full where the wording is the point (did-you-mean,
// what was expected); elsewhere the key phrases.
const std::vector<Case>& cases()
{
  static const std::vector<Case> all = {
      at("syntax-error.yaml", 7, 8,
         {"YAML syntax error: end of map flow not found", "expected a '}' closing the '{' opened at line 6, column 15"}),
      at("tab-indent.yaml", 5, 2, {"YAML syntax error", "indent with spaces; YAML does not allow tabs"}),
      // No space after a colon: YAML notices lines later; the error points at the colon.
      at("colon-no-space-block.yaml", 9, 12,
         {"YAML syntax error: expected a space after the colon in \"rate:100/s\"; write \"rate: 100/s\"",
          "finds the mistake only at line 11"}),
      at("colon-no-space-continued.yaml", 8, 15,
         {"expected a space after the colon in \"process:poisson\"; write \"process: poisson\"",
          "finds the mistake only at line 10"}),
      at("colon-no-space-value.yaml", 15, 3,
         {"balancer must be a mapping of keys to values", "got \"algorithm:round_robin\"; expected a space after the "
          "colon: write \"algorithm: round_robin\""}),
      at("empty-file.yaml", 1, 1,
         {"the scenario file is empty; expected a scenario with at least name, duration, clients and servers"}),
      at("unknown-key.yaml", 18, 1,
         {"unknown key \"colour\" in the scenario; expected one of: name, description, seed, duration"}),
      at("typo-key.yaml", 14, 3, {"unknown key \"algoritm\" in balancer; did you mean \"algorithm\"?"}),
      at("typo-algorithm.yaml", 14, 14,
         {"balancer.algorithm \"round_robbin\" is not known; did you mean \"round_robin\"?"}),
      at("unknown-algorithm.yaml", 14, 14,
         {"balancer.algorithm \"fastest\" is not known; expected one of: round_robin, weighted_round_robin, "
          "least_connections"}),
      at("unknown-distribution.yaml", 12, 31,
         {"clients[0].mix[0].work.distribution \"exponentail\" is not known; did you mean \"exponential\"?"}),
      at("unknown-size.yaml", 21, 11, {"servers[0].size \"meduim\" is not known; did you mean \"medium\"?"}),
      at("wrong-type-cores.yaml", 18, 12, {"servers[0].cores must be a whole number, got \"four\""}),
      at("list-for-map.yaml", 14, 3, {"balancer must be a mapping of keys to values", "got a list"}),
      at("empty-value.yaml", 6, 5, {"clients[0].arrivals must be a mapping of keys to values", "got nothing"}),
      at("scalar-for-list.yaml", 15, 10, {"servers must be a list", "got \"web\""}),
      at("wrong-unit-kind.yaml", 8, 13,
         {"clients[0].arrivals.rate: \"ms\" is a time unit, but a rate is expected here", "did you mean \"/ms\"?"}),
      at("bad-size-unit.yaml", 12, 24,
         {"clients[0].mix[0].response_size: \"Kb\" is in bits", "a size is counted in bytes", "did you mean \"KB\"?"}),
      at("bare-number-time.yaml", 3, 11,
         {"duration: a unit is required: expected a time such as \"250 ms\"", "got \"10\""}),
      at("zero-cores.yaml", 18, 12, {"servers[0].cores must be at least 1, got 0"}),
      at("negative-speed.yaml", 18, 12,
         {"servers[0].speed must be greater than zero, got -2; speed is work per second relative to 1.0"}),
      at("zero-rate.yaml", 8, 13, {"clients[0].arrivals.rate must be greater than zero, got \"0/s\""}),
      at("zero-mean.yaml", 12, 50, {"clients[0].mix[0].work.mean must be greater than zero, got \"0 ms\""}),
      at("duplicate-server-names.yaml", 18, 11, {"two servers are named \"web\"; give each server or group its own name"}),
      at("group-name-clash.yaml", 18, 11,
         {"two servers are named \"web-2\" (a group \"web\" with a count makes web-1, web-2, ...)"}),
      at("group-and-server-same-name.yaml", 18, 11,
         {"a group and a server are both named \"web\"; servers[web] would be ambiguous: give each server or group "
          "its own name"}),
      at("server-and-group-same-name.yaml", 18, 11,
         {"a group and a server are both named \"web\"; servers[web] would be ambiguous: give each server or group "
          "its own name"}),
      at("duplicate-key.yaml", 4, 1, {"\"duration\" appears twice in the scenario; give each key once"}),
      at("missing-work.yaml", 10, 9, {"clients[0].mix[0] has no \"work\"; it is required (e.g. work: 5 ms"}),
      at("missing-duration.yaml", 2, 1,
         {"the scenario has neither \"duration\" nor \"stop\"; one is required", "duration: 5 min", "stop: {requests:"}),
      at("missing-name.yaml", 2, 1, {"the scenario has no \"name\"; it is required"}),
      at("missing-servers.yaml", 2, 1, {"the scenario has no \"servers\"; it is required"}),
      at("empty-servers.yaml", 15, 10, {"servers is empty; expected at least one server"}),
      at("shares-not-one.yaml", 10, 7, {"clients[0].mix: the shares add up to 0.9; they must add up to 1"}),
      at("share-missing-on-one.yaml", 10, 7,
         {"1 of 2 request types have a share; give every request type a share, or none"}),
      at("missing-empirical-file.yaml", 12, 48,
         {"cannot open the empirical data file \"no-such-samples.txt\"", "looked for",
          "expected a text file with one time per line"}),
      // The error points into the data file, and says which scenario key read it.
      at("corrupt-empirical-file.yaml", 5, 1,
         {"bad value in empirical data (the data of clients[0].mix[0].work, ",
          "/malformed/corrupt-empirical-file.yaml:12:48)", "got \"12 parsecs\""},
         "corrupt-samples.txt"),
      at("no-balancer.yaml", 14, 3,
         {"there are 3 servers but no \"balancer\" to spread requests over them",
          "add e.g. balancer: {algorithm: round_robin}"}),
      at("option-for-other-algorithm.yaml", 15, 12,
         {"balancer.choices applies only to algorithm power_of_two_choices, and this balancer's algorithm is "
          "least_connections"}),
      at("backup-with-ip-hash.yaml", 12, 28,
         {"server \"spare\" is a backup, and algorithm ip_hash takes no backup servers", "nginx refuses backup"}),
      at("enable-without-balancer.yaml", 11, 24,
         {"timeline[0].enable: server \"web\" has no balancer in front of it"}),
      at("state-misspelt.yaml", 12, 27, {"servers[1].state \"disabled\" is not known; expected one of: up, down"}),
      at("least-request-negative-bias.yaml", 15, 24, {"balancer.active_request_bias must be between 0 and 100, got -1"}),
      at("ring-hash-minimum-above-maximum.yaml", 14, 14,
         {"ring_hash: minimum_ring_size (20) > maximum_ring_size (10)"}),
      at("maglev-table-not-prime.yaml", 15, 15,
         {"balancer.table_size must be a prime number, got 1000; the next prime is 1009"}),
      at("not-implemented-key.yaml", 20, 5,
         {"\"p50\" in metrics.slo is part of the scenario format but not implemented in this version of lbsim yet"}),
      at("resize-beyond-ceiling.yaml", 14, 37,
         {"timeline[0] resizes db beyond the largest size in the catalog (8 cores, speed 1)",
          "vertical scaling has a ceiling"}),
      at("timeline-unknown-server.yaml", 12, 24, {"timeline[0].fail (a server) \"web-3\" is not known"}),
      at("timeline-two-actions.yaml", 12, 5, {"timeline[0] must have exactly one action", "got 2"}),
      at("timeline-key-of-other-action.yaml", 12, 31, {"\"downtime\" does not apply to a fail in timeline[0]"}),
      at("autoscaling-max-below-min.yaml", 15, 8, {"autoscaling.max (3) is below min (4)"}),
      at("autoscaling-unknown-group.yaml", 12, 10,
         {"autoscaling.group (a server group) \"wbe\" is not known; did you mean \"web\"?"}),
      at("add-without-balancer.yaml", 11, 23, {"needs a \"balancer\" in front of them"}),
      at("health-timeout-over-interval.yaml", 10, 43,
         {"balancer.health_check.timeout must not be longer than its interval"}),
      at("failures-missing-mttr.yaml", 9, 28, {"servers[0].failures has no \"mttr\""}),
      at("closed-key-of-another-process.yaml", 9, 7,
         {"clients[0].arrivals.rate belongs to the open processes (poisson, constant) and sessions, not to process "
          "closed"}),
      at("bursty-never.yaml", 6, 43, {"rate_on and rate_off are both 0, so no request would ever arrive"}),
      at("trace-missing-file.yaml", 5, 39,
         {"cannot open the trace file \"no-such-trace.csv\"", "expected a CSV file (time,client,method,path)"}),
      // Errors inside a trace point into it and name the key that read it.
      at("trace-out-of-order.yaml", 4, 1,
         {"the time 1.5 is earlier than the line before; a trace lists requests in time order",
          "(the trace of clients[0].arrivals.file, ", "/malformed/trace-out-of-order.yaml:5:39)"},
         "trace-out-of-order.csv"),
      at("trace-corrupt.yaml", 3, 5,
         {"\"10.0.0.300\" is not an IPv4 address", "(the trace of clients[0].arrivals.file, "}, "trace-corrupt.csv"),
      at("trace-unknown-type.yaml", 2, 16,
         {"the request DELETE /posts/7 matches no request type of clients[0].mix (same method and path); add it to the mix"},
         "trace-unknown-type.csv"),
      at("script-out-of-order.yaml", 11, 17,
         {"clients[0].arrivals.requests[1].at goes back in time", "list scripted requests in time order"}),
      at("script-unknown-client.yaml", 11, 30,
         {"client 192.168.1.9 is not among the group's addresses; add it to clients[0].addresses"}),
      at("bad-address.yaml", 6, 27,
         {"clients[0].addresses[1]: \"10.0.0.300\" is not an IPv4 address; expected four numbers 0-255"}),
      at("study-file.yaml", 2, 1, {"\"study\" makes this a study file, not a scenario"}),
      at("network-unknown-node.yaml", 12, 19,
         {"unknown network node \"tokio\" in network.links[0].between; did you mean \"tokyo\"?"}),
      at("network-unreachable-region.yaml", 11, 13,
         {"client region \"frankfurt\" of clients[1] has no network path to the balancer \"lb\"",
          "add a link that joins it, e.g. - {between: [frankfurt, lb]"}),
      at("network-unreachable-server.yaml", 17, 13,
         {"server \"db\" has no network path from the balancer \"lb\"", "{between: [lb, db]"}),
      set({"servers[api].count=2"}, {"servers has no item named \"api\"; expected one of: web, db"}),
      set({"servers[wbe].count=2"}, {"servers has no item named \"wbe\"; did you mean \"web\"?"}),
      set({"clients[2].arrivals.rate=5/s"}, {"clients[2] is past the end of clients, which has 1 item"}),
      set({"servers.count=2"}, {"servers is a list; pick an item with servers[0] or servers[NAME]"}),
      set({"clients[0].arrivals.rate=200 ms"},
          {"clients[0].arrivals.rate: \"ms\" is a time unit, but a rate is expected here"}),
      set({"balancer.algoritm=least_connections"}, {"unknown key \"algoritm\" in balancer; did you mean \"algorithm\"?"}),
      set({"seed=1", "servers[web].cores=0"}, {"servers[0].cores must be at least 1, got 0"}),
  };
  return all;
}

std::string shell_quote(const std::string& s)
{
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// `lbsim check FILE --set ...` with standard error captured: (exit status, output).
std::pair<int, std::string> lbsim_check(const std::string& file, const std::vector<std::string>& overrides)
{
  std::string command = shell_quote(kBinary) + " check " + shell_quote(file);
  for (const std::string& o : overrides) command += " --set " + shell_quote(o);
  command += " 2>&1";
  std::FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string output;
  char buffer[4096];
  for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) output.append(buffer, n);
  const int status = ::pclose(pipe);
  while (!output.empty() && (output.back() == '\n' || output.back() == '\r')) output.pop_back();
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

// Where the message must say the problem is.
std::string expected_prefix(const Case& c)
{
  const std::string file = kData + "/" + c.file;
  if (c.line == 0) return file + ": --set " + c.overrides.back() + ": error: ";
  const std::string at = c.located_in.empty() ? file : kData + "/" + c.located_in;
  return at + ":" + std::to_string(c.line) + ":" + std::to_string(c.column) + ": error: ";
}

}  // namespace

TEST_CASE("there are at least 20 malformed scenarios, each file with its case", "[malformed]")
{
  CHECK(cases().size() >= 20);
  std::set<std::string> with_case;
  for (const Case& c : cases()) with_case.insert(c.file);
  for (const auto& entry : std::filesystem::directory_iterator(kData + "/malformed")) {
    if (entry.path().extension() != ".yaml") continue;
    INFO(entry.path().string());
    CHECK(with_case.count("malformed/" + entry.path().filename().string()) == 1);
  }
}

TEST_CASE("the valid base of the --set cases passes lbsim check", "[malformed]")
{
  const auto [status, output] = lbsim_check(kData + "/scenarios/small.yaml", {});
  INFO(output);
  CHECK(status == 0);
  CHECK_THAT(output, Contains(": ok: scenario \"small\""));
}

TEST_CASE("lbsim check rejects every malformed scenario with FILE:LINE:COL and the reason", "[malformed][cli]")
{
  for (const Case& c : cases()) {
    DYNAMIC_SECTION(c.file << (c.overrides.empty() ? "" : " --set " + c.overrides.back()))
    {
      const auto [status, output] = lbsim_check(kData + "/" + c.file, c.overrides);
      INFO(output);
      CHECK(status == 1);
      CHECK_THAT(output, StartsWith(expected_prefix(c)));
      CHECK(output.find('\n') == std::string::npos);  // one line, nothing else
      for (const std::string& phrase : c.phrases) CHECK_THAT(output, Contains(phrase));
    }
  }
}

TEST_CASE("load_scenario_file throws a ScenarioError at the same place with the same text", "[malformed][loader]")
{
  for (const Case& c : cases()) {
    DYNAMIC_SECTION(c.file << (c.overrides.empty() ? "" : " --set " + c.overrides.back()))
    {
      const std::string file = kData + "/" + c.file;
      try {
        load_scenario_file(file, c.overrides);
        FAIL("loaded without an error");
      } catch (const ScenarioError& e) {
        INFO(e.what());
        CHECK(e.where().line == c.line);
        CHECK(e.where().column == c.column);
        CHECK(e.where().file == (c.located_in.empty() ? file : kData + "/" + c.located_in));
        CHECK(e.where().origin.empty() == (c.line != 0));
        CHECK_THAT(std::string(e.what()), StartsWith(expected_prefix(c)));
        CHECK(std::string(e.what()) == e.where().to_string() + ": error: " + e.message());
        for (const std::string& phrase : c.phrases) CHECK_THAT(e.message(), Contains(phrase));
        // The command prints exactly this.
        CHECK(lbsim_check(file, c.overrides).second == e.what());
      }
    }
  }
}

TEST_CASE("a scenario file that does not exist, or is a folder, names the path", "[malformed]")
{
  const std::string missing = kData + "/malformed/no-such-scenario.yaml";
  const auto [status, output] = lbsim_check(missing, {});
  CHECK(status == 1);
  CHECK_THAT(output, StartsWith(missing + ": error: cannot open this file (no such file); expected a scenario file"));
  CHECK_THROWS_AS(load_scenario_file(missing), ScenarioError);

  const auto [folder_status, folder_output] = lbsim_check(kData + "/malformed", {});
  CHECK(folder_status == 1);
  CHECK_THAT(folder_output, StartsWith(kData + "/malformed: error: this is a folder; expected a scenario file"));
}
