#include "scenarios/format/text_file.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace lbsim::scenarios {

namespace fs = std::filesystem;

std::string format_bytes(std::uintmax_t bytes)
{
  char buffer[64];
  if (bytes % (1u << 20) == 0 && bytes >= (1u << 20))
    std::snprintf(buffer, sizeof buffer, "%ju MiB", bytes >> 20);
  else if (bytes >= 1000000)
    std::snprintf(buffer, sizeof buffer, "%.1f MB", static_cast<double>(bytes) / 1e6);
  else
    std::snprintf(buffer, sizeof buffer, "%ju bytes", bytes);
  return buffer;
}

std::string file_problem(const std::string& path, std::uintmax_t max_bytes, const std::string& expected)
{
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec || status.type() == fs::file_type::not_found)
    return "cannot open this file (no such file); " + expected + " (check the path)";
  switch (status.type()) {
    case fs::file_type::regular: break;
    case fs::file_type::directory: return "this is a folder; " + expected;
    case fs::file_type::character:
    case fs::file_type::block: return "this is a device (such as /dev/zero or a terminal), not a file; " + expected;
    case fs::file_type::fifo: return "this is a named pipe, not a file; " + expected;
    case fs::file_type::socket: return "this is a socket, not a file; " + expected;
    default: return "this is not a regular file; " + expected;
  }
  const std::uintmax_t size = fs::file_size(path, ec);
  if (ec) return "cannot read this file (" + ec.message() + "); " + expected;
  if (size > max_bytes)
    return "this file is " + format_bytes(size) + ", more than the " + format_bytes(max_bytes) + " lbsim reads; " + expected;
  return {};
}

std::string read_text_file(const std::string& path, const std::string& expected)
{
  if (std::string problem = file_problem(path, kMaxYamlFileBytes, expected); !problem.empty())
    throw TextFileError(problem);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw TextFileError("cannot open this file (permission denied?); " + expected);
  // Read at most one byte past the size seen: a file that grows after the check is still bounded.
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(path, ec);
  std::string text(static_cast<std::size_t>(ec ? kMaxYamlFileBytes : size) + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) throw TextFileError("cannot read this file; " + expected);
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxYamlFileBytes || (!ec && text.size() > size))
    throw TextFileError("this file grew while it was read; " + expected);
  return text;
}

}  // namespace lbsim::scenarios

namespace lbsim::scenarios {

std::string parent_folder(const std::string& path)
{
  const fs::path p(path);
  return p.has_parent_path() ? p.parent_path().string() : ".";
}

}  // namespace lbsim::scenarios
