// Helpers for the hostile-input tests: a scratch folder, files written byte for byte, and the real
// lbsim binary run with a time limit (a hang is a failure, not a stuck test).
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace lbsim::test {

struct Outcome {
  int status = -1;
  std::string output;  // stdout and stderr
};

inline std::filesystem::path scratch_dir(const std::string& name)
{
  const auto dir = std::filesystem::temp_directory_path() / ("lbsim-hostile-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline std::string write_file(const std::filesystem::path& path, const std::string& bytes)
{
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  return path.string();
}

inline std::string quote(const std::string& s)
{
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// `lbsim ARGS` (each argument quoted here), at most `seconds` long (timeout's 124 otherwise).
inline Outcome run_lbsim(const std::vector<std::string>& args, int seconds = 120)
{
  std::string command = "timeout " + std::to_string(seconds) + " " + std::string(LBSIM_BINARY);
  for (const std::string& a : args) command += " " + quote(a);
  command += " 2>&1";
  Outcome out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return out;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.output.append(buffer, n);
  const int status = ::pclose(pipe);
  out.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return out;
}

// A valid scenario; `extra` lines are added at the top level, `server` is the server item's flow map body.
inline std::string scenario(const std::string& extra = {}, const std::string& rate = "100/s",
                            const std::string& server = "name: web")
{
  return "name: hostile\nduration: 2 s\n"
         "clients: [{arrivals: {process: poisson, rate: " + rate + "}, mix: [{work: 5 ms}]}]\n"
         "servers: [{" + server + "}]\n" + extra;
}

}  // namespace lbsim::test
