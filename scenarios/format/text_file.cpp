#include "scenarios/format/text_file.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace lbsim::scenarios {

std::optional<std::string> read_text_file(const std::string& path)
{
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace lbsim::scenarios
