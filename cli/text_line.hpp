// printf-style formatting into a std::string of whatever length the text needs, for the printed
// summary's lines.
#pragma once

#include <cstdio>
#include <string>

namespace lbsim::cli {

template <typename... Args>
std::string line(const char* format, Args... args)
{
  const int size = std::snprintf(nullptr, 0, format, args...);
  if (size <= 0) return {};
  std::string text(static_cast<size_t>(size) + 1, '\0');
  std::snprintf(text.data(), text.size(), format, args...);
  text.pop_back();
  return text;
}

}  // namespace lbsim::cli
