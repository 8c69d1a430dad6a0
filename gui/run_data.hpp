// RunData: what the GUI knows of one run, from a results folder (results_reader) or streamed live
// from a run (sim_worker): the interval rows, per-server, per-link and per-service rows, and the summary.
// Plain data, no Qt Charts: chart_panel and series_adapter turn it into charts.
//
// Both sources hand over the same IntervalBatch, with the names of the servers, links and services
// it holds, and RunData::append files them by name: a server that joins during a run (autoscaling,
// a timeline `add`) gets its own series from its first row on, named, in the live view as in
// `lbsim plot` of the run's folder.
#pragma once

#include "gui/run_figures.hpp"

#include <QHash>
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
  double cost = 0;  // cumulative since the end of warm-up (timeseries.csv's cost)
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

// A link's or a service's utilization at the end of an interval.
struct TimedValue {
  double time_s = 0;
  double value = 0;
};

// One interval as a run produces it: the row, a point per server that exists (servers.csv's rows
// of this interval; none in an interval without server rows), the links' and the services'
// utilization; each list with the names of its entries, in the same order.
struct IntervalBatch {
  IntervalPoint row;
  std::vector<ServerPoint> servers;
  QStringList server_names;
  std::vector<double> link_utilization;
  QStringList link_names;
  std::vector<double> service_utilization;
  QStringList service_names;
};

struct RunData {
  QString label;  // shown in legends: "quickstart (least_connections)"
  // What made the run, as (key, value): scenario, seed, each balancer's algorithm, and a live run's
  // --set overrides ("clients[0].arrivals.rate", "300/s"). run_naming tells runs apart by them.
  QList<QPair<QString, QString>> settings;
  bool overrides_known = false;  // a live run's: a key it lacks is the scenario's own value; a folder's: unknown
  QStringList servers;  // in order of appearance in the rows
  QStringList links;
  QStringList services;
  std::optional<double> slo_p99_s;
  double measure_start_s = 0;  // end of warm-up: the start of the first interval
  bool gateway = false;         // its rows carry the gateway's counts

  std::vector<IntervalPoint> rows;
  std::vector<std::vector<ServerPoint>> server_rows;  // [server][its rows], each with its time
  std::vector<std::vector<TimedValue>> link_rows;     // [link][its rows]: utilization
  std::vector<std::vector<TimedValue>> service_rows;  // [service][its rows]: utilization

  // Completed requests per server (in `servers` order) of a finished run, from its summary; empty
  // while it runs.
  std::vector<double> server_completed;
  QString summary_text;
  bool finished = false;
  RunFigures figures;            // the whole-run figures, once finished
  std::vector<RunEvent> events;  // events.csv's rows, once finished

  void append(const IntervalBatch& batch);
  // The summary's completed requests by server name (servers the rows never named are added).
  void set_completed(const QStringList& names, const std::vector<double>& completed);
  // Each server's share of the completed requests: from the summary when finished, else summed rows.
  std::vector<double> load_share() const;
  std::vector<double> cumulative_cost() const;  // [interval]

private:
  // Where each name of a batch goes: the index in `servers` (links, services), adding new names.
  struct Index {
    QHash<QString, size_t> of;
    QStringList last_names;  // the last batch's list, usually the same one again (shared)
    std::vector<size_t> last_map;
    const std::vector<size_t>& map(const QStringList& names, QStringList& known);
  };
  Index server_index_, link_index_, service_index_;
};

}  // namespace lbsim::gui
