// ChartPanel: the run charts in tabs (latency, throughput, in flight and queues, utilization,
// servers and cost, errors, load share, links; with a gateway, answers by status and cache hit
// ratio), one or several runs overlaid, and their export.
#pragma once

#include "gui/run_data.hpp"
#include "gui/series_adapter.hpp"

#include <QStringList>
#include <QWidget>

#include <vector>

class QTabWidget;

namespace lbsim::gui {

class ChartPanel : public QWidget {
  Q_OBJECT
public:
  explicit ChartPanel(QWidget* parent = nullptr);

  // Shows the runs (kept by the caller until the next call): the visible chart at once, the others
  // when their tab is shown or they are exported.
  void show_runs(const std::vector<const RunData*>& runs);
  void refresh_all();
  const std::vector<ChartWidget*>& charts() const { return charts_; }
  ChartWidget* current() const;
  bool tab_shown(ChartKind kind) const;  // the Links, Status and Cache tabs only show with data

  // Writes FILE_STEM.png (and .svg and .csv unless png_only) of every chart that holds data into
  // dir; returns the files written. Throws std::runtime_error when a file cannot be written.
  QStringList export_all(const QString& dir, bool png_only = false, QSize size = QSize(1000, 600));
  // One chart to one file, the format by the extension (.png, .svg, .csv).
  static bool export_chart(const ChartWidget& chart, const QString& path, QSize size = QSize(1000, 600));

private:
  void refresh(int index);

  QTabWidget* tabs_;
  std::vector<const RunData*> runs_;
  std::vector<bool> stale_;
  std::vector<ChartWidget*> charts_;
};

}  // namespace lbsim::gui
