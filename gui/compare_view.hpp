// The side-by-side comparison of the ticked runs: one column per run (named by what differs
// between them, run_naming), one row per whole-run figure of their summaries: latency percentiles,
// throughput, errors, cost, the SLO's verdict and the analytic prediction. Exportable as CSV.
#pragma once

#include "gui/run_data.hpp"

#include <QString>
#include <QStringList>
#include <QWidget>

#include <vector>

class QLabel;
class QTableWidget;

namespace lbsim::gui {

// The table as plain text: cells[metric][run]; a cell is empty when the run has no such figure.
struct Comparison {
  QStringList runs;     // column headers
  QStringList metrics;  // row headers, with their units
  std::vector<QStringList> cells;
  QString cell(const QString& metric, qsizetype run) const;  // empty when there is no such row
  QString csv() const;  // metric,RUN...: a row per metric (RFC 4180 quotes)
};

// Rows: p50, p99, p99.9 and mean latency, throughput, completed; errors by status with a gateway
// (every status other than 200 any run got), else rejected (503) and failed (500, 502); cost; the
// SLO and its verdict; the analytic model, its predictions and the p99's relative error. A run
// still under way has "running" in every cell; one that ended without a summary (it failed),
// "no summary".
Comparison compare_runs(const std::vector<const RunData*>& runs);

class CompareView : public QWidget {
  Q_OBJECT
public:
  explicit CompareView(QWidget* parent = nullptr);
  void show_runs(const std::vector<const RunData*>& runs);
  const Comparison& comparison() const { return comparison_; }
  QTableWidget* table() const { return table_; }
  bool export_csv(const QString& path) const;

private:
  QTableWidget* table_;
  QLabel* note_;
  Comparison comparison_;
};

}  // namespace lbsim::gui
