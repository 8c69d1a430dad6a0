// Command-line mistakes: CLI11's message, a hint for the usual slips, and exit status 2 (the code
// lbsim documents for a usage error; CLI11's own codes, 106 or 109, would say nothing to a script).
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
class ParseError;
}  // namespace CLI

namespace lbsim::cli {

constexpr int kUsageError = 2;

// The exit-status table that `lbsim --help` ends with.
std::string exit_status_help();

// Hints for the arguments: a misspelt command ("did you mean run?"), a scenario key given as an
// option (`--seed 3`: "use --set seed=3"), a misspelt option. Empty when none applies.
std::vector<std::string> usage_hints(const CLI::App& app, const std::vector<std::string>& args);

// Prints a failed parse's error and its hints on standard error; returns kUsageError.
int report_parse_error(const CLI::App& app, const CLI::ParseError& error, const std::vector<std::string>& args);

}  // namespace lbsim::cli
