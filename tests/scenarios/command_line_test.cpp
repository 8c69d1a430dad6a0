// The lbsim command line as a user meets it: exit statuses, hints for the usual slips, files that
// are not what the command expects, and binary files whose bytes must not reach the terminal.
#include "tests/support/run_command.hpp"

#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

using Catch::Contains;

namespace {

const std::string kExamples = std::string(LBSIM_SOURCE_DIR) + "/examples";

// `lbsim ARGS` with standard error merged into standard output: (exit status, output).
std::pair<int, std::string> run_lbsim(const std::string& args)
{
  const std::string command = std::string(LBSIM_BINARY) + " " + args + " 2>&1";
  return ::lbsim::test::run_command(command);
}

}  // namespace

TEST_CASE("usage errors exit with status 2, and lbsim --help lists the exit statuses", "[cli]")
{
  for (const std::string& args : std::vector<std::string>{"", "rnu examples/mm1.yaml", "run",
                                                           "run " + kExamples + "/mm1.yaml --no-such-option",
                                                           "trace " + kExamples + "/mm1.yaml -n 0", "run a.yaml b.yaml"}) {
    INFO("lbsim " << args);
    const auto [status, output] = run_lbsim(args);
    CHECK(status == 2);
    CHECK_THAT(output, Contains("--help"));
  }
  const auto [status, help] = run_lbsim("--help");
  CHECK(status == 0);
  CHECK_THAT(help, Contains("Exit status:"));
  CHECK_THAT(help, Contains("2  a usage error"));
  CHECK_THAT(help, Contains("3  lbsim plan: nothing in the search space meets the SLO"));
  // A wrong file is 1, not 2: the command line was right.
  CHECK(run_lbsim("check " + kExamples + "/mistakes/misspelt-algorithm.yaml").first == 1);
}

TEST_CASE("a misspelt command gets a did-you-mean", "[cli]")
{
  const auto [status, output] = run_lbsim("rnu " + kExamples + "/mm1.yaml");
  CHECK(status == 2);
  CHECK_THAT(output, Contains("lbsim: \"rnu\" is not a command; did you mean \"run\"?"));
  CHECK_THAT(run_lbsim("chekc x.yaml").second, Contains("did you mean \"check\"?"));
  CHECK_THAT(run_lbsim("frobnicate").second, Contains("\"frobnicate\" is not a command (the commands: lbsim --help)"));
}

TEST_CASE("a scenario key given as an option points to --set", "[cli]")
{
  const auto [status, output] = run_lbsim("run " + kExamples + "/mm1.yaml --seed 3");
  CHECK(status == 2);
  CHECK_THAT(output, Contains("--seed is not an option; a scenario's values change with --set: --set seed=3"));
  CHECK_THAT(run_lbsim("run " + kExamples + "/mm1.yaml --duration=10s").second, Contains("--set duration=10s"));
  // A misspelt option of the command: the option it resembles.
  CHECK_THAT(run_lbsim("run " + kExamples + "/mm1.yaml --qiuet").second, Contains("unknown option --qiuet; did you mean \"--quiet\"?"));
}

TEST_CASE("lbsim plan and lbsim study given a scenario say so", "[cli]")
{
  const auto [status, output] = run_lbsim("plan " + kExamples + "/mm1.yaml");
  CHECK(status == 1);
  CHECK_THAT(output, Contains("mm1.yaml:1:1: error: this is a scenario, not a plan file"));
  CHECK_THAT(output, Contains("run a scenario with lbsim run"));
  const auto [study_status, study_output] = run_lbsim("plan " + kExamples + "/algorithms-study.yaml");
  CHECK(study_status == 1);
  CHECK_THAT(study_output, Contains("this is a study, not a plan file"));
  CHECK_THAT(run_lbsim("study " + kExamples + "/mm1.yaml").second, Contains("this is a scenario file, not a study"));
}

TEST_CASE("a binary file's bytes never reach the terminal", "[cli]")
{
  const std::string path = (std::filesystem::temp_directory_path() / "lbsim-binary-test.yaml").string();
  {
    std::ofstream out(path, std::ios::binary);
    // ESC sequences (clear screen, set title), a bell, NUL, DEL and bytes that are not UTF-8.
    const char bytes[] = "\x7f" "ELF\x02\x01\x01\x00\x1b[2J\x1b]0;owned\x07 name: \xff\xfe\x80 seed: 1\n\x1b[31m: red\n";
    out.write(bytes, sizeof bytes - 1);
  }
  for (const std::string& command : std::vector<std::string>{"check", "run", "trace", "plan", "study"}) {
    INFO("lbsim " << command);
    const auto [status, output] = run_lbsim(command + " " + path);
    CHECK(status == 1);
    CHECK_THAT(output, Contains(path));
    for (const char c : output) {
      const auto byte = static_cast<unsigned char>(c);
      INFO("byte " << static_cast<int>(byte) << " in: " << output);
      REQUIRE((byte == '\n' || byte == '\t' || (byte >= 0x20 && byte < 0x7f)));
    }
  }
  std::filesystem::remove(path);
  // UTF-8 text is kept as it is: a name in Japanese is quoted readably.
  const auto [status, output] = run_lbsim("check " + kExamples + "/web-api.yaml --set 'balancer.algorithm=ラウンドロビン'");
  CHECK(status == 1);
  CHECK_THAT(output, Contains("ラウンドロビン"));
}
