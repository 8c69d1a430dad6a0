// libFuzzer harness: the trace CSV reader. The input is written to a file that a fixed scenario's
// trace arrivals name (the reader streams files, so it is fuzzed through one).
#include "scenarios/format/loader.hpp"

#include <cstdio>
#include <fstream>
#include <string>
#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size)
{
  static const std::string path = "/tmp/lbsim-fuzz-trace-" + std::to_string(::getpid()) + ".csv";
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  const std::string scenario = "name: t\nclients: [{arrivals: {process: trace, file: " + path +
                               "}, mix: [{method: GET, path: /, work: 5 ms}, {method: POST, path: /a, work: 1 ms}]}]\n"
                               "servers: [{name: web}]\n";
  try {
    (void)lbsim::scenarios::load_scenario_text(scenario, "fuzz.yaml", ".");
  } catch (const lbsim::scenarios::ScenarioError&) {
  }
  return 0;
}
