#include "scenarios/format/yaml_syntax_error.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string_view>
#include <tuple>
#include <vector>

namespace lbsim::scenarios {

namespace {

// The innermost '{' or '[' still open at `pos` (outside quotes and comments), as "line L, column C".
std::string unclosed_bracket(const std::string& text, size_t pos, char open)
{
  struct Opened {
    char c;
    int line, column;
  };
  std::vector<Opened> stack;
  int line = 1, column = 1;
  char quote = 0;
  bool comment = false;
  for (size_t i = 0; i < text.size() && i < pos; ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      column = 1;
      comment = false;
      continue;
    }
    if (!comment) {
      if (quote != 0) {
        if (c == quote) quote = 0;
      } else if (c == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t')) {
        comment = true;
      } else if ((c == '"' || c == '\'') &&
                 (i == 0 || std::string_view(" \t[{,:").find(text[i - 1]) != std::string_view::npos)) {
        quote = c;
      } else if (c == '{' || c == '[') {
        stack.push_back({c, line, column});
      } else if ((c == '}' || c == ']') && !stack.empty()) {
        stack.pop_back();
      }
    }
    ++column;
  }
  for (auto it = stack.rbegin(); it != stack.rend(); ++it)
    if (it->c == open) return "line " + std::to_string(it->line) + ", column " + std::to_string(it->column);
  return {};
}

// What to look for after a yaml-cpp syntax error (its messages say what it found, not why).
std::string syntax_hint(const std::string& msg, const std::string& text, int mark_pos, int mark_line)
{
  // The line of the error: tabs in its indentation are the usual cause of block errors.
  size_t line_start = 0;
  for (int l = 1; l < mark_line && line_start != std::string::npos; ++l) {
    line_start = text.find('\n', line_start);
    if (line_start != std::string::npos) ++line_start;
  }
  if (line_start != std::string::npos && line_start < text.size()) {
    const size_t indent_end = text.find_first_not_of(" \t", line_start);
    if (text.find('\t', line_start) < std::min(indent_end, text.size()))
      return "indent with spaces; YAML does not allow tabs for indentation";
  }
  const size_t pos = mark_pos < 0 ? text.size() : static_cast<size_t>(mark_pos);
  for (const auto& [kind, open, close] : {std::tuple<const char*, char, const char*>{"map flow", '{', "'}'"},
                                          std::tuple<const char*, char, const char*>{"sequence flow", '[', "']'"}}) {
    if (msg.find(kind) == std::string::npos) continue;
    std::string hint = std::string("expected a ") + close + " closing the '" + open + "'";
    const std::string opened = unclosed_bracket(text, pos, open);
    if (!opened.empty()) hint += " opened at " + opened;
    return hint;
  }
  if (msg.find("tab") != std::string::npos) return "indent with spaces; YAML does not allow tabs for indentation";
  if (msg.find("illegal map value") != std::string::npos)
    return "expected one \"key: value\" per line; quote text that contains \": \"";
  if (msg.find("end of map not found") != std::string::npos ||
      msg.find("end of sequence not found") != std::string::npos)
    return "expected consistent indentation: the keys of one mapping, and the \"- \" of one list, line up";
  if (msg.find("quote") != std::string::npos || msg.find("end of") != std::string::npos)
    return "expected the closing quote or bracket of the text that starts here";
  return "expected valid YAML: check the indentation, quotes and brackets here and on the line before";
}


// A line "key:value" (after its indentation and an optional "- "): a name, a colon, then no space.
// YAML reads it as one piece of text, so the mistake shows only where the text can go on no longer.
struct ColonWithoutSpace {
  int line = 0, column = 0;  // of the character right after the colon
  std::string key, value;
};

std::optional<ColonWithoutSpace> colon_without_space(std::string_view line_text, int line)
{
  size_t start = line_text.find_first_not_of(' ');
  if (start == std::string_view::npos) return std::nullopt;
  if (line_text.compare(start, 2, "- ") == 0) start = line_text.find_first_not_of(' ', start + 2);
  if (start == std::string_view::npos) return std::nullopt;
  std::string_view rest = line_text.substr(start);
  rest = rest.substr(0, rest.find(" #"));  // a comment after the value
  while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\r')) rest.remove_suffix(1);
  const auto found = key_without_space(rest);
  if (!found) return std::nullopt;
  return ColonWithoutSpace{line, static_cast<int>(start + found->colon) + 2, found->key, found->value};
}

// The first "key:value" line of the text that runs into the error at `error_line`: walking up from
// the line before it over lines that go on a plain text (no "key: value", no "key:" opening a block),
// blank lines and comments.
std::optional<ColonWithoutSpace> colon_before(const std::string& text, int error_line)
{
  std::vector<std::string_view> lines;
  for (size_t start = 0; start <= text.size() && static_cast<int>(lines.size()) < error_line;) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.emplace_back(text.data() + start, end - start);
    start = end + 1;
  }
  std::optional<ColonWithoutSpace> found;
  constexpr int kLinesLooked = 50;
  for (int l = std::min<int>(error_line - 1, static_cast<int>(lines.size())); l >= 1 && l >= error_line - kLinesLooked; --l) {
    std::string_view line = lines[static_cast<size_t>(l - 1)];
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.remove_suffix(1);
    const size_t first = line.find_first_not_of(' ');
    if (first == std::string_view::npos || line[first] == '#') continue;
    if (const auto candidate = colon_without_space(line, l)) {
      found = candidate;
      continue;
    }
    if (line.back() == ':' || line.find(": ") != std::string_view::npos || line.find("- ") == first) break;
  }
  return found;
}

}  // namespace

std::optional<KeyWithoutSpace> key_without_space(std::string_view text)
{
  const auto name_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'; };
  if (text.empty() || (!std::isalpha(static_cast<unsigned char>(text[0])) && text[0] != '_')) return std::nullopt;
  size_t colon = 0;
  while (colon < text.size() && name_char(text[colon])) ++colon;
  if (colon + 1 >= text.size() || text[colon] != ':') return std::nullopt;
  const char after = text[colon + 1];
  if (after == ' ' || after == '\t' || after == ':' || text.compare(colon + 1, 2, "//") == 0) return std::nullopt;
  return KeyWithoutSpace{std::string(text.substr(0, colon)), std::string(text.substr(colon + 1)), colon};
}

YamlSyntaxError explain_syntax_error(const std::string& text, const std::string& parser_message, int pos, int line,
                                     int column)
{
  if (const auto colon = colon_before(text, line)) {
    return YamlSyntaxError{
        colon->line, colon->column,
        "YAML syntax error: expected a space after the colon in \"" + colon->key + ":" + colon->value +
            "\"; write \"" + colon->key + ": " + colon->value + "\". Without the space YAML reads the line as text, "
            "not as a key and its value, and finds the mistake only at line " + std::to_string(line) + " (" +
            parser_message + ")"};
  }
  return YamlSyntaxError{line, column, "YAML syntax error: " + parser_message + "; " + syntax_hint(parser_message, text, pos, line)};
}

}  // namespace lbsim::scenarios
