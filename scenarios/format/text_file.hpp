// Reading the files a scenario names, within limits: a scenario, study or plan file is read whole
// (up to kMaxYamlFileBytes), a trace or data file line by line (see line_reader.hpp). Anything
// that is not a regular file (a folder, a device such as /dev/zero, a named pipe) is refused
// before a byte is read, so no input makes lbsim read without end.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace lbsim::scenarios {

// A scenario is a page or two of YAML; 8 MiB leaves room for long inline scripts and lists.
inline constexpr std::uintmax_t kMaxYamlFileBytes = 8u << 20;

// Why a file cannot be read ("this is a device (such as /dev/zero ...), not a file; expected ...");
// callers put the file's name and their own location in front.
class TextFileError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

// Empty when `path` names a regular file of at most `max_bytes`; otherwise what is wrong with it,
// ending with `expected` ("this is a folder; expected a scenario file (YAML)").
std::string file_problem(const std::string& path, std::uintmax_t max_bytes, const std::string& expected);

// The whole text of a scenario, study or plan file; throws TextFileError (with `expected`, e.g.
// "expected a scenario file (YAML)", at its end) when file_problem() has something to say.
std::string read_text_file(const std::string& path, const std::string& expected);

// The folder that relative paths inside the file at `path` resolve against ("." for a bare name).
std::string parent_folder(const std::string& path);

// "8 MiB", "52.4 MB": byte counts as the messages print them.
std::string format_bytes(std::uintmax_t bytes);

}  // namespace lbsim::scenarios
