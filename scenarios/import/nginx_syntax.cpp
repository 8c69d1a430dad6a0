#include "scenarios/import/nginx_syntax.hpp"

#include <cctype>

namespace lbsim::scenarios {

std::vector<NginxToken> tokenize_nginx(const std::string& text)
{
  std::vector<NginxToken> tokens;
  int line = 1, column = 1;
  std::size_t i = 0;
  auto advance = [&] {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    ++i;
  };
  while (i < text.size()) {
    const char c = text[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      advance();
    } else if (c == '#') {
      while (i < text.size() && text[i] != '\n') advance();
    } else if (c == ';' || c == '{' || c == '}') {
      tokens.push_back({std::string(1, c), line, column});
      advance();
    } else {
      NginxToken word{{}, line, column};
      const char quote = (c == '"' || c == '\'') ? c : 0;
      if (quote) advance();
      while (i < text.size()) {
        const char d = text[i];
        if (quote ? d == quote : (std::isspace(static_cast<unsigned char>(d)) || d == ';' || d == '{' || d == '}'))
          break;
        word.text += d;
        advance();
      }
      if (quote && i < text.size()) advance();
      tokens.push_back(word);
    }
  }
  return tokens;
}

std::string NginxDirective::text() const
{
  std::string out;
  for (const NginxToken& w : words) out += (out.empty() ? "" : " ") + w.text;
  return out + (has_block ? " {" : ";");
}

namespace {

std::vector<NginxDirective> parse_block(const std::vector<NginxToken>& tokens, std::size_t& i, bool nested,
                                        std::vector<std::pair<NginxToken, std::string>>& bad)
{
  std::vector<NginxDirective> out;
  NginxDirective current;
  while (i < tokens.size()) {
    const NginxToken& t = tokens[i++];
    if (t.text == ";") {
      if (!current.words.empty()) out.push_back(std::move(current));
      current = {};
    } else if (t.text == "{") {
      if (current.words.empty()) bad.emplace_back(t, "a block with no directive before \"{\"");
      current.has_block = true;
      current.block = parse_block(tokens, i, true, bad);
      if (!current.words.empty()) out.push_back(std::move(current));
      current = {};
    } else if (t.text == "}") {
      if (!current.words.empty()) bad.emplace_back(current.head(), "\"" + current.head().text + "\" has no \";\"");
      if (nested) return out;
      bad.emplace_back(t, "a \"}\" that closes no block");
      current = {};
    } else {
      current.words.push_back(t);
    }
  }
  if (!current.words.empty()) bad.emplace_back(current.head(), "\"" + current.head().text + "\" has no \";\"");
  if (nested && !tokens.empty()) bad.emplace_back(tokens.back(), "the file ends inside a block; expected \"}\"");
  return out;
}

}  // namespace

std::vector<NginxDirective> parse_nginx(const std::vector<NginxToken>& tokens,
                                        std::vector<std::pair<NginxToken, std::string>>& bad)
{
  std::size_t i = 0;
  return parse_block(tokens, i, false, bad);
}

}  // namespace lbsim::scenarios
