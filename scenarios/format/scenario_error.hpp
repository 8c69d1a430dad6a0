// ScenarioError: a problem with a scenario, said where it is (file:line:column) and what was
// expected, so a user can fix it without reading lbsim's source.
#pragma once

#include <stdexcept>
#include <string>

namespace lbsim::scenarios {

struct SourceLocation {
  std::string file;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based; 0 when unknown
  std::string origin;  // set when the text came from --set rather than the file

  std::string to_string() const;
};

class ScenarioError : public std::runtime_error {
public:
  ScenarioError(SourceLocation where, const std::string& message);
  const SourceLocation& where() const { return where_; }
  const std::string& message() const { return message_; }

private:
  SourceLocation where_;
  std::string message_;
};

}  // namespace lbsim::scenarios
