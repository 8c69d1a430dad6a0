// Arrival processes through the loader and a whole run: a replayed trace sends exactly its
// requests (times, clients, types), and bursty and diurnal scenarios run with their long-run rate.
#include "scenarios/format/loader.hpp"
#include "scenarios/runner.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <string>

using namespace lbsim;
using namespace lbsim::scenarios;

namespace {

const std::string kData = std::string(LBSIM_SOURCE_DIR) + "/tests/data/scenarios/";

std::string trace_output(const std::string& file)
{
  const std::string command = std::string(LBSIM_BINARY) + " trace " + file + " --requests 10";
  std::FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe);
  std::string out;
  char buffer[4096];
  while (const size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  CHECK(pclose(pipe) == 0);
  return out;
}

}  // namespace

TEST_CASE("a trace replays its requests: times, clients and types, and the run ends with it", "[arrivals][trace]")
{
  const models::SystemConfig config = load_scenario_file(kData + "replay.yaml");
  REQUIRE(config.clients.at(0).arrivals.script.size() == 4);
  CHECK(config.clients[0].addresses.size() == 3);  // the trace's distinct clients
  CHECK_FALSE(config.duration);

  // Round robin over s-1, s-2; the third line (blank method and path) draws its type from the mix.
  const std::string out = trace_output(kData + "replay.yaml");
  CHECK(out.find("0,10.0.0.1,GET,/a,s-1,dispatched,lb,1,\n") != std::string::npos);
  CHECK(out.find("0.5,10.0.0.2,POST,/b,s-2,dispatched,lb,2,\n") != std::string::npos);
  CHECK(out.find("1.25,10.0.0.1,") != std::string::npos);
  CHECK(out.find("2,10.0.0.3,GET,/a,s-2,dispatched,lb,4,\n") != std::string::npos);

  const models::RunSummary s = run_scenario(config, "");
  CHECK(s.arrived == 4);
  CHECK(s.completed == 4);
  CHECK(s.latency_max_s == Approx(0.030));  // nobody waits: the POST's 30 ms work
  CHECK(s.simulated_s == Approx(2.010));   // ends when the last request (sent at 2 s, 10 ms) is answered
}

TEST_CASE("bursty and diurnal scenarios run at their long-run rates", "[arrivals]")
{
  const std::string base = R"(name: varying
seed: 5
duration: 2 h
clients:
  - name: users
    arrivals: ARRIVALS
    mix: [{work: {distribution: exponential, mean: 2 ms}}]
servers: [{name: web}]
)";
  const auto with = [&](const std::string& arrivals) {
    std::string text = base;
    text.replace(text.find("ARRIVALS"), 8, arrivals);
    return run_scenario(load_scenario_text(text, "varying.yaml", "."), "");
  };
  // 2 h of on/off traffic, mean (40 x 5 + 4 x 15) / 20 = 13/s. With IDC about 1 + 2 (1/5)(1/15)
  // 36^2 / ((4/15)^3 x 13) = 2,101, the rate's sd over 7,200 s is sqrt(2101 x 13 / 7200) = 1.9/s:
  // the check allows 3 sd.
  const models::RunSummary bursty = with("{process: bursty, rate_on: 40/s, rate_off: 4/s, mean_on: 5 s, mean_off: 15 s}");
  CHECK(bursty.throughput_rps == Approx(13).margin(5.8));
  // Two whole periods of a diurnal rate with mean 20/s: the mean rate is 20/s up to Poisson noise
  // (sd sqrt(20 / 7200) = 0.053/s; 0.25 is about 5 sd).
  const models::RunSummary diurnal = with("{process: diurnal, mean_rate: 20/s, peak_rate: 38/s, period: 1 h}");
  CHECK(diurnal.throughput_rps == Approx(20).margin(0.25));
}
