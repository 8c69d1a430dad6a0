#include "scenarios/results/csv_line.hpp"

#include <charconv>
#include <cmath>

namespace lbsim::scenarios {

void append_csv_field(std::string& out, std::string_view text)
{
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += text;
    return;
  }
  out += '"';
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

std::string csv_field(std::string_view text)
{
  std::string out;
  append_csv_field(out, text);
  return out;
}

CsvLine& CsvLine::text(std::string_view value)
{
  separate();
  append_csv_field(buffer_, value);
  return *this;
}

CsvLine& CsvLine::integer(uint64_t value)
{
  separate();
  char digits[24];
  const auto result = std::to_chars(digits, digits + sizeof digits, value);
  buffer_.append(digits, result.ptr);
  return *this;
}

void append_number(std::string& out, double value)
{
  char digits[64];
  const auto result = std::to_chars(digits, digits + sizeof digits, value);
  if (!std::isfinite(value) || result.ec != std::errc{}) out += "nan";
  else out.append(digits, result.ptr);
}

void append_seconds(std::string& out, int64_t ns)
{
  const bool negative = ns < 0;
  const uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(ns) : static_cast<uint64_t>(ns);
  if (negative) out += '-';
  char digits[24];
  auto result = std::to_chars(digits, digits + sizeof digits, magnitude / 1'000'000'000);
  out.append(digits, result.ptr);
  uint64_t fraction = magnitude % 1'000'000'000;
  if (fraction == 0) return;
  int places = 9;
  while (fraction % 10 == 0) fraction /= 10, --places;  // no trailing zeros
  result = std::to_chars(digits, digits + sizeof digits, fraction);
  out += '.';
  out.append(static_cast<size_t>(places - (result.ptr - digits)), '0');
  out.append(digits, result.ptr);
}

CsvLine& CsvLine::number(double value)
{
  separate();
  append_number(buffer_, value);
  return *this;
}

CsvLine& CsvLine::seconds(int64_t ns)
{
  separate();
  append_seconds(buffer_, ns);
  return *this;
}

bool CsvLine::write_to(std::FILE* file)
{
  buffer_ += '\n';
  const bool ok = std::fwrite(buffer_.data(), 1, buffer_.size(), file) == buffer_.size();
  buffer_.clear();
  first_ = true;
  return ok;
}

}  // namespace lbsim::scenarios
