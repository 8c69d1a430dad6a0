#include "scenarios/format/overrides.hpp"

#include "scenarios/format/suggest.hpp"
#include "scenarios/format/yaml_document.hpp"

#include <cctype>
#include <charconv>
#include <system_error>

namespace lbsim::scenarios {

namespace {

struct PathStep {
  std::string key;    // map key, or "" for a pure index step
  std::string index;  // list index ("0") or list item name ("web"), or ""
};

[[noreturn]] void bad_override(const std::string& file, const std::string& text, const std::string& why)
{
  SourceLocation loc;
  loc.file = file;
  loc.origin = file + ": --set " + text;
  throw ScenarioError(loc, why);
}

std::vector<PathStep> parse_path(const std::string& path, const std::string& file, const std::string& text)
{
  const std::string example = "; expected a dotted key path such as balancer.algorithm, clients[0].arrivals.rate or "
                              "servers[web].count";
  std::vector<PathStep> steps;
  size_t i = 0;
  while (true) {
    PathStep step;
    while (i < path.size() && path[i] != '.' && path[i] != '[' && path[i] != ']') step.key += path[i++];
    if (step.key.empty())
      bad_override(file, text,
                   "the key path \"" + path + "\" has an empty part at character " + std::to_string(i + 1) + example);
    steps.push_back(step);
    while (i < path.size() && path[i] == '[') {
      const size_t close = path.find(']', i);
      if (close == std::string::npos)
        bad_override(file, text, "the key path \"" + path + "\" has a '[' without its ']'" + example);
      PathStep index_step;
      index_step.index = path.substr(i + 1, close - i - 1);
      if (index_step.index.empty())
        bad_override(file, text,
                     "the key path \"" + path +
                         "\" has an empty []; expected an index such as [0] or a name such as [web]");
      steps.push_back(index_step);
      i = close + 1;
    }
    if (i == path.size()) break;
    if (path[i] != '.')
      bad_override(file, text, "unexpected '" + std::string(1, path[i]) + "' at character " + std::to_string(i + 1) +
                                   " of the key path \"" + path + "\"" + example);
    ++i;  // the '.'; a key must follow it
  }
  return steps;
}

bool all_digits(const std::string& s)
{
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return !s.empty();
}

std::string kind_of(const YAML::Node& node)
{
  if (node.IsMap()) return "a mapping";
  if (node.IsSequence()) return "a list";
  if (node.IsScalar()) return "the single value \"" + node.Scalar() + "\"";
  return "empty";
}

std::string plural(size_t n, const char* what) { return std::to_string(n) + " " + what + (n == 1 ? "" : "s"); }

}  // namespace

void apply_overrides(YAML::Node& root, const std::vector<std::string>& overrides, YamlReader& reader)
{
  for (const std::string& text : overrides) {
    const std::string origin = "--set " + text;
    const size_t eq = text.find('=');
    if (eq == std::string::npos || eq == 0)
      bad_override(reader.file(), text, "expected KEY=VALUE, e.g. --set balancer.algorithm=least_connections");
    const std::string path = text.substr(0, eq);
    const std::string value_text = text.substr(eq + 1);
    const std::vector<PathStep> steps = parse_path(path, reader.file(), text);

    YAML::Node value;
    try {
      value = load_yaml_value(value_text);
    } catch (const ScenarioError& e) {
      bad_override(reader.file(), text,
                   "the value is not valid YAML: " + e.message() + "; quote it if it is meant as text");
    }

    // Walk to the parent of the last step; yaml-cpp nodes are handles, so assigning through them
    // edits the tree. `walked` is the path so far, for messages.
    YAML::Node node = root;
    std::string walked;
    for (size_t s = 0; s < steps.size(); ++s) {
      const PathStep& step = steps[s];
      const bool last = s + 1 == steps.size();
      const std::string here = walked.empty() ? "the scenario" : walked;
      if (!step.key.empty()) {
        if (node.IsSequence())
          bad_override(reader.file(), text, here + " is a list; pick an item with " + walked + "[0] or " + walked +
                                                "[NAME] before \"." + step.key + "\"");
        if (!node.IsMap() && !node.IsNull())
          bad_override(reader.file(), text, here + " is " + kind_of(node) + ", which has no key \"" + step.key + "\"");
        const bool existed = node.IsMap() && static_cast<bool>(node[step.key]);
        if (!existed && !last && !steps[s + 1].key.empty()) {
          // A new key with keys below it: create the mapping, as if the file had "key: {}".
          node[step.key] = YAML::Node(YAML::NodeType::Map);
        } else if (!existed && !last) {
          bad_override(reader.file(), text, here + " has no \"" + step.key + "\" to pick [" + steps[s + 1].index +
                                                "] from");
        }
        if (last) node[step.key] = value;
        const YAML::Node child = node[step.key];
        if (last) reader.mark_override_tree(child, origin);
        if (!existed) {
          // The key itself is new: errors about it (an unknown key, say) point at the --set too.
          reader.mark_override(child, origin);
          for (const auto& entry : node)
            if (entry.first.IsScalar() && entry.first.Scalar() == step.key) reader.mark_override(entry.first, origin);
        }
        walked += (walked.empty() ? "" : ".") + step.key;
        if (last) break;
        node.reset(child);
        continue;
      }
      if (!node.IsSequence())
        bad_override(reader.file(), text, "[" + step.index + "] picks an item of a list, but " + here + " is " +
                                              kind_of(node));
      size_t found = node.size();
      if (all_digits(step.index)) {
        const auto [end, ec] = std::from_chars(step.index.data(), step.index.data() + step.index.size(), found);
        if (ec != std::errc{} || end != step.index.data() + step.index.size()) found = node.size();
        if (found >= node.size())
          bad_override(reader.file(), text,
                       walked + "[" + step.index + "] is past the end of " + walked + ", which has " +
                           plural(node.size(), "item") +
                           (node.size() == 0 ? "" : " (0 to " + std::to_string(node.size() - 1) + ")"));
      } else {
        std::vector<std::string> names;
        for (size_t k = 0; k < node.size(); ++k) {
          const YAML::Node item = node[k];
          if (!item.IsMap() || !item["name"] || !item["name"].IsScalar()) continue;
          names.push_back(item["name"].Scalar());
          if (names.back() == step.index && found == node.size()) found = k;
        }
        if (found >= node.size()) {
          std::string message = walked + " has no item named \"" + step.index + "\"";
          const std::string hint = did_you_mean(step.index, names);
          if (!hint.empty())
            message += hint;
          else if (names.empty())
            message += "; its items have no names, pick one by index, e.g. " + walked + "[0]";
          else {
            message += "; expected one of:";
            const char* separator = " ";
            for (const std::string& name : names) {
              message += separator + name;
              separator = ", ";
            }
          }
          bad_override(reader.file(), text, message);
        }
      }
      walked += "[" + step.index + "]";
      if (last) {
        node[found] = value;
        reader.mark_override_tree(node[found], origin);
        break;
      }
      node.reset(node[found]);
    }
  }
}

void check_override_path(const YamlReader& reader, const YAML::Node& key_node, const std::string& key,
                         const YAML::Node& tree, const std::string& role)
{
  YAML::Node copy = YAML::Clone(tree);
  YamlReader scratch(reader.file());
  try {
    apply_overrides(copy, {key + "=0"}, scratch);
  } catch (const ScenarioError& e) {
    reader.fail(key_node, role + " \"" + key + "\": " + e.message());
  }
}

}  // namespace lbsim::scenarios
