// ChartWidget: one chart of runs or of a study. This file and its series_* implementation files
// are the only ones that include Qt Charts (docs/gui.md): everything else sees a QWidget that
// shows RunData or StudyData, exports itself as PNG, SVG or CSV, and says how much data it holds.
// What a run chart draws is decided in chart_lines, without Qt Charts; here it is drawn, with a
// log-scale toggle, rubber-band zoom, pan and a readout of the point under the cursor.
#pragma once

#include "gui/chart_lines.hpp"
#include "gui/run_data.hpp"
#include "gui/study_data.hpp"

#include <QFont>
#include <QPixmap>
#include <QSize>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <memory>

#include <vector>

class QPainter;

namespace lbsim::gui {

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
  QColor colour_of(const QString& series) const;  // the pen's colour of the series of that name

  // A logarithmic y axis (points at or below zero are left out of the drawing, not of the CSV).
  void set_log_y(bool log);
  bool log_y() const;
  // Zoom into a rectangle of the plot (in the chart's pixels), move the view by pixels, back to all.
  void zoom_to(const QRectF& plot_pixels);
  void pan_by(double dx_pixels, double dy_pixels);
  void reset_zoom();
  bool zoomed() const;
  // The ranges the axes show now.
  std::pair<double, double> x_range() const;
  std::pair<double, double> y_range() const;
  // Where a value is drawn, in the view's pixels, and the readout for the view's pixel `at`: the
  // series, time (x) and value of the nearest point within a few pixels, or an event's line;
  // empty when nothing is near. The readout label under the chart shows it as the mouse moves.
  QPointF position_of(const QPointF& value) const;
  QString readout_at(const QPointF& at) const;
  QString readout() const;  // the label's text

  // Presentation mode: lines and fonts 1.5 times as large (for a projector).
  void set_presentation(bool on);
  QFont title_font() const;

  int series_count() const;       // the series of data and levels (SLO, whole-run percentiles)
  QStringList marks() const;      // the warm-up's shading and the events' lines, by name
  qsizetype point_count() const;  // points drawn, over every series
  QString csv() const;            // series,x,y: every point of every series but the marks, undecimated
  void render(QPainter& painter, QSize size) const;  // the chart drawn at that size
  QPixmap image(QSize size) const;
  bool save_png(const QString& path, QSize size = QSize(1000, 600)) const;
  bool save_svg(const QString& path, QSize size = QSize(1000, 600)) const;

protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

private:
  struct Impl;
  ChartInfo info_;
  std::unique_ptr<Impl> impl_;
  std::vector<const RunData*> last_runs_;  // to redraw on a toggle of the log scale
  int last_max_points_ = 1000;
};

}  // namespace lbsim::gui
