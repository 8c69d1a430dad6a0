#include "scenarios/format/yaml_reader.hpp"

#include "scenarios/format/suggest.hpp"
#include "scenarios/format/units.hpp"
#include "scenarios/format/yaml_syntax_error.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>

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

// A whole-text decimal number (as strtod reads it), or nullopt.
std::optional<double> parse_number(const std::string& s)
{
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (*end != '\0' || !std::isfinite(v)) return std::nullopt;
  return v;
}

// "key:value" that YAML read as one text because the colon has no space after it: what to write.
std::string missing_space_hint(const YAML::Node& node)
{
  if (!node.IsScalar()) return {};
  const auto found = key_without_space(node.Scalar());
  if (!found) return {};
  return "; expected a space after the colon: write \"" + found->key + ": " + found->value +
         "\" (without it YAML reads \"" + node.Scalar() + "\" as one text, not as a key and its value)";
}

std::string format_g(double v)
{
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%g", v);
  return buffer;
}
}  // namespace

void YamlReader::mark_override(const YAML::Node& node, std::string description)
{
  overrides_.emplace_back(node, std::move(description));
}

void YamlReader::mark_override_tree(const YAML::Node& node, const std::string& description)
{
  mark_override(node, description);
  if (node.IsMap()) {
    for (const auto& entry : node) {
      mark_override_tree(entry.first, description);
      mark_override_tree(entry.second, description);
    }
  } else if (node.IsSequence()) {
    for (const auto& item : node) mark_override_tree(item, description);
  }
}

SourceLocation YamlReader::where(const YAML::Node& node) const
{
  SourceLocation loc;
  loc.file = file_;
  if (!node.IsDefined()) return loc;
  for (const auto& [override_node, description] : overrides_)
    if (node.is(override_node)) loc.origin = file_ + ": " + description;
  // A node from --set has a position in the --set text, not in the file: report the --set instead.
  if (!loc.origin.empty()) return loc;
  YAML::Mark mark = node.Mark();
  if (node.IsNull() && !mark.is_null())
    if (const auto key = empty_value_keys_.find(mark.pos); key != empty_value_keys_.end()) mark = key->second;
  if (!mark.is_null()) {
    loc.line = mark.line + 1;
    loc.column = mark.column + 1;
  }
  return loc;
}

void YamlReader::fail(const YAML::Node& node, const std::string& message) const
{
  throw ScenarioError(where(node), message);
}

void YamlReader::require_map(const YAML::Node& node, const std::string& context) const
{
  if (!node.IsMap())
    fail(node,
         context + " must be a mapping of keys to values (\"key: value\" lines or {key: value}), got " + kind_of(node) +
             missing_space_hint(node));
  std::set<std::string> seen;
  for (const auto& entry : node) {
    const YAML::Node& key = entry.first;
    if (!key.IsScalar()) fail(key, "a key in " + context + " must be a plain name, got " + kind_of(key));
    if (!seen.insert(key.Scalar()).second)
      fail(key, quoted(key.Scalar()) + " appears twice in " + context + "; give each key once");
  }
}

void YamlReader::require_sequence(const YAML::Node& node, const std::string& context) const
{
  if (!node.IsSequence()) fail(node, context + " must be a list (\"- item\" lines or [a, b]), got " + kind_of(node));
}

void YamlReader::check_keys(const YAML::Node& map, const std::string& context, std::initializer_list<const char*> known,
                            std::initializer_list<const char*> not_implemented) const
{
  check_keys(map, context, std::vector<std::string>(known.begin(), known.end()),
             std::vector<std::string>(not_implemented.begin(), not_implemented.end()));
}

void YamlReader::check_keys(const YAML::Node& map, const std::string& context, const std::vector<std::string>& known,
                            const std::vector<std::string>& not_implemented) const
{
  // Suggestions come from every key of the format, implemented or not: "helth_check" should lead
  // to "health_check" (which then says that it is not implemented yet).
  std::vector<std::string> names(known.begin(), known.end());
  names.insert(names.end(), not_implemented.begin(), not_implemented.end());
  for (const auto& entry : map) {
    const YAML::Node& key_node = entry.first;
    const std::string key = key_node.IsScalar() ? key_node.Scalar() : std::string{};
    bool ok = false;
    for (const std::string& k : known) ok = ok || key == k;
    if (ok) continue;
    for (const std::string& k : not_implemented)
      if (key == k)
        fail(key_node, quoted(key) + " in " + context + " is part of the scenario format but not implemented in this "
                       "version of lbsim yet; remove it to run this scenario");
    std::string message = "unknown key " + quoted(key) + " in " + context;
    const std::string hint = did_you_mean(key, names);
    if (!hint.empty())
      message += hint;
    else {
      message += "; expected one of:";
      const char* separator = " ";
      for (const std::string& k : known) {
        message += separator;
        message += k;
        separator = ", ";
      }
    }
    fail(key_node, message);
  }
}

void YamlReader::require_key(const YAML::Node& map, const char* key, const std::string& context,
                             const std::string& example) const
{
  if (map[key]) return;
  std::string message = context + " has no " + quoted(key) + "; it is required";
  if (!example.empty()) message += " (e.g. " + example + ")";
  fail(map, message);
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
  // Names end up in terminals and CSV files: no escape sequences, no line breaks.
  for (std::size_t i = 0; i < s.size(); ++i)
    if (static_cast<unsigned char>(s[i]) < 0x20 || s[i] == 0x7f)
      fail(node, what + " must not hold control characters (one is at character " + std::to_string(i + 1) +
                     "); expected printable text");
  return s;
}

int64_t YamlReader::integer(const YAML::Node& node, const std::string& what, int64_t min, int64_t max) const
{
  const std::string s = scalar(node, what, "a whole number");
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0') fail(node, what + " must be a whole number, got " + quoted(s));
  if (errno == ERANGE)
    fail(node,
         what + " is out of range, got " + s + "; expected " + std::to_string(min) + " to " + std::to_string(max));
  if (v < min || v > max) {
    std::string range = v < min ? "at least " + std::to_string(min) : "at most " + std::to_string(max);
    fail(node, what + " must be " + range + ", got " + s);
  }
  return v;
}

double YamlReader::number(const YAML::Node& node, const std::string& what, double min, double max) const
{
  const std::string s = scalar(node, what, "a number");
  const std::optional<double> v = parse_number(s);
  if (!v) fail(node, what + " must be a number, got " + quoted(s));
  if (*v < min || *v > max)
    fail(node, what + " must be between " + format_g(min) + " and " + format_g(max) + ", got " + s);
  return *v;
}

double YamlReader::positive_number(const YAML::Node& node, const std::string& what, double max,
                                   const std::string& hint) const
{
  const std::string s = scalar(node, what, "a number greater than zero");
  const std::optional<double> v = parse_number(s);
  if (!v) fail(node, what + " must be a number greater than zero, got " + quoted(s));
  if (*v <= 0) fail(node, what + " must be greater than zero, got " + s + (hint.empty() ? "" : "; " + hint));
  if (*v > max) fail(node, what + " must be at most " + format_g(max) + ", got " + s);
  return *v;
}

int64_t YamlReader::time_ns(const YAML::Node& node, const std::string& what, bool allow_zero) const
{
  const auto r = parse_time_ns(scalar(node, what, "a time such as \"250 ms\""));
  if (!r) fail(node, what + ": " + r.error);
  if (!allow_zero && *r.value == 0) fail(node, what + " must be greater than zero, got " + quoted(node.Scalar()));
  if (*r.value > kMaxTimeNs)
    fail(node, what + " must be at most 100 years (lbsim's clock counts nanoseconds and ends after 292), got " +
                   quoted(node.Scalar()));
  return *r.value;
}

double YamlReader::rate_per_s(const YAML::Node& node, const std::string& what, bool allow_zero) const
{
  const auto r = parse_rate_per_s(scalar(node, what, "a rate such as \"800/s\""));
  if (!r) fail(node, what + ": " + r.error);
  if (*r.value < 0 || (!allow_zero && *r.value == 0))
    fail(node, what + " must be greater than zero, got " + quoted(node.Scalar()));
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

double YamlReader::bandwidth_bps(const YAML::Node& node, const std::string& what) const
{
  const auto r = parse_bandwidth_bps(scalar(node, what, "a bandwidth such as \"100 Mbps\""));
  if (!r) fail(node, what + ": " + r.error);
  if (!(*r.value > 0)) fail(node, what + " must be greater than zero, got " + quoted(node.Scalar()));
  return *r.value;
}

double YamlReader::fraction(const YAML::Node& node, const std::string& what) const
{
  const auto r = parse_fraction(scalar(node, what, "a fraction such as 0.01 or \"1%\""));
  if (!r) fail(node, what + ": " + r.error);
  return *r.value;
}

bool YamlReader::boolean(const YAML::Node& node, const std::string& what) const
{
  const std::string text = scalar(node, what, "true or false");
  if (text == "true") return true;
  if (text == "false") return false;
  fail(node, what + " must be true or false, got \"" + text + "\"");
}

std::string YamlReader::one_of(const YAML::Node& node, const std::string& what,
                               const std::vector<std::string>& choices) const
{
  const std::string s = scalar(node, what, "text");
  for (const std::string& c : choices)
    if (s == c) return s;
  std::string message = what + " " + quoted(s) + " is not known";
  const std::string hint = did_you_mean(s, choices);
  if (!hint.empty()) fail(node, message + hint);
  message += "; expected one of:";
  const char* separator = " ";
  for (const std::string& c : choices) {
    message += separator + c;
    separator = ", ";
  }
  fail(node, message);
}

std::string flow_yaml_text(const YAML::Node& node)
{
  YAML::Emitter out;
  out.SetMapFormat(YAML::Flow);
  out.SetSeqFormat(YAML::Flow);
  out << node;
  return out.c_str();
}

}  // namespace lbsim::scenarios
