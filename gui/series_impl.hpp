// ChartWidget::Impl: how chart_lines' lines become Qt Charts series and axes. Private to the
// series_* files, the only ones that include Qt Charts (docs/gui.md): series_adapter.cpp (the
// widget: what it shows, its queries and exports), series_drawing.cpp (series and axes),
// series_interaction.cpp (log scale, zoom, pan, readout).
#pragma once

#include "gui/chart_lines.hpp"
#include "gui/series_adapter.hpp"

#include <QtCharts/QAbstractAxis>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QLineSeries>
#include <QtCharts/QValueAxis>
#include <QtCharts/QXYSeries>

#include <QPoint>
#include <QString>
#include <QStringList>

#include <optional>
#include <utility>
#include <vector>

class QCheckBox;
class QLabel;

namespace lbsim::gui {

// How an axis is drawn: linear, logarithmic (values over decades), or named categories at 0, 1, ...
struct AxisStyle {
  bool log = false;
  QStringList categories;
};

// Values that span this ratio or more, all above zero, get a log axis (a study's 1 .. 100,000).
constexpr double kLogAxisRatio = 100;

// The readout names a point within this many pixels of the cursor, an event within a few.
constexpr double kReadoutPixels = 12, kEventPixels = 4;

// The warm-up's shading and the events' lines: drawn at the height of the axis, left out of the
// CSV, the fitting and the counts.
inline bool is_mark(const Line& line) { return line.role == LineRole::Warmup || line.role == LineRole::Event; }

// Sets an axis's range to lo .. hi (from 0 when from_zero), with a margin and nice numbers.
void fit_axis(QAbstractAxis* axis, double lo, double hi, bool from_zero);
QAbstractAxis* make_axis(const QString& title, const AxisStyle& style);
// True when every value is above zero and they span kLogAxisRatio or more.
bool spans_decades(const std::vector<double>& values);

struct ChartWidget::Impl {
  QChart* chart = nullptr;
  QChartView* view = nullptr;
  QCheckBox* log_box = nullptr;
  QLabel* readout = nullptr;
  QAbstractAxis* x = nullptr;
  QAbstractAxis* y = nullptr;
  QValueAxis* y2 = nullptr;
  AxisStyle x_style, y_style;  // for the next build of the axes (a study's chart)
  bool log_y = false;          // the user's toggle, for the run charts
  std::vector<Line> lines;  // what is shown, undecimated
  std::vector<QXYSeries*> series;
  std::vector<QLineSeries*> lower;  // the lower edge of a warm-up's shading (else null)
  std::optional<QPoint> pan_from;   // a pan under way (middle button, or Shift and the left button)
  double scale = 1;  // presentation mode: new axes and lines are drawn this many times as large

  void clear();
  void make_axes(const QString& x_title, const QString& y_title, const QString& y2_title);
  QColor colour_of(const Line& line, int& next_colour) const;
  void build(const std::vector<Line>& next, const QString& x_title, const QString& y_title, const QString& y2_title);
  // Shows `next`: replaces the points of the series in place when the lines are the same ones
  // (a live update), else builds the series anew. A zoomed chart keeps its view.
  void show_lines(std::vector<Line> next, int max_points, const QString& x_title, const QString& y_title,
                  const QString& y2_title);
  static std::pair<double, double> range(const QAbstractAxis* axis);  // what the axis shows now
  // What is drawn now, `by` times as large (fonts and pens); the axes' fonts at `scale`.
  void rescale(double by);
  void scale_axis_fonts();
};

}  // namespace lbsim::gui
