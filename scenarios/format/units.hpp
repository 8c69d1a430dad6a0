// Parsers for the unit strings of the scenario format: "250 ms", "800/s", "20 KB", "1 Gbps",
// "0.10/h", "1%". Units are explicit so that a scenario says what it means; sizes and bandwidths
// are decimal SI (1 KB = 1000 B, 1 Gbps = 125 MB/s), with binary units (KiB, MiB, ...) accepted.
//
// Errors are sentence fragments ("expected a time such as ..."), without a capital or a final
// period, so the loader can prefix them with file:line:column and the key.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lbsim::scenarios {

// A parsed value, or an error saying what was expected. (std::expected is C++23; g++ 12 lacks it.)
template <typename T>
struct UnitResult {
  std::optional<T> value;  // set exactly when the text parsed
  std::string error;       // empty exactly when value is set

  bool ok() const { return value.has_value(); }
  explicit operator bool() const { return ok(); }
};

// Time units ns, us (µs), ms, s, min, h, d and spelled-out aliases (sec, seconds, msec, hours, ...),
// to integer nanoseconds rounded to nearest (half away from zero). The arithmetic is exact decimal,
// never through a double; more than int64 nanoseconds (about 292 years) is an error.
UnitResult<int64_t> parse_time_ns(std::string_view text);

// "N/unit" with any time unit ("800/s", "100/min", "3/h", "5/ms"), to requests per second.
UnitResult<double> parse_rate_per_s(std::string_view text);

// B, KB (kB), MB, GB, TB (powers of 1000) and KiB, MiB, GiB, TiB (powers of 1024), to bytes.
// Bits ("Kb", "Mb") are rejected: a size is counted in bytes.
UnitResult<double> parse_size_bytes(std::string_view text);

// bps, kbps (Kbps), Mbps, Gbps, Tbps (also bit/s, Mbit/s, Mb/s, ...) and byte rates B/s, KB/s,
// MB/s, GB/s, TB/s, KiB/s, MiB/s, GiB/s, TiB/s (times 8), to bits per second.
UnitResult<double> parse_bandwidth_bps(std::string_view text);

// "N/unit" with any time unit ("0.10/h", "2.4/d", "0.002/min"), to currency units per hour.
UnitResult<double> parse_price_per_hour(std::string_view text);

// A plain number in [0, 1] ("0.01") or a percentage in [0%, 100%] ("0.5%" = 0.005).
UnitResult<double> parse_fraction(std::string_view text);

// A readable duration for messages and summaries: "250 ns", "4 ms", "1.5 s", "2 min", "3 h", "1 d".
// Uses the largest unit that shows the value exactly with up to three decimals, else rounds to
// three decimals in the largest unit not above the value.
std::string format_time(int64_t ns);

// A readable rate: "800/s", "1.5/s", "100/min", "3/h" (the first of /s, /min, /h, /d giving at
// least 1), up to three decimals.
std::string format_rate(double per_s);

// A readable bandwidth, as the parser reads it back: "100 Mbps", "1.5 Gbps", "800 kbps" (the
// largest of bps, kbps, Mbps, Gbps, Tbps giving at least 1), up to three decimals.
std::string format_bandwidth(double bps);

}  // namespace lbsim::scenarios
