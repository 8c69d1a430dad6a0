// Reads a trace or data file line by line within limits: the file must be a regular file of at
// most `max_bytes` (checked before reading, see text_file.hpp), no line may be longer than
// kMaxLineBytes, and no line may hold a NUL byte, so a huge or binary file is an error at its
// line instead of a program that reads without end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>

namespace lbsim::scenarios {

inline constexpr std::size_t kMaxLineBytes = 4096;

class LineReader {
public:
  // Throws TextFileError when the file cannot be read at all (file_problem()).
  LineReader(const std::string& path, std::uintmax_t max_bytes, const std::string& expected);

  // The next line (without its '\n') in `line`; false at the end. Throws TextFileError when the
  // line (number line_number() + 1) is too long or holds a NUL byte.
  bool next(std::string& line);
  int line_number() const { return line_number_; }

private:
  std::ifstream in_;
  int line_number_ = 0;
};

}  // namespace lbsim::scenarios
