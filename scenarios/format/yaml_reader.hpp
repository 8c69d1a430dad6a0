// YamlReader: checked access to a YAML document for the loaders. Every failure is a ScenarioError
// at the node's file:line:column saying what was expected. Internal to scenarios/ (yaml-cpp stays
// inside this folder).
#pragma once

#include "scenarios/format/scenario_error.hpp"

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace lbsim::scenarios {

// The longest time a scenario may give (100 years): sums of a few such times stay within the
// clock's 292 years.
inline constexpr int64_t kMaxTimeNs = 100LL * 365 * 24 * 3600 * 1'000'000'000;

class YamlReader {
public:
  explicit YamlReader(std::string file) : file_(std::move(file)) {}

  const std::string& file() const { return file_; }
  // Where the key of each empty value ("key:" with nothing after it) is, by the value's position:
  // yaml-cpp places an empty value wherever the next token starts. load_yaml_document() sets it.
  void set_empty_value_keys(std::unordered_map<int, YAML::Mark> keys) { empty_value_keys_ = std::move(keys); }
  // Nodes that came from --set KEY=VALUE are reported as such, not with a file position.
  void mark_override(const YAML::Node& node, std::string description);
  // The same for a node and everything inside it (keys included).
  void mark_override_tree(const YAML::Node& node, const std::string& description);

  SourceLocation where(const YAML::Node& node) const;
  [[noreturn]] void fail(const YAML::Node& node, const std::string& message) const;

  // `context` names the thing being read ("clients[0]", "balancer") in messages. A mapping that
  // repeats a key is an error (YAML forbids it; yaml-cpp would silently keep the first).
  void require_map(const YAML::Node& node, const std::string& context) const;
  void require_sequence(const YAML::Node& node, const std::string& context) const;
  // Unknown keys are errors with a "did you mean" suggestion; keys of the format that this version
  // does not implement yet are errors that say so.
  void check_keys(const YAML::Node& map, const std::string& context, std::initializer_list<const char*> known,
                  std::initializer_list<const char*> not_implemented = {}) const;
  void check_keys(const YAML::Node& map, const std::string& context, const std::vector<std::string>& known,
                  const std::vector<std::string>& not_implemented = {}) const;
  // `example` (may be empty) shows what the key looks like: "work: 5 ms".
  void require_key(const YAML::Node& map, const char* key, const std::string& context,
                   const std::string& example = {}) const;

  std::string string(const YAML::Node& node, const std::string& what) const;
  int64_t integer(const YAML::Node& node, const std::string& what, int64_t min, int64_t max) const;
  double number(const YAML::Node& node, const std::string& what, double min, double max) const;
  // A number greater than zero and at most `max`; `hint` (may be empty) says what the number means.
  double positive_number(const YAML::Node& node, const std::string& what, double max, const std::string& hint) const;
  int64_t time_ns(const YAML::Node& node, const std::string& what, bool allow_zero) const;
  double rate_per_s(const YAML::Node& node, const std::string& what, bool allow_zero = false) const;
  double size_bytes(const YAML::Node& node, const std::string& what) const;
  double price_per_hour(const YAML::Node& node, const std::string& what) const;
  double bandwidth_bps(const YAML::Node& node, const std::string& what) const;  // > 0
  double fraction(const YAML::Node& node, const std::string& what) const;       // in [0, 1]: "0.01", "1%"
  std::string one_of(const YAML::Node& node, const std::string& what, const std::vector<std::string>& choices) const;
  bool boolean(const YAML::Node& node, const std::string& what) const;  // true or false

private:
  std::string scalar(const YAML::Node& node, const std::string& what, const char* expected) const;
  std::string file_;
  std::unordered_map<int, YAML::Mark> empty_value_keys_;
  std::vector<std::pair<YAML::Node, std::string>> overrides_;
};

// A YAML value as the text --set takes for it: flow style, quoted where YAML needs it.
std::string flow_yaml_text(const YAML::Node& node);

}  // namespace lbsim::scenarios
