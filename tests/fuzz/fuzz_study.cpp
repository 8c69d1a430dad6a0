// libFuzzer harness: study and plan files (the input is tried as both), with --set overrides.
// Their `scenario:` resolves against examples/studies, so the seeds' real scenarios load.
#include "scenarios/planning/plan_spec.hpp"
#include "scenarios/studies/study_spec.hpp"
#include "tests/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size)
{
  const lbsim::fuzz::FuzzInput in = lbsim::fuzz::split_input(data, size);
  try {
    (void)lbsim::scenarios::load_study_text(in.text, "fuzz-study.yaml", LBSIM_SOURCE_DIR "/examples/studies",
                                            in.overrides);
  } catch (const lbsim::scenarios::ScenarioError&) {
  }
  try {
    (void)lbsim::scenarios::load_plan_text(in.text, "fuzz-plan.yaml", LBSIM_SOURCE_DIR "/examples/plans", in.overrides);
  } catch (const lbsim::scenarios::ScenarioError&) {
  }
  return 0;
}
