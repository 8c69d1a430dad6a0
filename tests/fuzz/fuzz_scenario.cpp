// libFuzzer harness: the scenario loader with --set overrides (fuzz_input.hpp). A ScenarioError is
// the loader doing its job; anything else escaping (another exception, a crash, a sanitizer
// report, a hang) is a finding.
#include "scenarios/format/loader.hpp"
#include "tests/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size)
{
  const lbsim::fuzz::FuzzInput in = lbsim::fuzz::split_input(data, size);
  try {
    // Relative files (traces, empirical data) resolve against the examples, as a user's would.
    (void)lbsim::scenarios::load_scenario_text(in.text, "fuzz.yaml", LBSIM_SOURCE_DIR "/examples", in.overrides);
  } catch (const lbsim::scenarios::ScenarioError&) {
  }
  return 0;
}
