// The error a scenario text gets from the loader, as "LINE:COLUMN: message" ("no error" when it
// loads), for the tests of what the loader refuses.
#pragma once

#include "scenarios/format/loader.hpp"

#include <string>

namespace lbsim::test {

inline std::string load_error(const std::string& text)
{
  try {
    scenarios::load_scenario_text(text, "scenario.yaml", ".");
  } catch (const scenarios::ScenarioError& e) {
    return std::to_string(e.where().line) + ":" + std::to_string(e.where().column) + ": " + e.message();
  }
  return "no error";
}

}  // namespace lbsim::test
