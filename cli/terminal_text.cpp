#include "cli/terminal_text.hpp"

#include <cstdio>

namespace lbsim::cli {

namespace {

// The length of the well-formed UTF-8 sequence at text[i] of two or more bytes, or 0 (RFC 3629:
// no overlong forms, no surrogates, nothing past U+10FFFF; C1 controls U+0080..U+009F refused too).
size_t utf8_sequence(std::string_view text, size_t i)
{
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(i);
  size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) length = 2;
  else if (b0 == 0xE0) length = 3, low = 0xA0;
  else if (b0 >= 0xE1 && b0 <= 0xEC) length = 3;
  else if (b0 == 0xED) length = 3, high = 0x9F;
  else if (b0 >= 0xEE && b0 <= 0xEF) length = 3;
  else if (b0 == 0xF0) length = 4, low = 0x90;
  else if (b0 >= 0xF1 && b0 <= 0xF3) length = 4;
  else if (b0 == 0xF4) length = 4, high = 0x8F;
  else return 0;
  if (i + length > text.size()) return 0;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (size_t k = 2; k < length; ++k)
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  if (b0 == 0xC2 && byte(i + 1) <= 0x9F) return 0;  // C1 control characters
  return length;
}

}  // namespace

std::string printable(std::string_view text)
{
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c >= 0x20 && c < 0x7F) || c == '\n' || c == '\t') {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    if (const size_t n = utf8_sequence(text, i)) {
      out.append(text.substr(i, n));
      i += n;
      continue;
    }
    static const char* const kHex = "0123456789abcdef";
    out += "\\x";
    out += kHex[c >> 4];
    out += kHex[c & 0xF];
    ++i;
  }
  return out;
}

void print_error(std::string_view text)
{
  const std::string safe = printable(text);
  std::fprintf(stderr, "%s\n", safe.c_str());
}

}  // namespace lbsim::cli
