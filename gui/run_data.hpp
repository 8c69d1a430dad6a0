// RunData: what the GUI knows of one run, from a results folder (results_reader) or streamed live
// from a run (sim_worker): the interval rows, per-server, per-link and per-service rows, and the summary.
// Plain data, no Qt Charts: chart_panel and series_adapter turn it into charts.
#pragma once

#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace lbsim::gui {

struct IntervalPoint {
  double time_s = 0;
  double throughput_rps = 0;
  double latency_mean_s = 0, latency_p50_s = 0, latency_p99_s = 0;
  double in_flight = 0;
  double servers_up = 0;
  double arrived = 0, completed = 0, rejected = 0;
  // With a gateway (timeseries.csv's gateway columns): the answers by status class in the interval
  // (status_4xx without the 429s), the share of cache lookups that hit, and the CORS preflights.
  bool gateway = false;
  double status_2xx = 0, status_4xx = 0, status_429 = 0, status_5xx = 0;
  double cache_hit_ratio = 0, preflights = 0;
};

struct ServerPoint {
  double time_s = 0;  // the end of its span (servers.csv may have a row every few intervals)
  bool up = true;
  double utilization = 0;
  double queue = 0;
  double completed = 0;
};

// One interval as a run produces it: the row, one point per server, the links' and the services' utilization.
struct IntervalBatch {
  IntervalPoint row;
  std::vector<ServerPoint> servers;
  std::vector<double> link_utilization;
  std::vector<double> service_utilization;
};

struct RunData {
  QString label;  // shown in legends: "quickstart (least_connections)"
  QStringList servers;
  std::vector<double> server_price_per_s;  // for the cumulative cost
  QStringList links;
  QStringList services;
  std::optional<double> slo_p99_s;
  double measure_start_s = 0;  // end of warm-up: the start of the first interval
  bool gateway = false;         // its rows carry the gateway's counts

  std::vector<IntervalPoint> rows;
  std::vector<std::vector<ServerPoint>> server_rows;  // [server][row of servers.csv], each with its time
  std::vector<std::vector<double>> link_rows;         // [link][interval]: utilization
  std::vector<std::vector<double>> service_rows;      // [service][interval]: utilization
  std::vector<double> cumulative_cost;                // [interval]

  // Summary of a finished run (empty while it runs): completed per server, totals.
  std::vector<double> server_completed;
  QString summary_text;
  bool finished = false;

  void append(const IntervalBatch& batch);
  // Each server's share of the completed requests: from the summary when finished, else summed rows.
  std::vector<double> load_share() const;
};

}  // namespace lbsim::gui
