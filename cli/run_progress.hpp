// Progress of one `lbsim run` on a terminal: after a second and a half of wall time, a line on
// standard error redrawn at each metrics interval (simulated time, requests, events per second,
// time left), erased when the run ends, so the summary below it reads as without it. Off when
// standard error is not a terminal (a pipe, a file, a test): the run's output is then unchanged.
#pragma once

#include "models/metrics/metrics.hpp"

#include <chrono>
#include <cstdint>
#include <optional>

namespace lbsim::cli {

class RunProgress final : public models::TimeSeriesSink {
public:
  // `end_s`: the simulated second the run stops at, when known (warm-up + duration);
  // `stop_requests`: the requests it stops after, when that is how it ends.
  RunProgress(std::optional<double> end_s, std::optional<uint64_t> stop_requests);
  ~RunProgress() override;

  static bool wanted();  // standard error is a terminal

  void on_interval(const models::IntervalRow& row, std::span<const models::ServerIntervalRow> servers) override;
  void finish();  // erases the line

private:
  std::optional<double> end_s_;
  std::optional<uint64_t> stop_requests_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_draw_{};
  uint64_t requests_ = 0, completed_ = 0;
  bool drawn_ = false;
};

}  // namespace lbsim::cli
