// Running a shell command from a test: its exit status and what it printed on standard output
// (append " 2>&1" to the command to get standard error too).
#pragma once

#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <string>
#include <utility>

namespace lbsim::test {

inline std::pair<int, std::string> run_command(const std::string& command)
{
  std::FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string output;
  char buffer[4096];
  for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) output.append(buffer, n);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

}  // namespace lbsim::test
