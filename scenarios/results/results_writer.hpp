// Result files of one run, as the scenario contract lists them: summary.json, timeseries.csv, services.csv and
// servers.csv, events.csv, and links.csv (one row per directed link per interval; only a header without a
// network). Every file is written under a temporary name and renamed into
// place when complete, so a crash never leaves a half-written result that looks whole.
#pragma once

#include "models/metrics/lifecycle_event.hpp"
#include "models/metrics/metrics.hpp"
#include "models/metrics/run_summary.hpp"
#include "scenarios/results/csv_line.hpp"

#include <cstdio>
#include <string>
#include <vector>

namespace lbsim::scenarios {

// "p50", "p99", "p999" (99.9), "p995" (99.5): the key a percentile has in summary.json.
std::string percentile_key(double percentile);
// Exact decimal seconds of a nanosecond time, without trailing zeros: "0.166666667", "2", "1.5".
std::string format_seconds(int64_t ns);
// Shortest round-trip text of a double: identical on every machine for the same value.
std::string format_number(double value);

// The summary as JSON text (2-space indented); wall-clock figures live under "wall" only.
std::string summary_json(const models::RunSummary& summary);
void write_summary_json(const models::RunSummary& summary, const std::string& path);

// Streams the interval rows to timeseries.csv, servers.csv, links.csv and services.csv in `dir` as the run
// produces them.
class CsvTimeSeriesWriter final : public models::TimeSeriesSink {
public:
  // `gateway_columns`: timeseries.csv ends with the gateway's columns (status classes, cache hit
  // ratio, preflights per interval); `client_columns`, then with the clients' timeouts, late
  // answers, retries, goodput and abandoned work (docs/clients.md).
  explicit CsvTimeSeriesWriter(const std::string& dir, bool gateway_columns = false, bool client_columns = false);
  ~CsvTimeSeriesWriter() override;
  CsvTimeSeriesWriter(const CsvTimeSeriesWriter&) = delete;
  CsvTimeSeriesWriter& operator=(const CsvTimeSeriesWriter&) = delete;

  void on_interval(const models::IntervalRow& row, std::span<const models::ServerIntervalRow> servers) override;
  void on_link_interval(std::span<const models::LinkIntervalRow> links) override;
  void on_service_interval(std::span<const models::ServiceIntervalRow> services) override;
  // Flushes, checks for write errors and renames the files into place.
  void close();

private:
  bool gateway_columns_;
  bool client_columns_;
  std::string timeseries_path_, servers_path_, links_path_, services_path_;
  std::FILE* timeseries_ = nullptr;
  std::FILE* servers_ = nullptr;
  std::FILE* links_ = nullptr;
  std::FILE* services_ = nullptr;
  CsvLine line_;
  bool write_ok_ = true;
};

// events.csv: time_s,kind,server,detail, one row per scaling action, failure, recovery and health
// transition, in time order.
std::string events_csv(const std::vector<models::LifecycleEvent>& events);

// Writes `text` to `path` atomically (temporary file, then rename); throws std::runtime_error.
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace lbsim::scenarios
