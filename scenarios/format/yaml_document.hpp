// The one way scenarios, studies and plans (and --set values) become YAML trees. Before yaml-cpp
// builds a tree the text is checked: text, not binary bytes (never echoed back); nesting at most
// kMaxYamlDepth deep; aliases adding at most kMaxAliasedNodes nodes and none that contains itself
// (an alias bomb or a cycle is an error at the alias's line). Syntax errors come with a hint.
#pragma once

#include "scenarios/format/scenario_error.hpp"
#include "scenarios/format/yaml_reader.hpp"

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <string>

namespace lbsim::scenarios {

inline constexpr int kMaxYamlDepth = 100;                 // the format needs about 10
inline constexpr std::uint64_t kMaxAliasedNodes = 100000;  // nodes that aliases add, counted per use

// The root of `text` (its first document), read for `reader` (whose file names the text in
// errors, and which learns where each empty value's key is). `empty_message` is the error for a
// document with nothing in it.
YAML::Node load_yaml_document(const std::string& text, YamlReader& reader, const std::string& empty_message);

// A file read within limits (text_file.hpp), then load_yaml_document(); `expected` ends the error
// about a file that cannot be read ("expected a study file (YAML)").
YAML::Node load_yaml_file(const std::string& path, YamlReader& reader, const std::string& expected,
                          const std::string& empty_message);

// A short text such as a --set value, with the same limits; a ScenarioError whose message says
// what is wrong (the caller knows where the text came from).
YAML::Node load_yaml_value(const std::string& text);

// Empty when `text` is UTF-8 text without control characters (tab, line feed and carriage return
// aside); otherwise why not ("`what` holds a control character (byte 0x7f)..."), with the byte's
// line and column, never the raw byte.
std::string binary_content(const std::string& text, const char* what, int& line, int& column);

}  // namespace lbsim::scenarios
