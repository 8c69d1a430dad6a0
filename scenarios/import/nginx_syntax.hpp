// nginx's configuration syntax, shared by the upstream and the gateway import: words (quotes
// allowed), ";", "{", "}", "#" comments, and the nesting of blocks.
#pragma once

#include <string>
#include <vector>

namespace lbsim::scenarios {

struct NginxToken {
  std::string text;
  int line = 0, column = 0;
};

std::vector<NginxToken> tokenize_nginx(const std::string& text);

// One directive: its words (name first) and, for `name ... { }`, the directives inside.
struct NginxDirective {
  std::vector<NginxToken> words;
  bool has_block = false;
  std::vector<NginxDirective> block;
  const NginxToken& head() const { return words.front(); }
  std::string text() const;  // the words joined, with ";" (or " {" for a block)
};

// The directives of the file, nested as written; an unbalanced "}" or "{" is reported by `bad`
// (line, column, message) and the rest still read.
std::vector<NginxDirective> parse_nginx(const std::vector<NginxToken>& tokens,
                                        std::vector<std::pair<NginxToken, std::string>>& bad);

}  // namespace lbsim::scenarios
