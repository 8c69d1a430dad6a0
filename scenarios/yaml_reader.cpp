#include "scenarios/yaml_reader.hpp"

#include "scenarios/suggest.hpp"
#include "scenarios/units.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace lbsim::scenarios {

namespace {
std::string quoted(const std::string& s) { return "\"" + s + "\""; }

std::string kind_of(const YAML::Node& node)
{
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Null: return "nothing";
    case YAML::NodeType::Scalar: return quoted(node.Scalar());
    default: return "an undefined value";
  }
}
}  // namespace

void YamlReader::mark_override(const YAML::Node& node, std::string description)
{
  overrides_.emplace_back(node, std::move(description));
}

SourceLocation YamlReader::where(const YAML::Node& node) const
{
  SourceLocation loc;
  loc.file = file_;
  for (const auto& [override_node, description] : overrides_)
    if (node.is(override_node)) loc.origin = file_ + ": " + description;
  if (node.IsDefined() && !node.Mark().is_null()) {
    loc.line = node.Mark().line + 1;
    loc.column = node.Mark().column + 1;
  }
  return loc;
}

void YamlReader::fail(const YAML::Node& node, const std::string& message) const { throw ScenarioError(where(node), message); }

void YamlReader::require_map(const YAML::Node& node, const std::string& context) const
{
  if (!node.IsMap()) fail(node, context + " must be a mapping of keys to values, got " + kind_of(node));
}

void YamlReader::require_sequence(const YAML::Node& node, const std::string& context) const
{
  if (!node.IsSequence()) fail(node, context + " must be a list (\"- item\" lines or [a, b]), got " + kind_of(node));
}

void YamlReader::check_keys(const YAML::Node& map, const std::string& context, std::initializer_list<const char*> known,
                            std::initializer_list<const char*> not_implemented) const
{
  std::vector<std::string> names(known.begin(), known.end());
  for (const auto& entry : map) {
    const YAML::Node& key_node = entry.first;
    const std::string key = key_node.IsScalar() ? key_node.Scalar() : std::string{};
    bool ok = false;
    for (const char* k : known) ok = ok || key == k;
    if (ok) continue;
    for (const char* k : not_implemented)
      if (key == k)
        fail(key_node, quoted(key) + " in " + context + " is part of the scenario format but not implemented in this "
                       "version of lbsim yet; remove it to run this scenario");
    std::string message = "unknown key " + quoted(key) + " in " + context;
    const std::string hint = did_you_mean(key, names);
    if (!hint.empty())
      message += hint;
    else {
      message += " (expected one of:";
      for (const char* k : known) message += std::string(" ") + k;
      message += ")";
    }
    fail(key_node, message);
  }
}

void YamlReader::require_key(const YAML::Node& map, const char* key, const std::string& context) const
{
  if (!map[key]) fail(map, context + " needs the key " + quoted(key));
}

std::string YamlReader::scalar(const YAML::Node& node, const std::string& what, const char* expected) const
{
  if (!node.IsScalar()) fail(node, what + " must be " + expected + ", got " + kind_of(node));
  return node.Scalar();
}

std::string YamlReader::string(const YAML::Node& node, const std::string& what) const
{
  const std::string s = scalar(node, what, "text");
  if (s.empty()) fail(node, what + " must not be empty");
  return s;
}

int64_t YamlReader::integer(const YAML::Node& node, const std::string& what, int64_t min, int64_t max) const
{
  const std::string s = scalar(node, what, "a whole number");
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0' || errno == ERANGE)
    fail(node, what + " must be a whole number, got " + quoted(s));
  if (v < min || v > max) {
    std::string range = v < min ? "at least " + std::to_string(min) : "at most " + std::to_string(max);
    fail(node, what + " must be " + range + ", got " + s);
  }
  return v;
}

double YamlReader::number(const YAML::Node& node, const std::string& what, double min, double max) const
{
  const std::string s = scalar(node, what, "a number");
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0' || !std::isfinite(v)) fail(node, what + " must be a number, got " + quoted(s));
  if (v < min || v > max) {
    char buffer[128];
    std::snprintf(buffer, sizeof buffer, " must be between %g and %g, got %s", min, max, s.c_str());
    fail(node, what + buffer);
  }
  return v;
}

int64_t YamlReader::time_ns(const YAML::Node& node, const std::string& what, bool allow_zero) const
{
  const auto r = parse_time_ns(scalar(node, what, "a time such as \"250 ms\""));
  if (!r) fail(node, what + ": " + r.error);
  if (!allow_zero && *r.value == 0) fail(node, what + " must be greater than zero");
  return *r.value;
}

double YamlReader::rate_per_s(const YAML::Node& node, const std::string& what) const
{
  const auto r = parse_rate_per_s(scalar(node, what, "a rate such as \"800/s\""));
  if (!r) fail(node, what + ": " + r.error);
  if (*r.value <= 0) fail(node, what + " must be greater than zero");
  return *r.value;
}

double YamlReader::size_bytes(const YAML::Node& node, const std::string& what) const
{
  const auto r = parse_size_bytes(scalar(node, what, "a size such as \"20 KB\""));
  if (!r) fail(node, what + ": " + r.error);
  return *r.value;
}

double YamlReader::price_per_hour(const YAML::Node& node, const std::string& what) const
{
  const auto r = parse_price_per_hour(scalar(node, what, "a price such as \"0.10/h\""));
  if (!r) fail(node, what + ": " + r.error);
  return *r.value;
}

std::string YamlReader::one_of(const YAML::Node& node, const std::string& what, const std::vector<std::string>& choices) const
{
  const std::string s = scalar(node, what, "text");
  for (const std::string& c : choices)
    if (s == c) return s;
  std::string message = what + " " + quoted(s) + " is not known";
  const std::string hint = did_you_mean(s, choices);
  if (!hint.empty()) return fail(node, message + hint), s;
  message += " (expected one of:";
  for (const std::string& c : choices) message += " " + c;
  fail(node, message + ")");
}

}  // namespace lbsim::scenarios
