// ChartWidget: one chart of runs or of a study. This pair of files is the only place that includes
// Qt Charts (docs/gui.md): everything else sees a QWidget that shows RunData or StudyData, exports
// itself as PNG, SVG or CSV, and says how much data it holds.
#pragma once

#include "gui/run_data.hpp"
#include "gui/study_data.hpp"

#include <QFont>
#include <QPixmap>
#include <QSize>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <memory>

class QPainter;
#include <vector>

namespace lbsim::gui {

enum class ChartKind { Latency, Throughput, InFlight, Utilization, ServersCost, Errors, LoadShare, Links, Status, CacheHit, Study };

struct ChartInfo {
  ChartKind kind;
  QString title;
  QString file_stem;  // file names of exports: latency.png, latency.svg, latency.csv
};
// The charts of a run, in the order the GUI and `lbsim plot` show them.
const std::vector<ChartInfo>& run_charts();
const ChartInfo& study_chart();

class ChartWidget : public QWidget {
  Q_OBJECT
public:
  explicit ChartWidget(const ChartInfo& info, QWidget* parent = nullptr);
  ~ChartWidget() override;

  const ChartInfo& info() const { return info_; }
  // Overlays the runs (several for a comparison); live series are decimated to max_points.
  void show_runs(const std::vector<const RunData*>& runs, int max_points = 1000);
  void show_study(const StudyData& study, int x_key, int metric);

  // What the axes show (for tests and the docs): title, log scale, category names.
  struct Axis {
    QString title;
    bool log = false;
    QStringList categories;
  };
  Axis axis(Qt::Orientation orientation) const;
  QStringList legend() const;  // the names in the legend
  bool has_lines() const;      // some series is drawn as a line through more than two points

  // Presentation mode: lines and fonts 1.5 times as large (for a projector).
  void set_presentation(bool on);
  QFont title_font() const;

  int series_count() const;
  qsizetype point_count() const;  // points drawn, over every series
  QString csv() const;            // series,x,y: every point of every series, undecimated
  void render(QPainter& painter, QSize size) const;  // the chart drawn at that size
  QPixmap image(QSize size) const;
  bool save_png(const QString& path, QSize size = QSize(1000, 600)) const;
  bool save_svg(const QString& path, QSize size = QSize(1000, 600)) const;

private:
  struct Impl;
  ChartInfo info_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lbsim::gui
