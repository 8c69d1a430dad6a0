// CsvLine writes the same text as format_number and format_seconds, the forms the rest of the
// result files use, so the time series did not change when their formatting got faster.
#include "scenarios/csv_line.hpp"
#include "scenarios/results_writer.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

using lbsim::scenarios::CsvLine;
using lbsim::scenarios::format_number;
using lbsim::scenarios::format_seconds;

TEST_CASE("CsvLine numbers read as format_number writes them", "[csv]")
{
  for (double v : {0.0, -0.0, 1.0, 0.1, 1.0 / 3.0, 5.4796, 1e-9, 123456789.125, 1e300, -2.5,
                   std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()}) {
    CsvLine line;
    line.number(v);
    CHECK(line.str() == format_number(v));
  }
}

TEST_CASE("CsvLine seconds read as format_seconds writes them", "[csv]")
{
  for (int64_t ns : {int64_t{0}, int64_t{1}, int64_t{10}, int64_t{100'000'000}, int64_t{1'500'000'000},
                     int64_t{166'666'667}, int64_t{-2'000'000'001}, int64_t{3'600'000'000'000},
                     std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min()}) {
    CsvLine line;
    line.seconds(ns);
    CHECK(line.str() == format_seconds(ns));
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
