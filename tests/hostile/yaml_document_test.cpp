// The YAML document loader's checks in process: where empty values point, the alias count just
// under and over its limit, nesting, binary bytes, and --set values.
#include "scenarios/format/loader.hpp"
#include "scenarios/format/yaml_document.hpp"
#include "scenarios/format/yaml_reader.hpp"
#include "tests/support/load_error.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>

using namespace lbsim;
using Catch::Contains;
using Catch::StartsWith;

namespace {

// Levels of `fan` aliases each: the last level repeats fan^levels values.
std::string aliases(int levels, int fan)
{
  std::string text = "x0: &x0 [1]\n";
  for (int l = 1; l <= levels; ++l) {
    text += "x" + std::to_string(l) + ": &x" + std::to_string(l) + " [";
    for (int k = 0; k < fan; ++k) text += (k ? ", *x" : "*x") + std::to_string(l - 1);
    text += "]\n";
  }
  return text;
}

}  // namespace

TEST_CASE("an empty value is reported at its key, at once even beside many aliases", "[hostile][yaml]")
{
  // 16 + 136 + 1096 + 8776 + 70216 = 80240 aliased values (under the limit), then an empty value.
  const std::string text = aliases(5, 8) + "name:\n";
  const auto started = std::chrono::steady_clock::now();
  scenarios::YamlReader reader("doc.yaml");
  const YAML::Node root = scenarios::load_yaml_document(text, reader, "empty");
  const scenarios::SourceLocation at = reader.where(root["name"]);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  CHECK(at.line == 7);  // the "name:" line, not wherever the next token is
  CHECK(at.column == 1);
  CHECK(seconds < 2.0);
}

TEST_CASE("aliases may add 100000 values in all, and the alias past that is the error", "[hostile][yaml]")
{
  scenarios::YamlReader reader("doc.yaml");
  // x0 holds 2 values, x1 21, x2 211, x3 2111, x4 21111: 23450 added by aliases, fine.
  CHECK_NOTHROW(scenarios::load_yaml_document(aliases(4, 10), reader, "empty"));
  // x5's fourth alias of x4 takes the count past 100000: the error is at x5's line.
  try {
    scenarios::load_yaml_document(aliases(5, 10), reader, "empty");
    FAIL("no error");
  } catch (const scenarios::ScenarioError& e) {
    CHECK(e.where().line == 6);
    CHECK_THAT(e.message(), StartsWith("the aliases up to *x4 repeat more than 100000 values in all"));
  }
}

TEST_CASE("nesting deeper than 100 levels is refused, and 99 levels are not", "[hostile][yaml]")
{
  CHECK_THAT(test::load_error("name: " + std::string(101, '[') + std::string(101, ']') + "\n"),
             StartsWith("1:") && Contains("nested more than 100 levels"));
  CHECK_THAT(test::load_error("name: " + std::string(99, '[') + std::string(99, ']') + "\n"),
             !Contains("nested"));
}

TEST_CASE("binary bytes are named in hex at their line and column, never echoed", "[hostile][yaml]")
{
  int line = 0, column = 0;
  CHECK(scenarios::binary_content("a: 1\nb: caf\xc3\xa9\n", "the file", line, column).empty());  // UTF-8
  CHECK(scenarios::binary_content("a: 1\nb: x\x01y\n", "the file", line, column) ==
        "the file holds a control character (byte 0x01); expected YAML text");
  CHECK(line == 2);
  CHECK(column == 5);
  CHECK(scenarios::binary_content("a: \xff", "the file", line, column) ==
        "the file is not UTF-8 text (byte 0xff); expected YAML text saved as UTF-8");
  CHECK(column == 4);
  // A message quoting a value with an escape character shows it as \x1b.
  const std::string error = test::load_error("name: t\nduration: \"\\e[2J\"\nclients: [{arrivals: {process: poisson, "
                                             "rate: 10/s}, mix: [{work: 5 ms}]}]\nservers: [{name: web}]\n");
  CHECK(error.find('\x1b') == std::string::npos);
  CHECK_THAT(error, Contains("\\x1b[2J"));
}

TEST_CASE("a --set value goes through the same checks", "[hostile][yaml]")
{
  CHECK_THROWS_WITH(scenarios::load_yaml_value("[" + std::string(200, '[')),
                    Contains("nested more than 100 levels deep") && Contains("(at character "));
  CHECK_THROWS_WITH(scenarios::load_yaml_value("&a [*a]"), Contains("the alias *a is inside the node it names"));
  CHECK(scenarios::load_yaml_value("{a: 1, b: [2, 3]}").IsMap());
}
