// The gateway's access log as CSV (`lbsim run FILE --access-log FILE.csv`; docs/results.md,
// "Access log"): one row per client request the gateway answered, streamed as the run goes, under
// a temporary name until the run has ended, then renamed into place.
#pragma once

#include "models/gateway/access_log.hpp"
#include "scenarios/results/csv_line.hpp"

#include <cstdio>
#include <string>

namespace lbsim::scenarios {

class AccessLogWriter final : public models::AccessLogSink {
public:
  explicit AccessLogWriter(std::string path);
  ~AccessLogWriter() override;
  AccessLogWriter(const AccessLogWriter&) = delete;
  AccessLogWriter& operator=(const AccessLogWriter&) = delete;

  void on_access(const models::AccessLogRow& row) override;
  // Flushes, checks for write errors and renames the file into place.
  void close();

private:
  std::string path_;
  std::FILE* file_ = nullptr;
  CsvLine line_;
  std::string path_text_;
  bool write_ok_ = true;
};

}  // namespace lbsim::scenarios
