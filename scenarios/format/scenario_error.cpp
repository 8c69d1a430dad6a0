#include "scenarios/format/scenario_error.hpp"

namespace lbsim::scenarios {

std::string SourceLocation::to_string() const
{
  if (!origin.empty()) return origin;
  if (line <= 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

ScenarioError::ScenarioError(SourceLocation where, const std::string& message)
    : std::runtime_error(where.to_string() + ": error: " + message), where_(std::move(where)), message_(message)
{
}

}  // namespace lbsim::scenarios
