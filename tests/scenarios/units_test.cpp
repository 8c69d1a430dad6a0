#include "scenarios/format/units.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <string>

using namespace lbsim::scenarios;
using Catch::Contains;

namespace {

constexpr int64_t kUs = 1'000;
constexpr int64_t kMs = 1'000'000;
constexpr int64_t kS = 1'000'000'000;

int64_t ns(std::string_view text)
{
  const UnitResult<int64_t> result = parse_time_ns(text);
  INFO(text << ": " << result.error);
  REQUIRE(result.ok());
  CHECK(result.error.empty());
  return *result.value;
}

std::string time_error(std::string_view text)
{
  const UnitResult<int64_t> result = parse_time_ns(text);
  INFO(text);
  REQUIRE_FALSE(result.ok());
  return result.error;
}

template <typename Parser>
double value(Parser parse, std::string_view text)
{
  const UnitResult<double> result = parse(text);
  INFO(text << ": " << result.error);
  REQUIRE(result.ok());
  CHECK(result.error.empty());
  return *result.value;
}

template <typename Parser>
std::string error(Parser parse, std::string_view text)
{
  const UnitResult<double> result = parse(text);
  INFO(text);
  REQUIRE_FALSE(result.ok());
  CHECK_FALSE(result.value.has_value());
  return result.error;
}

}  // namespace

// ---------------------------------------------------------------------------------------------- time

TEST_CASE("time: every unit", "[scenarios][units]")
{
  CHECK(ns("250 ns") == 250);
  CHECK(ns("40 us") == 40 * kUs);
  CHECK(ns("4 ms") == 4 * kMs);
  CHECK(ns("1.5 s") == 1'500 * kMs);
  CHECK(ns("10 min") == 600 * kS);
  CHECK(ns("2 h") == 7'200 * kS);
  CHECK(ns("1 d") == 86'400 * kS);
}

TEST_CASE("time: aliases", "[scenarios][units]")
{
  CHECK(ns("1 \u00B5s") == kUs);  // micro sign
  CHECK(ns("1 \u03BCs") == kUs);  // Greek mu
  for (const char* text : {"3 nsec", "3 nsecs", "3 nanosecond", "3 nanoseconds"}) CHECK(ns(text) == 3);
  for (const char* text : {"3 usec", "3 usecs", "3 microsecond", "3 microseconds"}) CHECK(ns(text) == 3 * kUs);
  for (const char* text : {"3 msec", "3 msecs", "3 millisecond", "3 milliseconds"}) CHECK(ns(text) == 3 * kMs);
  for (const char* text : {"3 sec", "3 secs", "3 second", "3 seconds"}) CHECK(ns(text) == 3 * kS);
  for (const char* text : {"3 mins", "3 minute", "3 minutes"}) CHECK(ns(text) == 180 * kS);
  for (const char* text : {"3 hr", "3 hrs", "3 hour", "3 hours"}) CHECK(ns(text) == 10'800 * kS);
  for (const char* text : {"3 day", "3 days"}) CHECK(ns(text) == 259'200 * kS);
}

TEST_CASE("time: spacing is optional and surrounding whitespace ignored", "[scenarios][units]")
{
  CHECK(ns("250ms") == 250 * kMs);
  CHECK(ns("250 ms") == 250 * kMs);
  CHECK(ns("250   ms") == 250 * kMs);
  CHECK(ns("250\tms") == 250 * kMs);
  CHECK(ns("  250 ms \n") == 250 * kMs);
  CHECK(ns("+250 ms") == 250 * kMs);
}

TEST_CASE("time: decimals and exponents", "[scenarios][units]")
{
  CHECK(ns("0.5 s") == 500 * kMs);
  CHECK(ns(".5 s") == 500 * kMs);
  CHECK(ns("5. s") == 5 * kS);
  CHECK(ns("1e3 us") == kMs);
  CHECK(ns("1E3us") == kMs);
  CHECK(ns("1.5e-3 h") == 5'400 * kMs);
  CHECK(ns("2.5e+2ms") == 250 * kMs);
  CHECK(ns("0 s") == 0);
  CHECK(ns("000250 ms") == 250 * kMs);
}

TEST_CASE("time: exact decimal arithmetic, rounded to the nearest nanosecond", "[scenarios][units]")
{
  CHECK(ns("1.5 ns") == 2);  // half rounds away from zero
  CHECK(ns("2.5 ns") == 3);
  CHECK(ns("1.4999 ns") == 1);
  CHECK(ns("0.0000000005 s") == 1);
  CHECK(ns("0.0000000004999 s") == 0);
  CHECK(ns("1e-30 s") == 0);
  // Values a double would get wrong by a few nanoseconds.
  CHECK(ns("0.1 s") == 100 * kMs);
  CHECK(ns("1.001 s") == 1'001 * kMs);
  CHECK(ns("9007199.254740993 s") == 9'007'199'254'740'993);  // 2^53 + 1: no double holds it
  CHECK(ns("100000.000000001 d") == 8'640'000'000'000'086'400);
  CHECK(ns("1.0000000000000000001 d") == 86'400 * kS);
}

TEST_CASE("time: the int64 limit", "[scenarios][units]")
{
  CHECK(ns("9223372036.854775807 s") == std::numeric_limits<int64_t>::max());
  CHECK(ns("9223372036854775807 ns") == std::numeric_limits<int64_t>::max());
  CHECK_THAT(time_error("9223372036854775808 ns"), Contains("is too large") && Contains("292 years"));
  CHECK_THAT(time_error("9223372036.854775808 s"), Contains("is too large"));
  CHECK_THAT(time_error("300 years"), Contains("expected a time"));
  CHECK_THAT(time_error("1e30 s"), Contains("a time of \"1e30 s\" is too large"));
  CHECK_THAT(time_error("1e999999999 s"), Contains("is too large"));
  CHECK_THAT(time_error("107000 d"), Contains("is too large"));
}

TEST_CASE("time: errors", "[scenarios][units]")
{
  const std::string units = "(units: ns, us, ms, s, min, h, d)";
  CHECK(time_error("4 Mbps") == "\"Mbps\" is a bandwidth unit, but a time is expected here " + units);
  CHECK(time_error("20 KB") == "\"KB\" is a size unit, but a time is expected here " + units);
  CHECK_THAT(time_error("800/s"), Contains("\"/s\" is a rate unit, but a time is expected here"));
  CHECK_THAT(time_error("5%"), Contains("\"%\" is a percentage sign, but a time is expected here"));
  CHECK(time_error("") == "expected a time such as \"250 ms\" " + units + ", got an empty value");
  CHECK_THAT(time_error("   "), Contains("got an empty value"));
  CHECK(time_error("250") == "a unit is required: expected a time such as \"250 ms\" " + units + ", got \"250\"");
  CHECK_THAT(time_error("1e3"), Contains("a unit is required"));
  CHECK(time_error("-5 ms") == "a time must not be negative, got \"-5 ms\"");
  CHECK_THAT(time_error("-0 s"), Contains("must not be negative"));
  CHECK(time_error("nan s") == "a time must be a finite number, got \"nan s\"");
  CHECK_THAT(time_error("inf"), Contains("must be a finite number"));
  CHECK_THAT(time_error("Infinity ms"), Contains("must be a finite number"));
  CHECK_THAT(time_error("+inf s"), Contains("must be a finite number"));
  CHECK_THAT(time_error("abc"), Contains("expected a time such as \"250 ms\"") && Contains("got \"abc\""));
  CHECK_THAT(time_error("ms"), Contains("got \"ms\""));
  CHECK_THAT(time_error(". s"), Contains("expected a time"));
  CHECK_THAT(time_error("1,000 ms"), Contains("without thousands separators"));
  CHECK_THAT(time_error("1_000 ms"), Contains("without thousands separators"));
  CHECK_THAT(time_error("1.5.2 s"), Contains("expected a time"));
}

TEST_CASE("time: suggestions for misspelled units", "[scenarios][units]")
{
  CHECK(time_error("10 mss") ==
        "expected a time such as \"250 ms\" (units: ns, us, ms, s, min, h, d), got \"10 mss\"; did you mean \"ms\"?");
  CHECK_THAT(time_error("10 MS"), Contains("did you mean \"ms\"?"));
  CHECK_THAT(time_error("10 secnds"), Contains("did you mean \"s\"?"));        // via the alias "seconds"
  CHECK_THAT(time_error("10 miliseconds"), Contains("did you mean \"ms\"?"));  // via "milliseconds"
  CHECK_THAT(time_error("10 hors"), Contains("did you mean \"h\"?"));
  CHECK_THAT(time_error("10 xyz"), !Contains("did you mean"));
  CHECK(time_error("10 m") == "\"m\" is ambiguous: write \"min\" for minutes or \"ms\" for milliseconds, got \"10 m\"");
}

TEST_CASE("format_time renders durations readably", "[scenarios][units]")
{
  CHECK(format_time(0) == "0 s");
  CHECK(format_time(250) == "250 ns");
  CHECK(format_time(40 * kUs) == "40 us");
  CHECK(format_time(4 * kMs) == "4 ms");
  CHECK(format_time(1'500 * kMs) == "1.5 s");
  CHECK(format_time(120 * kS) == "2 min");
  CHECK(format_time(150 * kS) == "2.5 min");
  CHECK(format_time(3 * 3'600 * kS) == "3 h");
  CHECK(format_time(36 * 3'600 * kS) == "1.5 d");
  CHECK(format_time(25 * 3'600 * kS) == "25 h");      // 1.041666 d would need rounding
  CHECK(format_time(61 * kS) == "61 s");              // not "1.017 min"
  CHECK(format_time(1'234'567'891) == "1.235 s");     // no exact form in a few digits: rounded
  CHECK(format_time(999'999'999) == "1 s");           // rounding carries into the next unit
  CHECK(format_time(59'999'999'999) == "1 min");
  CHECK(format_time(-4 * kMs) == "-4 ms");
  CHECK(format_time(std::numeric_limits<int64_t>::min()) == "-106751.991 d");
  CHECK(format_time(std::numeric_limits<int64_t>::max()) == "106751.991 d");
}

TEST_CASE("format_time output parses back", "[scenarios][units]")
{
  for (const int64_t t : {int64_t{1}, int64_t{999}, 40 * kUs, 1'500 * kMs, 61 * kS, 150 * kS, 5'400 * kS,
                          36 * 3'600 * kS})
    CHECK(ns(format_time(t)) == t);
}

// ---------------------------------------------------------------------------------------------- rate

TEST_CASE("rate: every unit", "[scenarios][units]")
{
  CHECK(value(parse_rate_per_s, "800/s") == 800.0);
  CHECK(value(parse_rate_per_s, "100/min") == Approx(100.0 / 60.0));
  CHECK(value(parse_rate_per_s, "3/h") == Approx(3.0 / 3600.0));
  CHECK(value(parse_rate_per_s, "2/d") == Approx(2.0 / 86400.0));
  CHECK(value(parse_rate_per_s, "5/ms") == 5000.0);
  CHECK(value(parse_rate_per_s, "2/us") == 2e6);
  CHECK(value(parse_rate_per_s, "1/ns") == 1e9);
  CHECK(value(parse_rate_per_s, "1/\u00B5s") == 1e6);
  CHECK(value(parse_rate_per_s, "60/minute") == Approx(1.0));
  CHECK(value(parse_rate_per_s, "7/sec") == 7.0);
}

TEST_CASE("rate: spacing, decimals and exponents", "[scenarios][units]")
{
  CHECK(value(parse_rate_per_s, "800 /s") == 800.0);
  CHECK(value(parse_rate_per_s, "800/ s") == 800.0);
  CHECK(value(parse_rate_per_s, "800 / s") == 800.0);
  CHECK(value(parse_rate_per_s, " 1.5e3/s ") == 1500.0);
  CHECK(value(parse_rate_per_s, "0/s") == 0.0);
}

TEST_CASE("rate: errors", "[scenarios][units]")
{
  CHECK_THAT(error(parse_rate_per_s, "800"), Contains("a unit is required") && Contains("\"800/s\""));
  CHECK_THAT(error(parse_rate_per_s, "800 s"),
             Contains("\"s\" is a time unit, but a rate is expected here") && Contains("did you mean \"/s\"?"));
  CHECK_THAT(error(parse_rate_per_s, "800 rps"), Contains("did you mean \"/s\"?"));
  CHECK_THAT(error(parse_rate_per_s, "800 req/min"), Contains("did you mean \"/min\"?"));
  CHECK_THAT(error(parse_rate_per_s, "800/m"), Contains("\"/m\" is ambiguous"));
  CHECK(value(parse_rate_per_s, "800/hr") == Approx(800.0 / 3600.0));  // an alias, not an error
  CHECK_THAT(error(parse_rate_per_s, "800/mins!"), Contains("did you mean \"/min\"?"));
  CHECK_THAT(error(parse_rate_per_s, "800 per s"), Contains("expected a rate such as \"800/s\""));
  CHECK(error(parse_rate_per_s, "-1/s") == "a rate must not be negative, got \"-1/s\"");
  CHECK_THAT(error(parse_rate_per_s, "nan/s"), Contains("must be a finite number"));
  CHECK_THAT(error(parse_rate_per_s, "1e400/s"), Contains("a rate of \"1e400/s\" is too large"));
  CHECK_THAT(error(parse_rate_per_s, "1e300/ns"), Contains("is too large"));
  CHECK_THAT(error(parse_rate_per_s, ""), Contains("got an empty value"));
  CHECK_THAT(error(parse_rate_per_s, "5 Mbps"), Contains("is a bandwidth unit, but a rate is expected here"));
}

TEST_CASE("format_rate picks the first unit that gives at least 1", "[scenarios][units]")
{
  CHECK(format_rate(800.0) == "800/s");
  CHECK(format_rate(1.5) == "1.5/s");
  CHECK(format_rate(1.0) == "1/s");
  CHECK(format_rate(100.0 / 60.0) == "1.667/s");
  CHECK(format_rate(0.5) == "30/min");
  CHECK(format_rate(1.0 / 60.0) == "1/min");
  CHECK(format_rate(3.0 / 3600.0) == "3/h");
  CHECK(format_rate(2.0 / 86400.0) == "2/d");
  CHECK(format_rate(1e-9) == "0/d");
  CHECK(format_rate(0.0) == "0/s");
  CHECK(format_rate(2e6) == "2000000/s");
  CHECK(*parse_rate_per_s(format_rate(0.5)).value == Approx(0.5));
}

// The topology labels each link with it: what is written must read back as the same bandwidth.
TEST_CASE("format_bandwidth picks the largest unit that gives at least 1 and reads back", "[scenarios][units]")
{
  CHECK(format_bandwidth(100e6) == "100 Mbps");
  CHECK(format_bandwidth(1.5e9) == "1.5 Gbps");
  CHECK(format_bandwidth(800e3) == "800 kbps");
  CHECK(format_bandwidth(999.0) == "999 bps");
  CHECK(format_bandwidth(2e12) == "2 Tbps");
  CHECK(format_bandwidth(999999.9999) == "1 Mbps");
  CHECK(format_bandwidth(0.0) == "0 bps");
  for (const char* text : {"100 Mbps", "1 Gbps", "10 MB/s", "56 kbps", "2.5 Gbps"}) {
    const double bps = *parse_bandwidth_bps(text).value;
    CHECK(*parse_bandwidth_bps(format_bandwidth(bps)).value == Approx(bps));
  }
}

// ---------------------------------------------------------------------------------------------- size

TEST_CASE("size: every unit, decimal and binary", "[scenarios][units]")
{
  CHECK(value(parse_size_bytes, "512 B") == 512.0);
  CHECK(value(parse_size_bytes, "20 KB") == 20'000.0);
  CHECK(value(parse_size_bytes, "1 KB") == 1000.0);
  CHECK(value(parse_size_bytes, "1 kB") == 1000.0);
  CHECK(value(parse_size_bytes, "1.5 MB") == 1.5e6);
  CHECK(value(parse_size_bytes, "2 GB") == 2e9);
  CHECK(value(parse_size_bytes, "3 TB") == 3e12);
  CHECK(value(parse_size_bytes, "64 KiB") == 65'536.0);
  CHECK(value(parse_size_bytes, "1 MiB") == 1'048'576.0);
  CHECK(value(parse_size_bytes, "1 GiB") == 1'073'741'824.0);
  CHECK(value(parse_size_bytes, "1 TiB") == 1'099'511'627'776.0);
  CHECK(value(parse_size_bytes, "5 bytes") == 5.0);
  CHECK(value(parse_size_bytes, "1 byte") == 1.0);
  CHECK(value(parse_size_bytes, "20KB") == 20'000.0);
  CHECK(value(parse_size_bytes, "2e3 B") == 2000.0);
  CHECK(value(parse_size_bytes, "0 B") == 0.0);
}

TEST_CASE("size: bits are not a size unit", "[scenarios][units]")
{
  CHECK(error(parse_size_bytes, "20 Kb") ==
        "\"Kb\" is in bits, and bits are not a size unit: a size is counted in bytes "
        "(units: B, KB, MB, GB, TB, KiB, MiB, GiB, TiB); did you mean \"KB\"?");
  CHECK_THAT(error(parse_size_bytes, "20 kb"), Contains("bits are not a size unit") && Contains("\"KB\"?"));
  CHECK_THAT(error(parse_size_bytes, "20 Mb"), Contains("bits are not a size unit") && Contains("\"MB\"?"));
  CHECK_THAT(error(parse_size_bytes, "20 Gb"), Contains("did you mean \"GB\"?"));
  CHECK_THAT(error(parse_size_bytes, "20 Tb"), Contains("did you mean \"TB\"?"));
  CHECK_THAT(error(parse_size_bytes, "20 Kib"), Contains("did you mean \"KiB\"?"));
  CHECK_THAT(error(parse_size_bytes, "20 Mbit"), Contains("bits are not a size unit") && Contains("\"MB\"?"));
  CHECK_THAT(error(parse_size_bytes, "20 b"), Contains("did you mean \"B\"?"));
  CHECK_THAT(error(parse_size_bytes, "20 bits"), Contains("did you mean \"B\"?"));
}

TEST_CASE("size: errors", "[scenarios][units]")
{
  CHECK_THAT(error(parse_size_bytes, "20"), Contains("a unit is required") && Contains("\"20 KB\""));
  CHECK_THAT(error(parse_size_bytes, "20 MB/s"),
             Contains("\"MB/s\" is a bandwidth unit, but a size is expected here") && Contains("did you mean \"MB\"?"));
  CHECK_THAT(error(parse_size_bytes, "20 Mbps"), Contains("\"Mbps\" is a bandwidth unit"));
  CHECK_THAT(error(parse_size_bytes, "20 ms"), Contains("\"ms\" is a time unit"));
  CHECK_THAT(error(parse_size_bytes, "20 KIB"), Contains("did you mean \"KiB\"?"));
  CHECK_THAT(error(parse_size_bytes, "20 K"), Contains("did you mean \"KB\"?"));
  CHECK_THAT(error(parse_size_bytes, "20 M"), Contains("did you mean \"MB\"?"));
  CHECK_THAT(error(parse_size_bytes, "20 xyz"), Contains("expected a size such as \"20 KB\"") && !Contains("did you mean"));
  CHECK(error(parse_size_bytes, "-1 KB") == "a size must not be negative, got \"-1 KB\"");
  CHECK_THAT(error(parse_size_bytes, "NaN KB"), Contains("must be a finite number"));
  CHECK_THAT(error(parse_size_bytes, "1e308 TB"), Contains("is too large"));
  CHECK_THAT(error(parse_size_bytes, ""), Contains("got an empty value"));
}

// ----------------------------------------------------------------------------------------- bandwidth

TEST_CASE("bandwidth: every bit unit", "[scenarios][units]")
{
  CHECK(value(parse_bandwidth_bps, "9600 bps") == 9600.0);
  CHECK(value(parse_bandwidth_bps, "56 kbps") == 56e3);
  CHECK(value(parse_bandwidth_bps, "56 Kbps") == 56e3);
  CHECK(value(parse_bandwidth_bps, "100 Mbps") == 100e6);
  CHECK(value(parse_bandwidth_bps, "1 Gbps") == 1e9);
  CHECK(value(parse_bandwidth_bps, "1.6 Tbps") == 1.6e12);
  CHECK(value(parse_bandwidth_bps, "1 bit/s") == 1.0);
  CHECK(value(parse_bandwidth_bps, "1 kbit/s") == 1e3);
  CHECK(value(parse_bandwidth_bps, "1 Kbit/s") == 1e3);
  CHECK(value(parse_bandwidth_bps, "1 Mbit/s") == 1e6);
  CHECK(value(parse_bandwidth_bps, "1 Gbit/s") == 1e9);
  CHECK(value(parse_bandwidth_bps, "1 Tbit/s") == 1e12);
  CHECK(value(parse_bandwidth_bps, "1 b/s") == 1.0);
  CHECK(value(parse_bandwidth_bps, "1 kb/s") == 1e3);
  CHECK(value(parse_bandwidth_bps, "1 Kb/s") == 1e3);
  CHECK(value(parse_bandwidth_bps, "1 Mb/s") == 1e6);
  CHECK(value(parse_bandwidth_bps, "1 Gb/s") == 1e9);
  CHECK(value(parse_bandwidth_bps, "1 Tb/s") == 1e12);
}

TEST_CASE("bandwidth: every byte unit is 8 bits", "[scenarios][units]")
{
  CHECK(value(parse_bandwidth_bps, "1 B/s") == 8.0);
  CHECK(value(parse_bandwidth_bps, "1 KB/s") == 8e3);
  CHECK(value(parse_bandwidth_bps, "1 kB/s") == 8e3);
  CHECK(value(parse_bandwidth_bps, "1 MB/s") == 8e6);
  CHECK(value(parse_bandwidth_bps, "1 GB/s") == 8e9);
  CHECK(value(parse_bandwidth_bps, "1 TB/s") == 8e12);
  CHECK(value(parse_bandwidth_bps, "1 KiB/s") == 8.0 * 1024);
  CHECK(value(parse_bandwidth_bps, "1 MiB/s") == 8.0 * 1024 * 1024);
  CHECK(value(parse_bandwidth_bps, "1 GiB/s") == 8.0 * 1024 * 1024 * 1024);
  CHECK(value(parse_bandwidth_bps, "1 TiB/s") == 8.0 * 1024 * 1024 * 1024 * 1024);
}

TEST_CASE("bandwidth: 1 Gbps is 125 MB/s", "[scenarios][units]")
{
  CHECK(value(parse_bandwidth_bps, "1 Gbps") == value(parse_bandwidth_bps, "125 MB/s"));
  CHECK(value(parse_bandwidth_bps, "125 MB/s") == 1e9);
  CHECK(value(parse_bandwidth_bps, "125MB/s") == 1e9);
  CHECK(value(parse_bandwidth_bps, "125 MB / s") == 1e9);
  CHECK(value(parse_bandwidth_bps, "1e3 Mbps") == 1e9);
}

TEST_CASE("bandwidth: errors", "[scenarios][units]")
{
  CHECK_THAT(error(parse_bandwidth_bps, "100"), Contains("a unit is required") && Contains("\"100 Mbps\""));
  CHECK_THAT(error(parse_bandwidth_bps, "100 MB"),
             Contains("\"MB\" is a size unit, but a bandwidth is expected here") && Contains("did you mean \"MB/s\"?"));
  CHECK_THAT(error(parse_bandwidth_bps, "100 mbps"), Contains("did you mean \"Mbps\"?"));
  CHECK_THAT(error(parse_bandwidth_bps, "100 MBps"), Contains("did you mean \"MB/s\"?"));  // not "Mbps": 8x off
  CHECK_THAT(error(parse_bandwidth_bps, "100 Mb"), Contains("did you mean \"Mbps\"?"));
  CHECK_THAT(error(parse_bandwidth_bps, "100 M"), Contains("did you mean \"Mbps\"?"));
  CHECK_THAT(error(parse_bandwidth_bps, "100 Mbs"), Contains("did you mean \"Mbps\"?"));
  CHECK_THAT(error(parse_bandwidth_bps, "10 ms"), Contains("\"ms\" is a time unit, but a bandwidth is expected here"));
  CHECK(error(parse_bandwidth_bps, "-1 Gbps") == "a bandwidth must not be negative, got \"-1 Gbps\"");
  CHECK_THAT(error(parse_bandwidth_bps, "inf Gbps"), Contains("must be a finite number"));
  CHECK_THAT(error(parse_bandwidth_bps, "1e307 TiB/s"), Contains("is too large"));
}

// --------------------------------------------------------------------------------------------- price

TEST_CASE("price: per hour from any time unit", "[scenarios][units]")
{
  CHECK(value(parse_price_per_hour, "0.10/h") == Approx(0.10));
  CHECK(value(parse_price_per_hour, "2.4/d") == Approx(0.10));
  CHECK(value(parse_price_per_hour, "0.002/min") == Approx(0.12));
  CHECK(value(parse_price_per_hour, "0.00001/s") == Approx(0.036));
  CHECK(value(parse_price_per_hour, "1/ms") == Approx(3.6e6));
  CHECK(value(parse_price_per_hour, "0.10 / hour") == Approx(0.10));
  CHECK(value(parse_price_per_hour, "1e-1/h") == Approx(0.10));
  CHECK(value(parse_price_per_hour, "0/h") == 0.0);
}

TEST_CASE("price: errors", "[scenarios][units]")
{
  CHECK_THAT(error(parse_price_per_hour, "0.10"), Contains("a unit is required") && Contains("\"0.10/h\""));
  CHECK_THAT(error(parse_price_per_hour, "0.10 h"),
             Contains("\"h\" is a time unit, but a price is expected here") && Contains("did you mean \"/h\"?"));
  CHECK_THAT(error(parse_price_per_hour, "$0.10/h"), Contains("without a currency sign"));
  CHECK_THAT(error(parse_price_per_hour, "1 USD/h"), Contains("did you mean \"/h\"?"));
  CHECK_THAT(error(parse_price_per_hour, "1/m"), Contains("is ambiguous"));
  CHECK_THAT(error(parse_price_per_hour, "1/month"), Contains("expected a price such as \"0.10/h\""));
  CHECK(error(parse_price_per_hour, "-1/h") == "a price must not be negative, got \"-1/h\"");
  CHECK_THAT(error(parse_price_per_hour, "nan/h"), Contains("must be a finite number"));
}

// ------------------------------------------------------------------------------------------ fraction

TEST_CASE("fraction: plain numbers and percentages", "[scenarios][units]")
{
  CHECK(value(parse_fraction, "0") == 0.0);
  CHECK(value(parse_fraction, "0.01") == 0.01);
  CHECK(value(parse_fraction, "1") == 1.0);
  CHECK(value(parse_fraction, "1e-4") == Approx(1e-4));
  CHECK(value(parse_fraction, "0.5%") == Approx(0.005));
  CHECK(value(parse_fraction, "0.5 %") == Approx(0.005));
  CHECK(value(parse_fraction, "100%") == 1.0);
  CHECK(value(parse_fraction, "0%") == 0.0);
  CHECK(value(parse_fraction, "2 percent") == Approx(0.02));
}

TEST_CASE("fraction: errors", "[scenarios][units]")
{
  CHECK(error(parse_fraction, "1.5") == "a fraction must be between 0 and 1 (or 0% and 100%), got \"1.5\"");
  CHECK_THAT(error(parse_fraction, "150%"), Contains("must be between 0 and 1"));
  CHECK_THAT(error(parse_fraction, "1e400"), Contains("must be between 0 and 1"));
  CHECK(error(parse_fraction, "-0.1") == "a fraction must not be negative, got \"-0.1\"");
  CHECK_THAT(error(parse_fraction, "nan"), Contains("must be a finite number"));
  CHECK_THAT(error(parse_fraction, "5 ms"), Contains("\"ms\" is a time unit, but a fraction is expected here"));
  CHECK_THAT(error(parse_fraction, "5 pct"), Contains("expected a fraction such as \"0.01\" or \"1%\""));
  CHECK_THAT(error(parse_fraction, ""), Contains("got an empty value"));
}
