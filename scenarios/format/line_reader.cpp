#include "scenarios/format/line_reader.hpp"

#include "scenarios/format/text_file.hpp"

namespace lbsim::scenarios {

LineReader::LineReader(const std::string& path, std::uintmax_t max_bytes, const std::string& expected)
{
  if (std::string problem = file_problem(path, max_bytes, expected); !problem.empty()) throw TextFileError(problem);
  in_.open(path, std::ios::binary);
  if (!in_) throw TextFileError("cannot open this file (permission denied?); " + expected);
}

bool LineReader::next(std::string& line)
{
  line.clear();
  std::streambuf* buffer = in_.rdbuf();
  for (;;) {
    const int c = buffer->sbumpc();
    if (c == std::char_traits<char>::eof()) {
      if (line.empty()) return false;
      break;
    }
    if (c == '\n') break;
    if (c == 0)
      throw TextFileError("this line holds a NUL byte, as binary files do; expected text");
    if (line.size() >= kMaxLineBytes)
      throw TextFileError("this line is longer than " + std::to_string(kMaxLineBytes) +
                          " bytes; expected short text lines");
    line.push_back(static_cast<char>(c));
  }
  ++line_number_;
  return true;
}

}  // namespace lbsim::scenarios
