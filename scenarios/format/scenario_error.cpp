#include "scenarios/format/scenario_error.hpp"

#include <cstdio>

namespace lbsim::scenarios {

namespace {
// A message quotes what the user wrote; control characters in it (a YAML "\e" escape, a byte of
// a binary file) are shown as \xNN so that an error never drives the terminal.
std::string printable(const std::string& text)
{
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\n' && c != '\t') || byte == 0x7f) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\x%02x", byte);
      out += buffer;
    } else {
      out += c;
    }
  }
  return out;
}
}  // namespace

std::string SourceLocation::to_string() const
{
  if (!origin.empty()) return origin;
  if (line <= 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

ScenarioError::ScenarioError(SourceLocation where, const std::string& message)
    : std::runtime_error(printable(where.to_string() + ": error: " + message)), where_(std::move(where)),
      message_(printable(message))
{
}

}  // namespace lbsim::scenarios
