// What a YAML syntax error means for the person who made it. yaml-cpp says what it found and where
// it noticed (often lines after the mistake); this says what to look for, and moves the error to
// the mistake when it can tell where that is (a "key:value" without a space after the colon).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace lbsim::scenarios {

struct YamlSyntaxError {
  int line = 0;  // 1-based
  int column = 0;
  std::string message;  // "YAML syntax error: ...; <what to look for>"
};

// "key:value": a name, a colon, then neither a space, a colon nor "//" (so not "a::b" nor a URL).
// YAML reads it as one text, not as a key and its value.
struct KeyWithoutSpace {
  std::string key, value;
  std::size_t colon = 0;  // in the text
};
std::optional<KeyWithoutSpace> key_without_space(std::string_view text);

// yaml-cpp's `parser_message` at byte `pos` (line and column 1-based) of `text`, explained.
YamlSyntaxError explain_syntax_error(const std::string& text, const std::string& parser_message, int pos, int line,
                                     int column);

}  // namespace lbsim::scenarios
