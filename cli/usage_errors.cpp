#include "cli/usage_errors.hpp"

#include "cli/terminal_text.hpp"
#include "scenarios/format/suggest.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>

namespace lbsim::cli {

namespace {

// A scenario's top-level keys that a newcomer reaches for as options (`lbsim run f.yaml --seed 3`).
const std::vector<std::string> kScenarioKeys{"seed", "duration", "warmup", "stop", "name", "description",
                                             "clients", "servers", "balancer", "services", "network",
                                             "metrics", "timeline", "autoscaling", "gateway"};

std::vector<std::string> command_names(const CLI::App& app)
{
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) names.push_back(sub->get_name());
  return names;
}

const CLI::App* command_named(const CLI::App& app, const std::string& name)
{
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    if (sub->get_name() == name) return sub;
  return nullptr;
}

// "--out" and "-n" forms of the options a command (and lbsim itself) takes.
std::vector<std::string> option_names(const CLI::App& app, const CLI::App* command)
{
  std::vector<std::string> names;
  for (const CLI::App* a : {&app, command}) {
    if (!a) continue;
    for (const CLI::Option* option : a->get_options()) {
      for (const std::string& l : option->get_lnames()) names.push_back("--" + l);
      for (const std::string& s : option->get_snames()) names.push_back("-" + s);
    }
  }
  return names;
}

}  // namespace

std::string exit_status_help()
{
  return "Exit status:\n"
         "  0  success\n"
         "  1  the file is wrong (the message names file, line and column), a run failed or gave up, or a\n"
         "     result file could not be written\n"
         "  2  a usage error: an unknown command or option, a missing or malformed argument\n"
         "  3  lbsim plan: nothing in the search space meets the SLO\n"
         "Docs: README.md and docs/ (docs/scenario-format.md: every key; docs/results.md: every output)\n";
}

std::vector<std::string> usage_hints(const CLI::App& app, const std::vector<std::string>& args)
{
  std::vector<std::string> hints;
  const std::vector<std::string> commands = command_names(app);
  // The command: the first argument that is not an option.
  const CLI::App* command = nullptr;
  size_t first = 0;
  while (first < args.size() && !args[first].empty() && args[first][0] == '-') ++first;
  if (first < args.size()) {
    command = command_named(app, args[first]);
    if (!command) {
      std::string hint = "lbsim: \"" + args[first] + "\" is not a command" + scenarios::did_you_mean(args[first], commands);
      if (hint.back() != '?') hint += " (the commands: lbsim --help)";
      hints.push_back(hint);
      return hints;
    }
  }
  const std::vector<std::string> options = option_names(app, command);
  for (size_t i = first + 1; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.size() < 3 || arg.compare(0, 2, "--") != 0) continue;
    const size_t equals = arg.find('=');
    const std::string option = arg.substr(0, equals);
    if (std::find(options.begin(), options.end(), option) != options.end()) continue;
    const std::string key = option.substr(2);
    std::string value = equals != std::string::npos ? arg.substr(equals + 1) : std::string();
    if (equals == std::string::npos && i + 1 < args.size() && !args[i + 1].empty() && args[i + 1][0] != '-') value = args[i + 1];
    const bool takes_set = std::find(options.begin(), options.end(), "--set") != options.end();
    if (takes_set && std::find(kScenarioKeys.begin(), kScenarioKeys.end(), key) != kScenarioKeys.end()) {
      hints.push_back("lbsim: " + option + " is not an option; a scenario's values change with --set: --set " + key + "=" +
                      (value.empty() ? "VALUE" : value));
      continue;
    }
    const std::string close = scenarios::did_you_mean(option, options);
    if (!close.empty()) hints.push_back("lbsim: unknown option " + option + close);
    else if (takes_set)
      hints.push_back("lbsim: unknown option " + option + "; to change a scenario value use --set KEY=VALUE");
  }
  return hints;
}

int report_parse_error(const CLI::App& app, const CLI::ParseError& error, const std::vector<std::string>& args)
{
  const std::vector<std::string> hints = usage_hints(app, args);
  const bool replaces_message = !hints.empty() && hints.front().find("is not a command") != std::string::npos;
  if (!replaces_message) print_error(std::string("lbsim: ") + error.what());
  for (const std::string& hint : hints) print_error(hint);
  std::fputs("Run with --help for more information.\n", stderr);
  return kUsageError;
}

}  // namespace lbsim::cli
