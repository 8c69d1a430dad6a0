// Error messages quote what the user gave (a file's text, a value): a binary file's bytes would
// reach the terminal raw, as control sequences or broken characters. Every message printed goes
// through printable(): bytes that are not printable text become \xNN.
#pragma once

#include <string>
#include <string_view>

namespace lbsim::cli {

// Printable ASCII, tabs, newlines and well-formed UTF-8 sequences of printable characters are kept;
// any other byte (control characters such as ESC, DEL, invalid UTF-8) is written as \xNN.
std::string printable(std::string_view text);

// printable(text) and a newline on standard error.
void print_error(std::string_view text);

}  // namespace lbsim::cli
