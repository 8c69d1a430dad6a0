// RunFigures: the whole-run figures of a finished run, as its summary.json states them (docs/results.md),
// and RunEvent: a row of its events.csv. A results folder and a live run fill them from the same
// text (the live run writes its summary and events like `lbsim run --out`), so a run compares the
// same way whichever way it came. Plain data, no Qt Charts.
#pragma once

#include <QList>
#include <QPair>
#include <QString>

#include <optional>
#include <vector>

namespace lbsim::gui {

// What queueing theory predicts for the run (summary.json's `analytic`), or why no model applies.
struct AnalyticFigures {
  QString model;   // empty: no model applies
  QString reason;  // why not, when model is empty
  std::optional<double> mean_s, p99_s, throughput_rps, p_block;
  std::optional<double> relative_error_mean, relative_error_p99;
};

struct RunFigures {
  bool known = false;  // false until the run has finished (or when its summary could not be read)
  double latency_mean_s = 0, latency_max_s = 0;
  // Every percentile the summary holds, ascending: (percentile in %, seconds), e.g. (99.9, 0.23).
  std::vector<std::pair<double, double>> latency_percentiles_s;
  double throughput_rps = 0;
  double arrived = 0, completed = 0, rejected = 0, failed = 0;
  bool gateway = false;
  QList<QPair<QString, double>> by_status;  // "200", "429", ...: ascending status
  double cost_total = 0;
  std::optional<double> slo_p99_s;
  std::optional<bool> slo_met;
  std::optional<AnalyticFigures> analytic;  // absent in results older than the analytic summary

  std::optional<double> percentile_s(double percentile) const;  // nullopt when the summary has none
};

// A lifecycle event (events.csv: time_s,kind,server,detail).
struct RunEvent {
  double time_s = 0;
  QString kind, server, detail;
};

// Which of the three kinds of marks a lifecycle event is on a timeline: scaling (scale_out,
// scale_in, resize), failure (fail, recover), health (health_*, passive_*, outlier_*); or none (a
// rate step, a server's own add/up/drain steps, which its scale_out or scale_in already marks).
enum class EventClass { None, Scaling, Failure, Health };
EventClass event_class(const QString& kind);

// "p50" -> 50, "p999" -> 99.9, "p9999" -> 99.99; nullopt for any other key.
std::optional<double> percentile_of_key(const QString& key);

// The figures of a summary.json text; throws std::runtime_error when it is not a JSON object.
RunFigures figures_from_summary_json(const QByteArray& json);
// What made the run, from a summary.json text: scenario, seed and each balancer's algorithm, as
// (key, value) pairs ("balancer.algorithm", "least_connections").
QList<QPair<QString, QString>> settings_from_summary_json(const QByteArray& json);
// The rows of an events.csv text (its header first); rows that do not parse are skipped.
std::vector<RunEvent> events_from_csv(const QString& text);

}  // namespace lbsim::gui
