// MetricsRecorder: everything a run measures after warm-up: counts, the latency distribution,
// requests in flight (for Little's law), per-server utilization and queues, and one time-series
// row per metrics interval, handed to a sink as it is produced so memory stays constant.
#pragma once

#include "engine/event_handler.hpp"
#include "engine/latency_histogram.hpp"
#include "engine/simulation.hpp"
#include "engine/time_weighted_count.hpp"
#include "models/request.hpp"
#include "models/server.hpp"
#include "models/system_config.hpp"

#include <memory>
#include <span>
#include <string>
#include <vector>

namespace lbsim::models {

struct IntervalRow {
  double time_s = 0;  // end of the interval, simulated seconds since the start of the run
  double throughput_rps = 0;
  double latency_mean_s = 0, latency_p50_s = 0, latency_p99_s = 0;
  uint64_t in_flight = 0;
  uint32_t servers_up = 0;
  uint64_t arrived = 0, completed = 0, rejected = 0;
};

struct ServerIntervalRow {
  double time_s = 0;
  const std::string* server = nullptr;
  const char* state = "";
  double utilization = 0;
  double queue = 0;  // mean waiting requests over the interval
  uint64_t completed = 0;
};

class TimeSeriesSink {
public:
  virtual ~TimeSeriesSink() = default;
  virtual void on_interval(const IntervalRow& row, std::span<const ServerIntervalRow> servers) = 0;
};

class MetricsRecorder final : public engine::EventHandler {
public:
  MetricsRecorder(const MetricsConfig& config, engine::Simulation& sim, const std::vector<std::unique_ptr<Server>>& servers);

  void set_sink(TimeSeriesSink* sink) { sink_ = sink; }
  void start_measuring();  // at the end of warm-up
  bool measuring() const { return measuring_; }
  void handle(const engine::Event& event) override;  // interval tick
  void finish();                                     // flushes a partial last interval

  void on_sent(const Request& r)
  {
    in_flight_.add(sim_.now(), 1);
    if (r.measured) ++arrived_, ++interval_arrived_;
  }
  void on_rejected(const Request& r)
  {
    in_flight_.add(sim_.now(), -1);
    if (r.measured) ++rejected_, ++interval_rejected_;
  }
  void on_completed(const Request& r)
  {
    in_flight_.add(sim_.now(), -1);
    if (!r.measured) return;
    const int64_t latency = (sim_.now() - r.sent).ns();
    latency_.record(latency);
    interval_latency_.record(latency);
    ++completed_;
  }

  uint64_t arrived() const { return arrived_; }
  uint64_t completed() const { return completed_; }
  uint64_t rejected() const { return rejected_; }
  const engine::LatencyHistogram& latency() const { return latency_; }
  double mean_in_flight() const { return in_flight_.average(sim_.now()); }
  SimTime measure_start() const { return measure_start_; }

private:
  void emit_row();

  MetricsConfig config_;
  engine::Simulation& sim_;
  const std::vector<std::unique_ptr<Server>>& servers_;
  engine::HandlerId handler_;
  TimeSeriesSink* sink_ = nullptr;
  bool measuring_ = false;
  SimTime measure_start_;
  SimTime interval_start_;

  uint64_t arrived_ = 0, completed_ = 0, rejected_ = 0;
  uint64_t interval_arrived_ = 0, interval_rejected_ = 0;
  engine::LatencyHistogram latency_;
  engine::LatencyHistogram interval_latency_;
  engine::TimeWeightedCount in_flight_;

  // Per server, the cumulative values at the start of the interval.
  std::vector<double> busy_at_interval_start_, queue_at_interval_start_;
  std::vector<uint64_t> completed_at_interval_start_;
  std::vector<ServerIntervalRow> server_rows_;
};

}  // namespace lbsim::models
