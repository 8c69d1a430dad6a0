#include "scenarios/overrides.hpp"

#include <cctype>

namespace lbsim::scenarios {

namespace {

struct PathStep {
  std::string key;    // map key, or "" for a pure index step
  std::string index;  // list index ("0") or list item name ("web"), or ""
};

[[noreturn]] void bad_override(const std::string& file, const std::string& text, const std::string& why)
{
  SourceLocation loc;
  loc.origin = file + ": --set " + text;
  throw ScenarioError(loc, why);
}

std::vector<PathStep> parse_path(const std::string& path, const std::string& file, const std::string& text)
{
  std::vector<PathStep> steps;
  size_t i = 0;
  while (i < path.size()) {
    PathStep step;
    while (i < path.size() && path[i] != '.' && path[i] != '[') step.key += path[i++];
    if (step.key.empty() && (i >= path.size() || path[i] != '['))
      bad_override(file, text, "the key path has an empty part; expected e.g. balancer.algorithm or clients[0].arrivals.rate");
    steps.push_back(step);
    while (i < path.size() && path[i] == '[') {
      const size_t close = path.find(']', i);
      if (close == std::string::npos) bad_override(file, text, "missing ']' in the key path");
      PathStep index_step;
      index_step.index = path.substr(i + 1, close - i - 1);
      if (index_step.index.empty()) bad_override(file, text, "empty [] in the key path; expected an index or a name");
      steps.push_back(index_step);
      i = close + 1;
    }
    if (i < path.size()) {
      if (path[i] != '.') bad_override(file, text, "unexpected character in the key path");
      ++i;
    }
  }
  return steps;
}

bool all_digits(const std::string& s)
{
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return !s.empty();
}

}  // namespace

void apply_overrides(YAML::Node& root, const std::vector<std::string>& overrides, YamlReader& reader)
{
  for (const std::string& text : overrides) {
    const size_t eq = text.find('=');
    if (eq == std::string::npos || eq == 0)
      bad_override(reader.file(), text, "expected KEY=VALUE, e.g. --set balancer.algorithm=least_connections");
    const std::string path = text.substr(0, eq);
    const std::string value_text = text.substr(eq + 1);
    const std::vector<PathStep> steps = parse_path(path, reader.file(), text);

    YAML::Node value;
    try {
      value = YAML::Load(value_text);
    } catch (const YAML::Exception& e) {
      bad_override(reader.file(), text, "the value is not valid YAML: " + e.msg);
    }

    // Walk to the parent of the last step; yaml-cpp nodes are handles, so assigning through them
    // edits the tree.
    YAML::Node node = root;
    for (size_t s = 0; s < steps.size(); ++s) {
      const PathStep& step = steps[s];
      const bool last = s + 1 == steps.size();
      if (!step.key.empty()) {
        if (!node.IsMap()) bad_override(reader.file(), text, "\"" + step.key + "\" is not inside a mapping");
        if (last) {
          node[step.key] = value;
          reader.mark_override(node[step.key], "--set " + text);
          break;
        }
        if (!node[step.key]) bad_override(reader.file(), text, "the scenario has no \"" + step.key + "\" to change here");
        node.reset(node[step.key]);
        continue;
      }
      if (!node.IsSequence()) bad_override(reader.file(), text, "[" + step.index + "] needs a list");
      size_t found = node.size();
      if (all_digits(step.index)) {
        found = std::stoul(step.index);
      } else {
        for (size_t k = 0; k < node.size(); ++k)
          if (node[k].IsMap() && node[k]["name"] && node[k]["name"].Scalar() == step.index) found = k;
      }
      if (found >= node.size())
        bad_override(reader.file(), text, "no list item [" + step.index + "] (the list has " +
                                              std::to_string(node.size()) + " items)");
      if (last) {
        node[found] = value;
        reader.mark_override(node[found], "--set " + text);
        break;
      }
      node.reset(node[found]);
    }
  }
}

}  // namespace lbsim::scenarios
