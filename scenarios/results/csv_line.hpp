// CsvLine: one CSV row built in a reusable buffer, numbers written with std::to_chars; and the one
// RFC 4180 field writer every CSV file of lbsim uses (results, studies, plans, access logs, traces).
//
// The time-series files get a row per server per metrics interval; formatting them with fprintf
// and temporary strings cost several percent of a short-request run. append_number and
// append_seconds are also what format_number() and format_seconds() (results_writer.hpp) use, so
// every result file writes numbers one way.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace lbsim::scenarios {

// A text field as RFC 4180 writes it: as it is, or, when it holds a comma, a double quote, a
// carriage return or a line feed, in double quotes with each double quote doubled
// (a server named `web, eu` is written "web, eu").
void append_csv_field(std::string& out, std::string_view text);
std::string csv_field(std::string_view text);

// Shortest round-trip form, "nan" when not finite.
void append_number(std::string& out, double value);
// Seconds with up to nine decimals and no trailing zeros, from integer nanoseconds: "0.166666667".
void append_seconds(std::string& out, int64_t ns);

class CsvLine {
public:
  CsvLine& text(std::string_view value);  // append_csv_field
  CsvLine& integer(uint64_t value);
  CsvLine& number(double value);   // append_number
  CsvLine& seconds(int64_t ns);    // append_seconds

  // Ends the row, writes it and starts the next; false on a write error.
  bool write_to(std::FILE* file);
  const std::string& str() const { return buffer_; }

private:
  void separate()
  {
    if (!first_) buffer_ += ',';
    first_ = false;
  }
  std::string buffer_;
  bool first_ = true;  // (a first field may be empty, so the buffer cannot tell)
};

}  // namespace lbsim::scenarios
