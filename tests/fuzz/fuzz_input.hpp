// What a fuzz input means, shared by the harnesses: the bytes are a file's text, except that
// leading lines "#set KEY=VALUE" are --set overrides (so the fuzzer mutates both at once).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace lbsim::fuzz {

struct FuzzInput {
  std::string text;
  std::vector<std::string> overrides;
};

inline FuzzInput split_input(const uint8_t* data, std::size_t size)
{
  FuzzInput in;
  std::string all(reinterpret_cast<const char*>(data), size);
  std::size_t pos = 0;
  while (all.compare(pos, 5, "#set ") == 0) {
    const std::size_t end = all.find('\n', pos);
    const std::size_t stop = end == std::string::npos ? all.size() : end;
    in.overrides.push_back(all.substr(pos + 5, stop - pos - 5));
    pos = end == std::string::npos ? all.size() : end + 1;
  }
  in.text = all.substr(pos);
  return in;
}

}  // namespace lbsim::fuzz
