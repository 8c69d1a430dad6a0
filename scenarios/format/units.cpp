#include "scenarios/format/units.hpp"

#include "scenarios/format/suggest.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <system_error>
#include <vector>

namespace lbsim::scenarios {

namespace {

enum class Kind { time, rate, size, bandwidth, price, fraction };

struct UnitDef {
  std::string_view name;
  std::string_view canonical;  // the spelling used in messages and suggestions
  double factor;               // one unit in the kind's base: ns, bytes, bit/s; 0.01 for %
};

// In each table the canonical spellings come first, so a suggestion prefers them on a tie.
constexpr std::array kTimeUnits{
  UnitDef{"ns", "ns", 1.0}, UnitDef{"us", "us", 1e3}, UnitDef{"ms", "ms", 1e6},
  UnitDef{"s", "s", 1e9}, UnitDef{"min", "min", 6e10}, UnitDef{"h", "h", 3.6e12},
  UnitDef{"d", "d", 8.64e13},
  UnitDef{"\u00B5s", "us", 1e3},  // micro sign
  UnitDef{"\u03BCs", "us", 1e3},  // Greek mu, which keyboards and fonts often give instead
  UnitDef{"nsec", "ns", 1.0}, UnitDef{"nsecs", "ns", 1.0},
  UnitDef{"nanosecond", "ns", 1.0}, UnitDef{"nanoseconds", "ns", 1.0},
  UnitDef{"usec", "us", 1e3}, UnitDef{"usecs", "us", 1e3},
  UnitDef{"microsecond", "us", 1e3}, UnitDef{"microseconds", "us", 1e3},
  UnitDef{"msec", "ms", 1e6}, UnitDef{"msecs", "ms", 1e6},
  UnitDef{"millisecond", "ms", 1e6}, UnitDef{"milliseconds", "ms", 1e6},
  UnitDef{"sec", "s", 1e9}, UnitDef{"secs", "s", 1e9},
  UnitDef{"second", "s", 1e9}, UnitDef{"seconds", "s", 1e9},
  UnitDef{"mins", "min", 6e10}, UnitDef{"minute", "min", 6e10}, UnitDef{"minutes", "min", 6e10},
  UnitDef{"hr", "h", 3.6e12}, UnitDef{"hrs", "h", 3.6e12},
  UnitDef{"hour", "h", 3.6e12}, UnitDef{"hours", "h", 3.6e12},
  UnitDef{"day", "d", 8.64e13}, UnitDef{"days", "d", 8.64e13},
};

constexpr double kKi = 1024.0;
constexpr double kMi = kKi * kKi;
constexpr double kGi = kMi * kKi;
constexpr double kTi = kGi * kKi;

constexpr std::array kSizeUnits{
  UnitDef{"B", "B", 1.0}, UnitDef{"KB", "KB", 1e3}, UnitDef{"MB", "MB", 1e6},
  UnitDef{"GB", "GB", 1e9}, UnitDef{"TB", "TB", 1e12},
  UnitDef{"KiB", "KiB", kKi}, UnitDef{"MiB", "MiB", kMi}, UnitDef{"GiB", "GiB", kGi},
  UnitDef{"TiB", "TiB", kTi},
  UnitDef{"kB", "KB", 1e3},  // the SI symbol for kilo is a lowercase k
  UnitDef{"byte", "B", 1.0}, UnitDef{"bytes", "B", 1.0},
};

constexpr std::array kBandwidthUnits{
  UnitDef{"bps", "bps", 1.0}, UnitDef{"kbps", "kbps", 1e3}, UnitDef{"Mbps", "Mbps", 1e6},
  UnitDef{"Gbps", "Gbps", 1e9}, UnitDef{"Tbps", "Tbps", 1e12},
  UnitDef{"B/s", "B/s", 8.0}, UnitDef{"KB/s", "KB/s", 8e3}, UnitDef{"MB/s", "MB/s", 8e6},
  UnitDef{"GB/s", "GB/s", 8e9}, UnitDef{"TB/s", "TB/s", 8e12},
  UnitDef{"KiB/s", "KiB/s", 8 * kKi}, UnitDef{"MiB/s", "MiB/s", 8 * kMi},
  UnitDef{"GiB/s", "GiB/s", 8 * kGi}, UnitDef{"TiB/s", "TiB/s", 8 * kTi},
  UnitDef{"Kbps", "kbps", 1e3}, UnitDef{"kB/s", "KB/s", 8e3},
  UnitDef{"bit/s", "bps", 1.0}, UnitDef{"kbit/s", "kbps", 1e3}, UnitDef{"Kbit/s", "kbps", 1e3},
  UnitDef{"Mbit/s", "Mbps", 1e6}, UnitDef{"Gbit/s", "Gbps", 1e9}, UnitDef{"Tbit/s", "Tbps", 1e12},
  UnitDef{"b/s", "bps", 1.0}, UnitDef{"kb/s", "kbps", 1e3}, UnitDef{"Kb/s", "kbps", 1e3},
  UnitDef{"Mb/s", "Mbps", 1e6}, UnitDef{"Gb/s", "Gbps", 1e9}, UnitDef{"Tb/s", "Tbps", 1e12},
};

constexpr std::array kFractionUnits{UnitDef{"%", "%", 0.01}, UnitDef{"percent", "%", 0.01}};

struct KindInfo {
  std::string_view noun;
  std::string_view example;
  std::string_view units;        // shown in parentheses after the example
  std::string_view unit_phrase;  // how a unit of this kind is named when found in the wrong place
};

constexpr std::array kKinds{
  KindInfo{"time", "\"250 ms\"", "units: ns, us, ms, s, min, h, d", "a time unit"},
  KindInfo{"rate", "\"800/s\"", "units: /ns, /us, /ms, /s, /min, /h, /d", "a rate unit"},
  KindInfo{"size", "\"20 KB\"", "units: B, KB, MB, GB, TB, KiB, MiB, GiB, TiB", "a size unit"},
  KindInfo{"bandwidth", "\"100 Mbps\"",
           "units: bps, kbps, Mbps, Gbps, Tbps, B/s, KB/s, MB/s, GB/s, TB/s, KiB/s, MiB/s, GiB/s, TiB/s",
           "a bandwidth unit"},
  KindInfo{"price", "\"0.10/h\"", "units: /ns, /us, /ms, /s, /min, /h, /d", "a price unit"},
  KindInfo{"fraction", "\"0.01\" or \"1%\"", "a number from 0 to 1, or a percentage", "a percentage sign"},
};

const KindInfo& info(Kind kind) { return kKinds[static_cast<std::size_t>(kind)]; }

bool per_time(Kind kind) { return kind == Kind::rate || kind == Kind::price; }

// Rates and prices have no table of their own: their units are "/" and a time unit.
std::span<const UnitDef> table(Kind kind)
{
  switch (kind) {
  case Kind::size: return kSizeUnits;
  case Kind::bandwidth: return kBandwidthUnits;
  case Kind::fraction: return kFractionUnits;
  case Kind::time:
  case Kind::rate:
  case Kind::price: break;
  }
  return kTimeUnits;
}

struct Found {
  std::string canonical;
  double factor;
};

std::optional<Found> find_unit(Kind kind, std::string_view unit)
{
  if (per_time(kind)) {
    if (unit.empty() || unit.front() != '/') return std::nullopt;
    std::optional<Found> found = find_unit(Kind::time, unit.substr(1));
    if (found) found->canonical.insert(0, "/");
    return found;
  }
  for (const UnitDef& def : table(kind))
    if (def.name == unit) return Found{std::string(def.canonical), def.factor};
  return std::nullopt;
}

std::vector<std::string> unit_names(Kind kind)
{
  std::vector<std::string> names;
  for (const UnitDef& def : table(kind)) names.push_back((per_time(kind) ? "/" : "") + std::string(def.name));
  return names;
}

std::string quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

std::string expected(Kind kind)
{
  const KindInfo& k = info(kind);
  return "expected a " + std::string(k.noun) + " such as " + std::string(k.example) + " (" + std::string(k.units) +
         ")";
}

// ASCII only: the C library's classification depends on a locale the GUI may change.
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string_view trim(std::string_view s)
{
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool starts_with_ignoring_case(std::string_view s, std::string_view prefix)
{
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (lower(s[i]) != prefix[i]) return false;
  return true;
}

enum class ScanStatus { ok, empty, negative, not_finite, no_number };

struct Scan {
  ScanStatus status = ScanStatus::ok;
  std::string_view text;    // the input without surrounding whitespace, as quoted in messages
  std::string_view number;  // digits, point and exponent, without a sign
  std::string unit;         // the rest, without whitespace around '/'
};

Scan scan(std::string_view input)
{
  Scan out;
  out.text = trim(input);
  std::string_view s = out.text;
  if (s.empty()) {
    out.status = ScanStatus::empty;
    return out;
  }
  if (s.front() == '-') {
    out.status = ScanStatus::negative;
    return out;
  }
  if (s.front() == '+') s.remove_prefix(1);
  if (starts_with_ignoring_case(s, "inf") || starts_with_ignoring_case(s, "nan")) {
    out.status = ScanStatus::not_finite;
    return out;
  }

  std::size_t i = 0;
  bool digits = false;
  for (; i < s.size() && is_digit(s[i]); ++i) digits = true;
  if (i < s.size() && s[i] == '.')
    for (++i; i < s.size() && is_digit(s[i]); ++i) digits = true;
  if (!digits) {
    out.status = ScanStatus::no_number;
    return out;
  }
  // An 'e' is an exponent only when digits follow; no unit starts with 'e', but stay strict.
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    std::size_t j = i + 1;
    if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
    if (j < s.size() && is_digit(s[j])) {
      while (j < s.size() && is_digit(s[j])) ++j;
      i = j;
    }
  }
  out.number = s.substr(0, i);

  // The space between number and unit is optional, and so are spaces around '/': "800 / s".
  const std::string_view rest = trim(s.substr(i));
  for (std::size_t k = 0; k < rest.size();) {
    if (!is_space(rest[k])) {
      out.unit.push_back(rest[k++]);
      continue;
    }
    std::size_t end = k;
    while (end < rest.size() && is_space(rest[end])) ++end;
    const bool next_to_slash = rest[end] == '/' || (!out.unit.empty() && out.unit.back() == '/');
    if (!next_to_slash) out.unit.append(rest.substr(k, end - k));
    k = end;  // rest is trimmed, so end < rest.size() above
  }
  return out;
}

// A non-negative decimal as 0.DIGITS x 10^point, DIGITS without leading or trailing zeros
// (empty for zero). Lets times be scaled exactly and tells overflow from underflow.
struct Decimal {
  std::string digits;
  int64_t point = 0;
};

Decimal to_decimal(std::string_view number)
{
  constexpr int64_t kExponentCap = 1'000'000;  // far beyond any representable value
  Decimal d;
  std::size_t i = 0;
  bool after_point = false;
  int64_t integer_digits = 0;
  for (; i < number.size() && number[i] != 'e' && number[i] != 'E'; ++i) {
    if (number[i] == '.') {
      after_point = true;
      continue;
    }
    d.digits.push_back(number[i]);
    if (!after_point) ++integer_digits;
  }
  int64_t exponent = 0;
  if (i < number.size()) {
    ++i;
    const bool negative = number[i] == '-';
    if (number[i] == '+' || number[i] == '-') ++i;
    for (; i < number.size(); ++i) exponent = std::min(exponent * 10 + (number[i] - '0'), kExponentCap);
    if (negative) exponent = -exponent;
  }
  d.point = integer_digits + exponent;
  const std::size_t first = d.digits.find_first_not_of('0');
  if (first == std::string::npos) return Decimal{};
  d.digits.erase(0, first);
  d.point -= static_cast<int64_t>(first);
  d.digits.erase(d.digits.find_last_not_of('0') + 1);
  return d;
}

// x = x * m + a, false (and x unchanged) if that exceeds uint64.
bool multiply_add(uint64_t& x, uint64_t m, uint64_t a)
{
  if (m != 0 && x > (std::numeric_limits<uint64_t>::max() - a) / m) return false;
  x = x * m + a;
  return true;
}

// d * factor rounded to nearest (half up), exactly: "0.1 s" is 100000000 ns, not a double's
// neighbour of it. nullopt beyond int64.
std::optional<int64_t> scale_exactly(const Decimal& d, uint64_t factor)
{
  if (d.digits.empty()) return 0;
  if (d.point > 20) return std::nullopt;  // at least 10^19 units of >= 1 ns: beyond int64
  if (d.point < -20) return 0;            // below 10^-20 d, far under half a nanosecond

  const auto length = static_cast<int64_t>(d.digits.size());
  auto digit = [&](int64_t k) -> uint64_t {
    return k >= 0 && k < length ? static_cast<uint64_t>(d.digits[static_cast<std::size_t>(k)] - '0') : 0;
  };

  uint64_t whole = 0;
  for (int64_t k = 0; k < d.point; ++k)
    if (!multiply_add(whole, 10, digit(k))) return std::nullopt;

  // Long multiplication of the fraction by the factor, from its last digit to the first:
  // the final carry is the integer part and the last digit produced is the first decimal.
  uint64_t carry = 0;
  uint64_t first_decimal = 0;
  for (int64_t position = length - d.point; position >= 1; --position) {
    const uint64_t t = digit(position + d.point - 1) * factor + carry;  // < 10 * factor: no overflow
    carry = t / 10;
    first_decimal = t % 10;
  }

  uint64_t total = whole;
  if (!multiply_add(total, factor, carry)) return std::nullopt;
  if (first_decimal >= 5 && !multiply_add(total, 1, 1)) return std::nullopt;
  if (total > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
  return static_cast<int64_t>(total);
}

// nullopt if the number is too large for a double; values too small for one become 0.
std::optional<double> to_double(std::string_view number)
{
  double value = 0.0;
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (ec == std::errc::result_out_of_range) {
    if (to_decimal(number).point > 0) return std::nullopt;
    return 0.0;
  }
  (void)end;  // scan() admits only what from_chars parses in full
  return value;
}

// "Kb", "Mbit", "bits": a size written in bits, most likely a byte unit with a lowercase b.
// Returns the byte unit meant.
std::optional<std::string> bits_as_bytes(std::string_view unit)
{
  constexpr std::array<std::string_view, 16> kPrefixes{"k", "K", "m", "M", "g", "G", "t", "T",
                                                      "ki", "Ki", "mi", "Mi", "gi", "Gi", "ti", "Ti"};
  for (const std::string_view suffix : {std::string_view("bits"), std::string_view("bit"), std::string_view("b")}) {
    if (!unit.ends_with(suffix)) continue;
    const std::string_view prefix = unit.substr(0, unit.size() - suffix.size());
    if (prefix.empty()) return "B";
    for (const std::string_view p : kPrefixes) {
      if (p != prefix) continue;
      std::string bytes(prefix);
      bytes[0] = static_cast<char>(bytes[0] >= 'a' ? bytes[0] - 'a' + 'A' : bytes[0]);
      return bytes + "B";
    }
    return std::nullopt;
  }
  return std::nullopt;
}

// A unit of `kind` that is an obvious repair of `unit`: "s" -> "/s" for a rate, "MB" -> "MB/s"
// for a bandwidth, "MB/s" -> "MB" for a size, "MBps" -> "MB/s", "req/s" or "rps" -> "/s" for a rate,
// a bare prefix "M" -> "MB" or "Mbps".
std::optional<std::string> related_unit(Kind kind, std::string_view unit)
{
  const std::string u(unit);
  std::vector<std::string> tries{"/" + u, u + "/s"};
  if (u.ends_with("/s")) tries.push_back(u.substr(0, u.size() - 2));
  if (u.ends_with("Bps")) tries.push_back(u.substr(0, u.size() - 3) + "B/s");
  if (per_time(kind) && u.find('/') != std::string::npos) tries.push_back(u.substr(u.find('/')));  // "req/s"
  if (u == "rps" || u == "qps") tries.emplace_back("/s");
  if (u.size() == 1 && std::string_view("kKMGT").find(u[0]) != std::string_view::npos) {
    tries.push_back(std::string(1, u[0] == 'k' ? 'K' : u[0]) + "B");
    tries.push_back(u + "bps");
  }
  for (const std::string& candidate : tries)
    if (std::optional<Found> found = find_unit(kind, candidate)) return found->canonical;
  return std::nullopt;
}

std::string suggestion(const std::optional<std::string>& unit)
{
  return unit ? "; did you mean " + quoted(*unit) + "?" : std::string();
}

// Why `scanned.unit` is not a unit of `kind`, as helpfully as we can tell.
std::string unit_error(Kind kind, const Scan& scanned)
{
  const std::string& unit = scanned.unit;
  const KindInfo& k = info(kind);
  if (kind == Kind::size)
    if (const std::optional<std::string> bytes = bits_as_bytes(unit))
      return quoted(unit) + " is in bits, and bits are not a size unit: a size is counted in bytes (" +
             std::string(k.units) + ")" + suggestion(bytes);
  // "m" is minutes to some and milliseconds to others: guessing either would be wrong half the time.
  if (kind == Kind::time && unit == "m")
    return "\"m\" is ambiguous: write \"min\" for minutes or \"ms\" for milliseconds, got " + quoted(scanned.text);
  if (per_time(kind) && unit == "/m")
    return "\"/m\" is ambiguous: write \"/min\" for per minute or \"/ms\" for per millisecond, got " +
           quoted(scanned.text);
  if (unit.size() >= 2 && (unit[0] == ',' || unit[0] == '_') && is_digit(unit[1]))
    return expected(kind) + ", got " + quoted(scanned.text) + "; write numbers without thousands separators";

  // Prices share the rate units, so a price never reports one as "a rate unit".
  for (const Kind other : {Kind::time, Kind::rate, Kind::size, Kind::bandwidth, Kind::fraction}) {
    if (other == kind || (kind == Kind::price && other == Kind::rate) || !find_unit(other, unit)) continue;
    return quoted(unit) + " is " + std::string(info(other).unit_phrase) + ", but a " + std::string(k.noun) +
           " is expected here (" + std::string(k.units) + ")" + suggestion(related_unit(kind, unit));
  }

  std::optional<std::string> fix = related_unit(kind, unit);
  if (!fix)
    if (const std::optional<std::string> close = closest_match(unit, unit_names(kind)))
      fix = find_unit(kind, *close)->canonical;
  return expected(kind) + ", got " + quoted(scanned.text) + suggestion(fix);
}

// The number and the unit's factor, or an error message.
struct Split {
  Scan scanned;
  double factor = 1.0;  // 1 for a fraction without unit
  std::string error;
};

Split split(Kind kind, std::string_view text)
{
  Split out;
  out.scanned = scan(text);
  const Scan& s = out.scanned;
  const std::string noun(info(kind).noun);
  switch (s.status) {
  case ScanStatus::empty: out.error = expected(kind) + ", got an empty value"; return out;
  case ScanStatus::negative: out.error = "a " + noun + " must not be negative, got " + quoted(s.text); return out;
  case ScanStatus::not_finite: out.error = "a " + noun + " must be a finite number, got " + quoted(s.text); return out;
  case ScanStatus::no_number:
    out.error = expected(kind) + ", got " + quoted(s.text);
    if (kind == Kind::price && (s.text.starts_with("$") || s.text.starts_with("\u20AC") || s.text.starts_with("\u00A3")))
      out.error += "; write the price without a currency sign";
    return out;
  case ScanStatus::ok: break;
  }
  if (s.unit.empty()) {
    if (kind != Kind::fraction) out.error = "a unit is required: " + expected(kind) + ", got " + quoted(s.text);
    return out;
  }
  if (const std::optional<Found> found = find_unit(kind, s.unit))
    out.factor = found->factor;
  else
    out.error = unit_error(kind, s);
  return out;
}

UnitResult<double> failure(std::string error) { return {std::nullopt, std::move(error)}; }

std::string too_large(Kind kind, std::string_view text)
{
  return "a " + std::string(info(kind).noun) + " of " + quoted(text) + " is too large";
}

// Scales an amount per `unit_ns` to an amount per `base_ns` through an exact integer ratio
// (every time unit divides or is a multiple of 1 s and 1 h), so "100/min" is 100/60 correctly rounded.
double per_base(double amount, double unit_ns, double base_ns)
{
  return unit_ns <= base_ns ? amount * (base_ns / unit_ns) : amount / (unit_ns / base_ns);
}

UnitResult<double> parse_scaled(Kind kind, std::string_view text)
{
  const Split parts = split(kind, text);
  if (!parts.error.empty()) return failure(parts.error);
  const std::optional<double> number = to_double(parts.scanned.number);
  if (!number) {
    if (kind == Kind::fraction)
      return failure("a fraction must be between 0 and 1 (or 0% and 100%), got " + quoted(parts.scanned.text));
    return failure(too_large(kind, parts.scanned.text));
  }
  double value = 0.0;
  switch (kind) {
  case Kind::rate: value = per_base(*number, parts.factor, 1e9); break;
  case Kind::price: value = per_base(*number, parts.factor, 3.6e12); break;
  case Kind::time:
  case Kind::size:
  case Kind::bandwidth:
  case Kind::fraction: value = *number * parts.factor; break;
  }
  if (!std::isfinite(value)) return failure(too_large(kind, parts.scanned.text));
  if (kind == Kind::fraction && value > 1.0)
    return failure("a fraction must be between 0 and 1 (or 0% and 100%), got " + quoted(parts.scanned.text));
  return {value, {}};
}

// Fixed-point with up to three decimals, trailing zeros dropped; locale-independent.
std::string three_decimals(double value)
{
  std::array<char, 400> buffer{};  // enough for any finite double in fixed notation
  const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value, std::chars_format::fixed, 3);
  std::string text(buffer.data(), ec == std::errc() ? end : buffer.data());
  if (text.find('.') != std::string::npos) {
    text.erase(text.find_last_not_of('0') + 1);
    if (text.back() == '.') text.pop_back();
  }
  return text == "-0" ? "0" : text;
}

}  // namespace

UnitResult<int64_t> parse_time_ns(std::string_view text)
{
  const Split parts = split(Kind::time, text);
  if (!parts.error.empty()) return {std::nullopt, parts.error};
  const std::optional<int64_t> ns =
      scale_exactly(to_decimal(parts.scanned.number), static_cast<uint64_t>(parts.factor));
  if (!ns) return {std::nullopt, too_large(Kind::time, parts.scanned.text) + " (the limit is about 292 years)"};
  return {*ns, {}};
}

UnitResult<double> parse_rate_per_s(std::string_view text) { return parse_scaled(Kind::rate, text); }
UnitResult<double> parse_size_bytes(std::string_view text) { return parse_scaled(Kind::size, text); }
UnitResult<double> parse_bandwidth_bps(std::string_view text) { return parse_scaled(Kind::bandwidth, text); }
UnitResult<double> parse_price_per_hour(std::string_view text) { return parse_scaled(Kind::price, text); }
UnitResult<double> parse_fraction(std::string_view text) { return parse_scaled(Kind::fraction, text); }

namespace {

std::string format_duration(uint64_t magnitude)
{
  struct Step {
    uint64_t ns;
    std::string_view name;
  };
  constexpr std::array kSteps{Step{86'400'000'000'000, "d"}, Step{3'600'000'000'000, "h"},
                              Step{60'000'000'000, "min"},    Step{1'000'000'000, "s"},
                              Step{1'000'000, "ms"},          Step{1'000, "us"},
                              Step{1, "ns"}};
  if (magnitude == 0) return "0 s";
  auto exact = [&](const Step& step) { return (magnitude % step.ns) * 1000 % step.ns == 0; };

  // The largest unit not above the value, unless it needs rounding and a smaller unit shows the
  // value exactly in fewer than five integer digits ("61 s", not "1.017 min").
  std::size_t natural = 0;
  while (magnitude < kSteps[natural].ns) ++natural;
  std::size_t chosen = natural;
  while (!exact(kSteps[chosen]) && chosen + 1 < kSteps.size() && magnitude / kSteps[chosen + 1].ns < 10'000) ++chosen;
  if (!exact(kSteps[chosen])) chosen = natural;

  const Step& step = kSteps[chosen];
  const uint64_t whole = magnitude / step.ns;
  const uint64_t thousandths = ((magnitude % step.ns) * 1000 + step.ns / 2) / step.ns;  // < 8.64e16: no overflow
  // Rounding up to a whole may reach the next unit: 999.9996 ms is "1 s", not "1000 ms".
  if (thousandths == 1000) return format_duration((whole + 1) * step.ns);
  std::string text = std::to_string(whole);
  if (thousandths != 0) {
    std::string decimals = std::to_string(thousandths);
    decimals.insert(0, 3 - decimals.size(), '0');
    decimals.erase(decimals.find_last_not_of('0') + 1);
    text += "." + decimals;
  }
  return text + " " + std::string(step.name);
}

}  // namespace

std::string format_time(int64_t ns)
{
  // Unsigned negation is also right for INT64_MIN.
  const uint64_t magnitude = ns < 0 ? uint64_t{0} - static_cast<uint64_t>(ns) : static_cast<uint64_t>(ns);
  return (ns < 0 ? "-" : "") + format_duration(magnitude);
}

std::string format_rate(double per_s)
{
  if (std::isnan(per_s)) return "nan/s";
  if (std::isinf(per_s)) return per_s < 0 ? "-inf/s" : "inf/s";
  if (per_s == 0.0) return "0/s";
  struct Per {
    double seconds;
    std::string_view name;
  };
  constexpr std::array kPers{Per{1, "/s"}, Per{60, "/min"}, Per{3600, "/h"}, Per{86400, "/d"}};
  // Compare after rounding to the shown precision, so 100/min (1.666.../s) does not print as 99.999...
  std::size_t chosen = 0;
  while (chosen + 1 < kPers.size() && std::round(std::fabs(per_s) * kPers[chosen].seconds * 1000) < 1000) ++chosen;
  return three_decimals(per_s * kPers[chosen].seconds) + std::string(kPers[chosen].name);
}

std::string format_bandwidth(double bps)
{
  if (!std::isfinite(bps) || bps == 0.0) return three_decimals(bps) + " bps";
  constexpr std::array kUnits{std::pair{1e12, "Tbps"}, std::pair{1e9, "Gbps"}, std::pair{1e6, "Mbps"},
                              std::pair{1e3, "kbps"}};
  // Compare after rounding to the shown precision, so 999,999.9999 bps prints as "1 Mbps".
  for (const auto& [scale, name] : kUnits)
    if (std::round(std::fabs(bps) / scale * 1000) >= 1000) return three_decimals(bps / scale) + " " + name;
  return three_decimals(bps) + " bps";
}

}  // namespace lbsim::scenarios
