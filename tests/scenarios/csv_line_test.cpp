// How result files write numbers (CsvLine, and format_number/format_seconds on the same code):
// the texts below are the ones the files had before CsvLine, so the time series did not change.
#include "scenarios/results/csv_line.hpp"
#include "scenarios/results/results_writer.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <utility>
#include <vector>

using lbsim::scenarios::CsvLine;
using lbsim::scenarios::format_number;
using lbsim::scenarios::format_seconds;

TEST_CASE("numbers: the shortest form that reads back exactly, nan when not finite", "[csv]")
{
  const std::vector<std::pair<double, std::string>> cases = {
      {0.0, "0"}, {-0.0, "-0"}, {1.0, "1"}, {0.1, "0.1"}, {1.0 / 3.0, "0.3333333333333333"}, {5.4796, "5.4796"},
      {1e-9, "1e-09"}, {123456789.125, "123456789.125"}, {1e300, "1e+300"}, {-2.5, "-2.5"},
      {std::numeric_limits<double>::quiet_NaN(), "nan"}, {std::numeric_limits<double>::infinity(), "nan"}};
  for (const auto& [value, text] : cases) {
    CsvLine line;
    line.number(value);
    CHECK(line.str() == text);
    CHECK(format_number(value) == text);
  }
}

TEST_CASE("seconds: exact decimals of the nanoseconds, no trailing zeros", "[csv]")
{
  const std::vector<std::pair<int64_t, std::string>> cases = {
      {0, "0"}, {1, "0.000000001"}, {10, "0.00000001"}, {100'000'000, "0.1"}, {1'500'000'000, "1.5"},
      {166'666'667, "0.166666667"}, {-2'000'000'001, "-2.000000001"}, {3'600'000'000'000, "3600"},
      {std::numeric_limits<int64_t>::max(), "9223372036.854775807"},
      {std::numeric_limits<int64_t>::min(), "-9223372036.854775808"}};
  for (const auto& [ns, text] : cases) {
    CsvLine line;
    line.seconds(ns);
    CHECK(line.str() == text);
    CHECK(format_seconds(ns) == text);
  }
}

TEST_CASE("CsvLine separates fields with commas, empty ones included, and starts over after a row", "[csv]")
{
  std::FILE* sink = std::tmpfile();
  REQUIRE(sink != nullptr);
  CsvLine line;
  line.text("").text("b").integer(18446744073709551615ull).number(0.5).text("");
  CHECK(line.str() == ",b,18446744073709551615,0.5,");
  CHECK(line.write_to(sink));
  line.text("x").integer(0);
  CHECK(line.str() == "x,0");
  CHECK(line.write_to(sink));
  std::rewind(sink);
  char text[64] = {};
  CHECK(std::fread(text, 1, sizeof text - 1, sink) == 33);
  CHECK(std::string(text) == ",b,18446744073709551615,0.5,\nx,0\n");
  std::fclose(sink);
}
