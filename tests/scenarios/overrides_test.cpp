// --set KEY=VALUE: dotted key paths with list indices and names, checked exactly like the file.
#include "scenarios/format/loader.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace lbsim;
using namespace lbsim::scenarios;
using Catch::Contains;
using Catch::StartsWith;

namespace {

const std::string kSmall = std::string(LBSIM_SOURCE_DIR) + "/tests/data/scenarios/small.yaml";

// tests/data/scenarios/small.yaml: clients[0] "users" (poisson 100/s), balancer round_robin,
// servers[0] "web" (count 3), servers[1] "db" (cores 2).
models::SystemConfig with(const std::vector<std::string>& overrides)
{
  try {
    return load_scenario_file(kSmall, overrides);
  } catch (const ScenarioError& e) {
    FAIL("unexpected ScenarioError: " << e.what());
    throw;
  }
}

// The error an override gives; it names the file and the --set, not a file position.
ScenarioError error_of(const std::string& override_text)
{
  try {
    load_scenario_file(kSmall, {override_text});
  } catch (const ScenarioError& e) {
    INFO(e.what());
    CHECK_THAT(std::string(e.what()), StartsWith(kSmall + ": --set " + override_text + ": error: "));
    CHECK(e.where().origin == kSmall + ": --set " + override_text);
    CHECK(e.where().line == 0);
    return e;
  }
  FAIL("--set " << override_text << " was accepted");
  throw std::logic_error("unreachable");
}

std::string message_of(const std::string& override_text) { return error_of(override_text).message(); }

}  // namespace

TEST_CASE("without overrides the small scenario is as written", "[overrides]")
{
  const models::SystemConfig c = with({});
  CHECK(c.seed == 1);
  CHECK(c.clients[0].arrivals.rate_per_s == 100.0);
  CHECK(c.services.front().balancer->algorithm == "round_robin");
  REQUIRE(c.services.front().servers.size() == 4);
  CHECK(c.services.front().servers[3].name == "db");
}

TEST_CASE("override (--set) on top-level and nested scalars", "[overrides]")
{
  const models::SystemConfig c =
      with({"seed=99", "duration=2 min", "balancer.algorithm=least_connections", "name=renamed"});
  CHECK(c.seed == 99);
  CHECK(c.duration == std::optional<engine::SimTime>(engine::minutes(2)));
  CHECK(c.services.front().balancer->algorithm == "least_connections");
  CHECK(c.name == "renamed");
}

TEST_CASE("override (--set) on a list item by index", "[overrides]")
{
  const models::SystemConfig c = with({"clients[0].arrivals.rate=200/s", "servers[1].cores=8"});
  CHECK(c.clients[0].arrivals.rate_per_s == 200.0);
  CHECK(c.services.front().servers[3].name == "db");
  CHECK(c.services.front().servers[3].cores == 8);
}

TEST_CASE("override (--set) on a list item by name", "[overrides]")
{
  const models::SystemConfig c =
      with({"servers[web].count=5", "servers[db].speed=2", "clients[users].arrivals.rate=50/s"});
  REQUIRE(c.services.front().servers.size() == 6);
  CHECK(c.services.front().servers[4].name == "web-5");
  CHECK(c.services.front().servers[5].speed == 2.0);
  CHECK(c.clients[0].arrivals.rate_per_s == 50.0);
}

TEST_CASE("override (--set) adds keys the file does not have, with the mappings on the way", "[overrides]")
{
  const models::SystemConfig c = with({"servers[web].cores=4", "warmup=30 s", "metrics.interval=250 ms",
                                       "metrics.slo.p99=100 ms", "servers[db].queue_limit=10"});
  CHECK(c.services.front().servers[0].cores == 4);
  CHECK(c.services.front().servers[2].cores == 4);
  CHECK(c.warmup == engine::seconds(30));
  CHECK(c.metrics.interval == engine::milliseconds(250));
  CHECK(c.metrics.slo_p99 == std::optional<engine::SimTime>(engine::milliseconds(100)));
  CHECK(c.services.front().servers[3].queue_limit == std::optional<uint64_t>(10));
}

TEST_CASE("override (--set) with YAML values: lists, mappings, a whole list item", "[overrides]")
{
  const models::SystemConfig c =
      with({"metrics.percentiles=[50, 99]", "balancer={algorithm: least_connections, name: front}",
            "servers[db]={name: cache, cores: 3}"});
  CHECK(c.metrics.percentiles == std::vector<double>{50, 99});
  CHECK(c.services.front().balancer->algorithm == "least_connections");
  CHECK(c.services.front().balancer->name == "front");
  CHECK(c.services.front().servers[3].name == "cache");
  CHECK(c.services.front().servers[3].cores == 3);
}

TEST_CASE("overrides apply in order: a later one sees an earlier one", "[overrides]")
{
  const models::SystemConfig c = with({"servers[db].name=cache", "servers[cache].cores=6", "seed=5", "seed=6"});
  CHECK(c.services.front().servers[3].name == "cache");
  CHECK(c.services.front().servers[3].cores == 6);
  CHECK(c.seed == 6);
}

TEST_CASE("bad --set paths say what is wrong with the path", "[overrides][errors]")
{
  CHECK_THAT(message_of("seed"), Contains("expected KEY=VALUE"));
  CHECK_THAT(message_of("=5"), Contains("expected KEY=VALUE"));
  CHECK_THAT(message_of("servers[9].cores=2"),
             Contains("servers[9] is past the end of servers, which has 2 items (0 to 1)"));
  CHECK_THAT(message_of("servers[99999999999999999999999].cores=2"), Contains("is past the end of servers"));
  CHECK_THAT(message_of("servers[wbe].cores=2"), Contains("servers has no item named \"wbe\"; did you mean \"web\"?"));
  CHECK_THAT(message_of("servers[api].cores=2"),
             Contains("servers has no item named \"api\"; expected one of: web, db"));
  CHECK_THAT(message_of("servers.cores=2"),
             Contains("servers is a list; pick an item with servers[0] or servers[NAME]"));
  CHECK_THAT(message_of("balancer[0]=x"), Contains("[0] picks an item of a list, but balancer is a mapping"));
  CHECK_THAT(message_of("name.first=x"), Contains("name is the single value \"small\", which has no key \"first\""));
  CHECK_THAT(message_of("servers[web]cores=2"), Contains("unexpected 'c' at character 13 of the key path"));
  CHECK_THAT(message_of("servers[web.cores=2"), Contains("has a '[' without its ']'"));
  CHECK_THAT(message_of("servers[].cores=2"), Contains("has an empty []"));
  CHECK_THAT(message_of("balancer..algorithm=x"), Contains("has an empty part at character 10"));
  CHECK_THAT(message_of("balancer.=x"), Contains("has an empty part"));
  CHECK_THAT(message_of("seed=[1"), Contains("the value is not valid YAML"));
  CHECK_THAT(message_of("nothing[0].x=1"), Contains("the scenario has no \"nothing\" to pick [0] from"));
}

TEST_CASE("a --set that makes the scenario wrong is reported like the file, naming the --set", "[overrides][errors]")
{
  CHECK_THAT(message_of("clients[0].arrivals.rate=200 ms"),
             Contains("clients[0].arrivals.rate: \"ms\" is a time unit, but a rate is expected here"));
  CHECK_THAT(message_of("balancer.algoritm=least_connections"),
             Contains("unknown key \"algoritm\" in balancer; did you mean \"algorithm\"?"));
  CHECK_THAT(message_of("balancer={algoritm: least_connections}"),
             Contains("unknown key \"algoritm\" in balancer; did you mean \"algorithm\"?"));
  CHECK_THAT(message_of("balancr.algorithm=least_connections"),
             Contains("unknown key \"balancr\" in the scenario; did you mean \"balancer\"?"));
  CHECK_THAT(message_of("balancer.algorithm=round_robbin"), Contains("did you mean \"round_robin\"?"));
  CHECK_THAT(message_of("servers[web].count=0"), Contains("servers[0].count must be at least 1, got 0"));
  CHECK_THAT(message_of("duration=10"), Contains("duration: a unit is required"));
  CHECK_THAT(message_of("servers[0]=web"), Contains("servers[0] must be a mapping"));
  CHECK_THAT(message_of("metrics.interval=0 s"), Contains("metrics.interval must be greater than zero"));
}

TEST_CASE("override (--set) through the text loader labels messages with the given file name", "[overrides][errors]")
{
  const std::string text = "name: t\nduration: 1 s\nclients:\n  - arrivals: { process: poisson, rate: 1/s }\n"
                           "    mix: [{ work: 1 ms }]\nservers: [{ name: s }]\n";
  CHECK(load_scenario_text(text, "inline.yaml", ".", {"servers[s].cores=3"}).services.front().servers[0].cores == 3);
  try {
    load_scenario_text(text, "inline.yaml", ".", {"servers[s].cores=-3"});
    FAIL("accepted a negative core count");
  } catch (const ScenarioError& e) {
    CHECK(std::string(e.what()) ==
          "inline.yaml: --set servers[s].cores=-3: error: servers[0].cores must be at least 1, got -3");
  }
}
