// The teaching scenarios of examples/teaching/ reproduce the textbook examples of each balancing
// algorithm through `lbsim trace`, exactly as their descriptions say.
#include <catch2/catch.hpp>

#include <cstdio>
#include <string>
#include <vector>

namespace {

// Runs `lbsim trace` and returns the "client->server" of each row.
std::vector<std::string> trace(const std::string& scenario, int requests, const std::string& extra = "")
{
  const std::string command = std::string(LBSIM_BINARY) + " trace " + LBSIM_SOURCE_DIR + "/examples/teaching/" +
                              scenario + " -n " + std::to_string(requests) + " " + extra + " 2>&1";
  std::FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::vector<std::string> rows;
  char line[512];
  bool header = true;
  while (std::fgets(line, sizeof line, pipe)) {
    if (header) {
      header = false;
      continue;
    }
    std::vector<std::string> fields;
    std::string field;
    for (const char* c = line; *c && *c != '\n'; ++c) {
      if (*c == ',') {
        fields.push_back(field);
        field.clear();
      } else {
        field += *c;
      }
    }
    fields.push_back(field);
    REQUIRE(fields.size() >= 5);
    rows.push_back(fields[1] + "->" + fields[4]);
  }
  REQUIRE(pclose(pipe) == 0);
  return rows;
}

std::vector<std::string> servers_of(const std::vector<std::string>& rows)
{
  std::vector<std::string> out;
  for (const auto& row : rows) out.push_back(row.substr(row.find("->") + 2));
  return out;
}

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("teaching: round robin takes servers in turn", "[teaching]")
{
  CHECK(servers_of(trace("round-robin.yaml", 6)) == V{"A", "B", "C", "A", "B", "C"});
}

TEST_CASE("teaching: weights 2:1 give A A B (HAProxy static-rr) and A B A (nginx smooth)", "[teaching]")
{
  CHECK(servers_of(trace("weighted-round-robin.yaml", 6)) == V{"A", "A", "B", "A", "A", "B"});
  CHECK(servers_of(trace("weighted-round-robin.yaml", 6, "--set balancer.variant=smooth")) ==
        V{"A", "B", "A", "A", "B", "A"});
}

TEST_CASE("teaching: least connections sends new work where the fewest are in progress", "[teaching]")
{
  CHECK(servers_of(trace("least-connections.yaml", 7)) == V{"A", "B", "C", "C", "C", "B", "A"});
  // Round robin on the same traffic puts the 2 s request behind A's 30 s report.
  CHECK(servers_of(trace("least-connections.yaml", 4, "--set balancer.algorithm=round_robin"))[3] == "A");
}

TEST_CASE("teaching: weighted least connections picks the idle server, as HAProxy's example", "[teaching]")
{
  CHECK(servers_of(trace("weighted-least-connections.yaml", 7)) == V{"A", "B", "C", "A", "A", "C", "B"});
}

TEST_CASE("teaching: ip_hash keys on the /24 exactly as nginx", "[teaching]")
{
  CHECK(trace("ip-hash.yaml", 5) ==
        V{"192.168.1.10->B", "192.168.1.99->B", "10.1.3.7->C", "10.1.4.7->A", "192.168.1.10->B"});
}

TEST_CASE("teaching: sticky round robin keeps a returning client on its server", "[teaching]")
{
  CHECK(trace("sticky-round-robin.yaml", 4) ==
        V{"192.168.1.2->A", "192.168.1.3->B", "192.168.1.2->A", "192.168.1.4->C"});
}

TEST_CASE("a trace asking for more requests than a script sends ends with the script", "[teaching]")
{
  CHECK(trace("ip-hash.yaml", 50).size() == 5);
}
