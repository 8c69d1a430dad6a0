#include "scenarios/format/yaml_document.hpp"

#include "scenarios/format/text_file.hpp"
#include "scenarios/format/yaml_syntax_error.hpp"

#include <yaml-cpp/anchor.h>
#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

namespace lbsim::scenarios {

namespace {

// A limit broken while the text was parsed, at the node that broke it.
struct LimitBroken {
  YAML::Mark mark;
  std::string message;
};

// Walks the parser's events (no tree is built) counting what the tree would hold with every alias
// expanded, and noting where the key of each empty value is: yaml-cpp places an empty value
// ("key:" with nothing after it) wherever the next token starts, which is no place to point at.
class DocumentCheck : public YAML::EventHandler {
public:
  std::unordered_map<int, YAML::Mark> empty_value_keys;

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnAnchor(const YAML::Mark&, const std::string& name) override { pending_name_ = name; }
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override
  {
    if (start(mark, anchor) == Role::value) empty_value_keys[mark.pos] = frames_.back().last_key;
    finish(1, anchor);
  }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, const std::string&) override
  {
    start(mark, anchor);
    finish(1, anchor);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override
  {
    start(mark, 0);
    const auto size = sizes_.find(anchor);
    const std::string name = "*" + names_[anchor];
    if (size == sizes_.end())
      throw LimitBroken{mark, "the alias " + name + " is inside the node it names, which would make it endless; "
                              "an alias may only repeat a node that is complete before it"};
    aliased_ = std::min(aliased_ + size->second, kMaxAliasedNodes + 1);
    if (aliased_ > kMaxAliasedNodes)
      throw LimitBroken{mark, "the aliases up to " + name + " repeat more than " + std::to_string(kMaxAliasedNodes) +
                              " values in all; an alias that repeats aliases multiplies them (an alias bomb): "
                              "write the values out, or repeat fewer"};
    finish(size->second, 0);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override
  {
    open(mark, anchor, false);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override
  {
    open(mark, anchor, true);
  }
  void OnMapEnd() override { close(); }

private:
  enum class Role { root, item, key, value };
  struct Frame {
    bool map = false;
    std::uint64_t children = 0;  // direct children so far (keys and values counted apart)
    std::uint64_t size = 1;      // nodes inside, itself included, aliases expanded
    YAML::anchor_t anchor = 0;
    YAML::Mark last_key;
  };

  Role start(const YAML::Mark& mark, YAML::anchor_t anchor)
  {
    if (anchor != 0) names_[anchor] = pending_name_;
    if (frames_.empty()) return Role::root;
    Frame& parent = frames_.back();
    if (!parent.map) return Role::item;
    if (parent.children % 2 == 0) {
      parent.last_key = mark;
      return Role::key;
    }
    return Role::value;
  }
  void finish(std::uint64_t size, YAML::anchor_t anchor)
  {
    if (anchor != 0) sizes_[anchor] = size;
    if (frames_.empty()) return;
    frames_.back().children += 1;
    frames_.back().size += size;  // bounded: aliases add at most kMaxAliasedNodes
  }
  void open(const YAML::Mark& mark, YAML::anchor_t anchor, bool map)
  {
    start(mark, anchor);
    if (frames_.size() >= static_cast<std::size_t>(kMaxYamlDepth))
      throw LimitBroken{mark, "the values are nested more than " + std::to_string(kMaxYamlDepth) +
                              " levels deep; the format needs far fewer: check the brackets and indentation"};
    frames_.push_back(Frame{map, 0, 1, anchor, {}});
  }
  void close()
  {
    const Frame done = frames_.back();
    frames_.pop_back();
    finish(done.size, done.anchor);
  }

  std::vector<Frame> frames_;
  std::unordered_map<YAML::anchor_t, std::uint64_t> sizes_;  // anchors whose node is complete
  std::unordered_map<YAML::anchor_t, std::string> names_;
  std::string pending_name_;
  std::uint64_t aliased_ = 0;
};

std::string hex_byte(unsigned char c)
{
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "0x%02x", c);
  return buffer;
}

// Length of the UTF-8 sequence starting at text[i], or 0 when it is not one.
std::size_t utf8_length(const std::string& text, std::size_t i)
{
  const auto c = static_cast<unsigned char>(text[i]);
  std::size_t n = 0;
  if (c < 0x80) return 1;
  if (c >= 0xc2 && c <= 0xdf) n = 2;
  else if (c >= 0xe0 && c <= 0xef) n = 3;
  else if (c >= 0xf0 && c <= 0xf4) n = 4;
  else return 0;
  if (i + n > text.size()) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80) return 0;
  return n;
}

// The document check and yaml-cpp's own parse, with syntax errors and broken limits as
// ScenarioErrors in `file`.
YAML::Node parse(const std::string& text, const std::string& file, DocumentCheck& check, const char* what)
{
  int line = 0, column = 0;
  if (const std::string why = binary_content(text, what, line, column); !why.empty())
    throw ScenarioError(SourceLocation{file, line, column, {}}, why);
  try {
    std::istringstream stream(text);
    YAML::Parser parser(stream);
    parser.HandleNextDocument(check);
    return YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    const YamlSyntaxError error = explain_syntax_error(text, e.msg, e.mark.pos, e.mark.line + 1, e.mark.column + 1);
    throw ScenarioError(SourceLocation{file, error.line, error.column, {}}, error.message);
  } catch (const LimitBroken& e) {
    throw ScenarioError(SourceLocation{file, e.mark.line + 1, e.mark.column + 1, {}}, e.message);
  }
}

}  // namespace

std::string binary_content(const std::string& text, const char* what, int& line, int& column)
{
  line = 1;
  column = 1;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++line;
      column = 1;
      ++i;
      continue;
    }
    if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f)
      return std::string(what) + " holds a control character (byte " + hex_byte(c) + ")" +
             (c == 0 ? " as binary files do" : "") + "; expected YAML text";
    const std::size_t n = utf8_length(text, i);
    if (n == 0)
      return std::string(what) + " is not UTF-8 text (byte " + hex_byte(c) + "); expected YAML text saved as UTF-8";
    i += n;
    ++column;
  }
  return {};
}

YAML::Node load_yaml_document(const std::string& text, YamlReader& reader, const std::string& empty_message)
{
  DocumentCheck check;
  YAML::Node root = parse(text, reader.file(), check, "the file");
  if (!root || root.IsNull()) throw ScenarioError(SourceLocation{reader.file(), 1, 1, {}}, empty_message);
  reader.set_empty_value_keys(std::move(check.empty_value_keys));
  return root;
}

YAML::Node load_yaml_file(const std::string& path, YamlReader& reader, const std::string& expected,
                          const std::string& empty_message)
{
  std::string text;
  try {
    text = read_text_file(path, expected);
  } catch (const TextFileError& e) {
    throw ScenarioError(SourceLocation{path, 0, 0, {}}, e.what());
  }
  return load_yaml_document(text, reader, empty_message);
}

YAML::Node load_yaml_value(const std::string& text)
{
  DocumentCheck check;
  try {
    return parse(text, "the value", check, "it");
  } catch (const ScenarioError& e) {
    throw ScenarioError(SourceLocation{}, e.message() + " (at character " + std::to_string(e.where().column) + ")");
  }
}

}  // namespace lbsim::scenarios
