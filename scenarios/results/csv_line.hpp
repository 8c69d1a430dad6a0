// CsvLine: one CSV row built in a reusable buffer, numbers written with std::to_chars.
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

// Shortest round-trip form, "nan" when not finite.
void append_number(std::string& out, double value);
// Seconds with up to nine decimals and no trailing zeros, from integer nanoseconds: "0.166666667".
void append_seconds(std::string& out, int64_t ns);

class CsvLine {
public:
  CsvLine& text(std::string_view value);
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
