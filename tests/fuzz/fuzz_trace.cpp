// libFuzzer harness: the trace CSV reader. The input is written to a file that a fixed scenario's
// trace arrivals name (the reader streams files, so it is fuzzed through one).
#include "scenarios/format/loader.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size)
{
  // In memory (tmpfs) when the machine has it: rewriting a file on disk each execution cost half
  // the harness's time in open(O_TRUNC), which makes ext4 flush the file's blocks.
  static const std::string path = std::string(std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : "/tmp") +
                                  "/lbsim-fuzz-trace-" + std::to_string(::getpid()) + ".csv";
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  static const std::string scenario = "name: t\nclients: [{arrivals: {process: trace, file: " + path +
                               "}, mix: [{method: GET, path: /, work: 5 ms}, {method: POST, path: /a, work: 1 ms}]}]\n"
                               "servers: [{name: web}]\n";
  try {
    (void)lbsim::scenarios::load_scenario_text(scenario, "fuzz.yaml", ".");
  } catch (const lbsim::scenarios::ScenarioError&) {
  }
  std::remove(path.c_str());  // nothing left behind in memory when the fuzzer stops
  return 0;
}
