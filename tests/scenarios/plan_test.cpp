// lbsim plan: the search finds the Erlang-C answer on an M/M/c queue, verifies the boundary,
// says clearly when nothing meets the SLO, ranks by cost, and reports plan file errors with
// line and column.
#include "models/analytic/erlang.hpp"
#include "scenarios/planning/plan_spec.hpp"
#include "scenarios/planning/planner.hpp"

#include "tests/support/run_command.hpp"

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace fs = std::filesystem;
using namespace lbsim;
using namespace lbsim::scenarios;
using Catch::Contains;

namespace {

// M/M/c: one server of c cores (one FIFO queue), Poisson arrivals at 400/s, exponential work of
// mean 10 ms (mu = 100/s), so a = 4 Erlangs. 60 s measured after a 5 s warm-up: 24,000 requests.
const char* kScenario = R"(name: mmc
seed: 11
warmup: 5 s
duration: 65 s
clients:
  - name: load
    arrivals: { process: poisson, rate: 400/s }
    mix:
      - { method: GET, path: /, work: { distribution: exponential, mean: 10 ms } }
servers:
  - { name: s, cores: 1, price: 0.05/h }
)";

constexpr double kLambda = 400, kMu = 100;

void write(const fs::path& path, const std::string& text)
{
  std::ofstream out(path, std::ios::binary);
  out << text;
}

fs::path plan_dir(const std::string& name, const std::string& plan)
{
  const fs::path dir = fs::temp_directory_path() / ("lbsim-plan-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  write(dir / "mmc.yaml", kScenario);
  write(dir / "plan.yaml", plan);
  return dir;
}

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

std::string plan_text(const std::string& p99, const std::string& extra = "")
{
  return "plan: mmc-cores\nscenario: mmc.yaml\nslo: { p99: " + p99 +
         ", error_rate: 0.1% }\nsearch:\n  servers[s].cores: { min: 1, max: 16 }\n" + extra +
         "replications: 5\nconfidence: 0.95\n";
}

// The smallest c whose M/M/c p99 response time is below `slo_s`, by the Erlang C formulas.
int erlang_c_answer(double slo_s)
{
  for (int c = 1; c <= 64; ++c) {
    if (kLambda >= c * kMu) continue;  // no steady state
    if (models::analytic::mmc_response_percentile(models::analytic::mmc(c, kLambda, kMu), 0.99) < slo_s) return c;
  }
  return -1;
}

std::pair<int, std::string> run_lbsim(const std::string& args)
{
  const std::string command = std::string(LBSIM_BINARY) + " " + args + " 2>&1";
  return test::run_command(command);
}

}  // namespace

TEST_CASE("the plan finds the smallest M/M/c that meets a p99 SLO, as Erlang C says", "[plan]")
{
  // p99 at c = 5: 60.8 ms, c = 6: 48.5 ms (the service time's own p99 is 46.1 ms): 55 ms needs 6.
  const double slo = 0.055;
  const int expected = erlang_c_answer(slo);
  REQUIRE(expected == 6);
  CHECK(models::analytic::mmc_response_percentile(models::analytic::mmc(expected - 1, kLambda, kMu), 0.99) > slo);

  const fs::path dir = plan_dir("mmc", plan_text("55 ms"));
  const Cleanup cleanup{dir};
  const PlanSpec spec = load_plan_file((dir / "plan.yaml").string());
  REQUIRE(spec.count);
  CHECK(spec.count->key == "servers[s].cores");
  CHECK(spec.count_values.size() == 16);
  PlanOptions options;
  options.jobs = 2;
  const PlanResult result = run_plan(spec, options);

  REQUIRE_FALSE(result.ranking.empty());
  const PlanCandidate& best = result.candidates.at(result.ranking.front());
  CHECK(best.count == expected);
  CHECK(best.meets);
  CHECK(best.upper.at(0) < slo);
  CHECK(best.upper.at(0) >= best.slo.at(0).mean);
  CHECK(best.cost_per_hour == Approx(0.05));  // one server at 0.05/h (cores do not change its price)
  REQUIRE(result.combinations.size() == 1);
  CHECK(result.combinations[0].verified_below);  // c - 1 was run and fails
  CHECK_FALSE(result.combinations[0].not_monotone);
  bool below_failed = false;
  for (const PlanCandidate& c : result.candidates)
    if (c.count == expected - 1) below_failed = !c.meets && c.upper.at(0) >= slo;
  CHECK(below_failed);
  // Bisection over 16 values: the maximum, then about log2(16) = 4 more (the boundary among them).
  CHECK(result.candidates.size() <= 6);
  CHECK(result.runs == result.candidates.size() * 5);

  // plan.csv through the command: one row per candidate, the chosen one ranked 1.
  const auto [status, output] = run_lbsim("plan " + (dir / "plan.yaml").string() + " --jobs 2 --out " + (dir / "out").string());
  CHECK(status == 0);
  CHECK_THAT(output, Contains("cheapest: servers[s].cores=6"));
  CHECK_THAT(output, Contains("smallest servers[s].cores = 6 (one fewer fails)"));
  std::ifstream csv(dir / "out" / "plan.csv");
  std::string header, line;
  std::getline(csv, header);
  CHECK(header ==
        "candidate,combination,servers[s].cores,runs,failed,p99_mean,p99_upper,p99_limit,error_rate_mean,"
        "error_rate_upper,error_rate_limit,cost_per_hour,cost_total,meets,rank,error");
  std::size_t rows = 0;
  bool ranked_first = false;
  while (std::getline(csv, line)) {
    ++rows;
    if (line.rfind(std::to_string(best.index) + ",0,6,5,0,", 0) == 0) ranked_first = line.find(",true,1,") != std::string::npos;
  }
  CHECK(rows == result.candidates.size());
  CHECK(ranked_first);
}

TEST_CASE("a plan whose SLO no configuration meets says so clearly", "[plan]")
{
  // 40 ms is below the p99 of the work itself (46 ms): no number of cores helps.
  const fs::path dir = plan_dir("strict", plan_text("40 ms"));
  const Cleanup cleanup{dir};
  const PlanSpec spec = load_plan_file((dir / "plan.yaml").string());
  PlanOptions options;
  options.jobs = 2;
  const PlanResult result = run_plan(spec, options);
  CHECK(result.ranking.empty());
  CHECK(result.candidates.size() == 1);  // the largest count fails: nothing smaller is tried
  CHECK_FALSE(result.combinations.at(0).best);

  const auto [status, output] = run_lbsim("plan " + (dir / "plan.yaml").string() + " --jobs 2");
  CHECK(status == 3);
  CHECK_THAT(output, Contains("no configuration in the search space meets the SLO (p99 < 40 ms and error_rate < 0.1%)"));
  CHECK_THAT(output, Contains("the closest candidates"));
}

TEST_CASE("the plan ranks configurations by cost and lists the runner-ups", "[plan]")
{
  // Two sizes: a fast expensive server and a slow cheap one; counts of a pool behind least_connections.
  const std::string scenario = R"(name: pool
seed: 3
warmup: 2 s
duration: 22 s
sizes:
  small: { cores: 1, speed: 1.0, price: 0.10/h }
  large: { cores: 1, speed: 2.0, price: 0.25/h }
clients:
  - name: load
    arrivals: { process: poisson, rate: 300/s }
    mix:
      - { method: GET, path: /, work: { distribution: exponential, mean: 10 ms } }
balancer: { algorithm: least_connections }
servers:
  - { name: web, count: 2, size: small }
)";
  const fs::path dir = plan_dir("sizes", R"(plan: sizes
scenario: pool.yaml
slo: { p99: 80 ms }
search:
  servers[web].count: { min: 1, max: 10 }
  servers[web].size: [small, large]
replications: 3
)");
  const Cleanup cleanup{dir};
  write(dir / "pool.yaml", scenario);
  const PlanSpec spec = load_plan_file((dir / "plan.yaml").string());
  PlanOptions options;
  options.jobs = 2;
  const PlanResult result = run_plan(spec, options);
  REQUIRE(result.ranking.size() >= 2);
  for (std::size_t i = 1; i < result.ranking.size(); ++i)
    CHECK(result.candidates[result.ranking[i - 1]].cost_per_hour <= result.candidates[result.ranking[i]].cost_per_hour);
  for (const PlanCombination& combo : result.combinations) {
    REQUIRE(combo.best);
    const PlanCandidate& best = result.candidates.at(*combo.best);
    const double price = combo.values.at(0) == "small" ? 0.10 : 0.25;
    CHECK(best.cost_per_hour == Approx(price * static_cast<double>(*best.count)));
  }
}

TEST_CASE("plan file errors name the file, line and column", "[plan][errors]")
{
  struct Case {
    std::string plan;
    std::string where;
    std::string says;
  };
  const std::vector<Case> cases = {
      {"plan: x\nscenario: mmc.yaml\nslo: { p98: 200 ms }\nsearch:\n  servers[s].cores: [1, 2]\n", ":3:8:",
       "unknown slo objective \"p98\""},
      {"plan: x\nscenario: mmc.yaml\nslo: { p99: fast }\nsearch:\n  servers[s].cores: [1, 2]\n", ":3:13:", "slo.p99"},
      {"plan: x\nscenario: mmc.yaml\nslo: { p99: 200 ms }\nsearch:\n  servers[web].count: { min: 1, max: 3 }\n", ":5:3:",
       "servers has no item named \"web\""},
      {"plan: x\nscenario: mmc.yaml\nslo: { p99: 200 ms }\nsearch:\n  servers[s].cores: { min: 4, max: 2 }\n", ":5:36:",
       "max must be at least min"},
      {"plan: x\nscenario: mmc.yaml\nslo: { p99: 200 ms }\nsearch:\n  balancer.algorithm: [round_robin, fastest]\n",
       ":5:37:", "fastest"},
      {"plan: x\nscenario: mmc.yaml\nslo: { p99: 200 ms }\nserch: {}\n", ":4:1:", "did you mean"},
      {"plan: x\nscenario: mmc.yaml\nslo: { p99: 200 ms }\nsearch:\n  servers[s].cores: [1, 2]\nreplications: 1\n",
       ":6:15:", "replications must be at least 2"},
  };
  const fs::path dir = plan_dir("errors", "");
  const Cleanup cleanup{dir};
  for (const Case& c : cases) {
    CAPTURE(c.plan);
    write(dir / "plan.yaml", c.plan);
    try {
      (void)load_plan_file((dir / "plan.yaml").string());
      FAIL("no error");
    } catch (const ScenarioError& e) {
      CHECK_THAT(std::string(e.what()), Contains((dir / "plan.yaml").string() + c.where));
      CHECK_THAT(std::string(e.what()), Contains(c.says));
    }
  }
}
