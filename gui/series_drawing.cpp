// Drawing chart_lines' lines with Qt Charts: the axes, the series, their colours and styles, the
// shaded warm-up and the events' lines at the height of the axis (series_impl.hpp).
#include "gui/series_impl.hpp"

#include "gui/decimate.hpp"

#include <QtCharts/QAreaSeries>
#include <QtCharts/QCategoryAxis>
#include <QtCharts/QLegendMarker>
#include <QtCharts/QLogValueAxis>
#include <QtCharts/QScatterSeries>

#include <algorithm>
#include <cmath>
#include <limits>

namespace lbsim::gui {

void fit_axis(QAbstractAxis* axis, double lo, double hi, bool from_zero)
{
  if (auto* log = qobject_cast<QLogValueAxis*>(axis)) {
    if (lo > 0 && hi >= lo) log->setRange(lo / 1.5, hi * 1.5);  // a margin of about a sixth of a decade
    return;
  }
  if (qobject_cast<QCategoryAxis*>(axis)) return;  // its range is set with its categories
  auto* linear = qobject_cast<QValueAxis*>(axis);
  if (!linear) return;
  if (!std::isfinite(lo) || !std::isfinite(hi)) lo = 0, hi = 1;
  if (from_zero) lo = std::min(lo, 0.0);
  if (hi <= lo) hi = lo + 1;
  linear->setRange(lo, from_zero ? hi * 1.05 : hi);
  linear->applyNiceNumbers();
}

namespace {
// Letters of category names (the longest times their number) that fit side by side on a chart of
// ordinary width (800 px and more at the default font); beyond, they are slanted.
constexpr qsizetype kSideBySideLetters = 80;
}  // namespace

QAbstractAxis* make_axis(const QString& title, const AxisStyle& style)
{
  QAbstractAxis* axis = nullptr;
  if (!style.categories.isEmpty()) {
    auto* categories = new QCategoryAxis;
    for (qsizetype i = 0; i < style.categories.size(); ++i)
      categories->append(style.categories[i], static_cast<double>(i) + 0.5);  // a category spans i-0.5 .. i+0.5
    categories->setStartValue(-0.5);
    categories->setRange(-0.5, static_cast<double>(style.categories.size()) - 0.5);
    categories->setLabelsPosition(QCategoryAxis::AxisLabelsPositionCenter);
    // Names too long to stand side by side are slanted, whole: Qt elides a label wider than its
    // category ("weighted..." would name two algorithms), slanted or not, unless told not to.
    qsizetype longest = 0;
    for (const QString& c : style.categories) longest = std::max(longest, c.size());
    if (longest * style.categories.size() > kSideBySideLetters) {
      categories->setLabelsAngle(-40);
      categories->setTruncateLabels(false);
    }
    axis = categories;
  } else if (style.log) {
    auto* log = new QLogValueAxis;
    log->setBase(10);
    log->setLabelFormat("%g");
    log->setMinorTickCount(8);
    axis = log;
  } else {
    axis = new QValueAxis;
  }
  axis->setTitleText(title);
  return axis;
}

// True when every value is above zero and they span kLogAxisRatio or more.
bool spans_decades(const std::vector<double>& values)
{
  double lo = std::numeric_limits<double>::infinity(), hi = 0;
  for (double v : values) {
    if (std::isnan(v)) continue;
    if (v <= 0) return false;
    lo = std::min(lo, v), hi = std::max(hi, v);
  }
  return hi > 0 && hi / lo >= kLogAxisRatio;
}
void ChartWidget::Impl::clear()
{
  chart->removeAllSeries();
  series.clear();
  lower.clear();
  for (QAbstractAxis* axis : chart->axes()) {
    chart->removeAxis(axis);
    delete axis;
  }
  x = y = y2 = nullptr;
}

void ChartWidget::Impl::make_axes(const QString& x_title, const QString& y_title, const QString& y2_title)
{
  x = make_axis(x_title, x_style);
  chart->addAxis(x, Qt::AlignBottom);
  y = make_axis(y_title, y_style);
  chart->addAxis(y, Qt::AlignLeft);
  if (!y2_title.isEmpty()) {
    y2 = new QValueAxis;
    y2->setTitleText(y2_title);
    chart->addAxis(y2, Qt::AlignRight);
  }
  scale_axis_fonts();
}

namespace {
QFont scaled(QFont font, double by)
{
  if (font.pointSizeF() > 0) font.setPointSizeF(font.pointSizeF() * by);
  return font;
}

void widen(QAbstractSeries* s, double by)
{
  const auto widen_pen = [by](QPen pen) {
    pen.setWidthF(pen.widthF() * by);
    return pen;
  };
  if (auto* xy = qobject_cast<QXYSeries*>(s)) xy->setPen(widen_pen(xy->pen()));
  if (auto* area = qobject_cast<QAreaSeries*>(s)) area->setPen(widen_pen(area->pen()));
}
}  // namespace

void ChartWidget::Impl::scale_axis_fonts()
{
  for (QAbstractAxis* axis : chart->axes()) {  // the theme gave them its fonts
    axis->setLabelsFont(scaled(axis->labelsFont(), scale));
    axis->setTitleFont(scaled(axis->titleFont(), scale));
  }
}

void ChartWidget::Impl::rescale(double by)
{
  chart->setTitleFont(scaled(chart->titleFont(), by));
  chart->legend()->setFont(scaled(chart->legend()->font(), by));
  for (QAbstractAxis* axis : chart->axes()) {
    axis->setLabelsFont(scaled(axis->labelsFont(), by));
    axis->setTitleFont(scaled(axis->titleFont(), by));
  }
  for (QAbstractSeries* s : chart->series()) widen(s, by);
}

QColor ChartWidget::Impl::colour_of(const Line& line, int& next_colour) const
{
  if (line.fixed_colour.isValid()) return line.fixed_colour;
  return run_colours()[(line.colour >= 0 ? line.colour : next_colour++) % run_colours().size()];
}

void ChartWidget::Impl::build(const std::vector<Line>& next, const QString& x_title, const QString& y_title, const QString& y2_title)
{
  clear();
  make_axes(x_title, y_title, y2_title);
  int next_colour = 0;
  for (const Line& line : next) {
    QXYSeries* s = line.points_only ? static_cast<QXYSeries*>(new QScatterSeries) : new QLineSeries;
    s->setName(line.name);
    const QColor colour = colour_of(line, next_colour);
    QPen pen(colour);
    pen.setWidthF((line.role == LineRole::Event ? 1.2 : 1.6) * scale);
    pen.setStyle(line.style);
    s->setPen(pen);
    if (auto* scatter = qobject_cast<QScatterSeries*>(s)) {
      scatter->setColor(colour);
      scatter->setMarkerSize(9);
    }
    QAbstractSeries* shown = s;
    QLineSeries* edge = nullptr;
    if (line.role == LineRole::Warmup) {
      // The whole height of the plot between 0 and the end of the warm-up; both edges set when fitted.
      edge = new QLineSeries;
      auto* area = new QAreaSeries(qobject_cast<QLineSeries*>(s), edge);
      area->setName(line.name);
      area->setPen(Qt::NoPen);
      area->setBrush(colour);
      shown = area;
    } else if (line.stack_on != -1) {
      // The area between the line below (its upper edge) and this one; it owns its edges.
      auto* below = line.stack_on >= 0 ? qobject_cast<QLineSeries*>(series[static_cast<size_t>(line.stack_on)]) : nullptr;
      auto* area = new QAreaSeries(qobject_cast<QLineSeries*>(s), below);
      area->setName(line.name);
      area->setPen(pen);
      area->setBrush(QColor(colour.red(), colour.green(), colour.blue(), 170));
      shown = area;
    }
    chart->addSeries(shown);
    shown->attachAxis(x);
    shown->attachAxis(line.right_axis && y2 ? y2 : y);
    series.push_back(s);
    lower.push_back(edge);
    if (!line.in_legend)
      for (QLegendMarker* m : chart->legend()->markers(shown)) m->setVisible(false);
  }
}

void ChartWidget::Impl::show_lines(std::vector<Line> next, int max_points, const QString& x_title, const QString& y_title,
                const QString& y2_title)
{
  bool same = next.size() == lines.size() && x != nullptr && (y2 != nullptr) == !y2_title.isEmpty();
  for (size_t i = 0; same && i < next.size(); ++i) same = next[i].name == lines[i].name;
  if (!same) build(next, x_title, y_title, y2_title);
  const bool keep_view = same && chart->isZoomed();
  lines = std::move(next);
  const bool log = qobject_cast<QLogValueAxis*>(y) != nullptr;
  double x_lo = std::numeric_limits<double>::infinity(), x_hi = -x_lo, y_lo = x_lo, y_hi = -x_lo, r_lo = x_lo,
         r_hi = -x_lo;
  // A stacked line is drawn at its value plus the drawn values of the line it stacks on.
  std::vector<std::vector<double>> drawn(lines.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    drawn[i] = lines[i].y;
    const int below = lines[i].stack_on;
    if (below >= 0 && static_cast<size_t>(below) < i)
      for (size_t k = 0; k < drawn[i].size() && k < drawn[static_cast<size_t>(below)].size(); ++k)
        drawn[i][k] += drawn[static_cast<size_t>(below)][k];
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    if (is_mark(lines[i])) {
      // Marks widen the time axis (the warm-up starts at 0) but take their height from the data.
      for (double v : lines[i].x) x_lo = std::min(x_lo, v), x_hi = std::max(x_hi, v);
      continue;
    }
    QList<QPointF> points = decimate(lines[i].x, drawn[i], max_points);
    // A log axis cannot place zero or less: such points are left out of the drawing.
    if (log) points.removeIf([](const QPointF& p) { return !(p.y() > 0); });
    series[i]->replace(points);
    for (const QPointF& p : points) {
      x_lo = std::min(x_lo, p.x()), x_hi = std::max(x_hi, p.x());
      double& lo = lines[i].right_axis ? r_lo : y_lo;
      double& hi = lines[i].right_axis ? r_hi : y_hi;
      lo = std::min(lo, p.y()), hi = std::max(hi, p.y());
    }
  }
  if (!keep_view) {
    fit_axis(x, x_lo, x_hi, false);
    fit_axis(y, y_lo, y_hi, true);
    if (y2) fit_axis(y2, r_lo, r_hi, true);
  }
  // The marks span the height the axis shows.
  const auto [bottom, top] = range(y);
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!is_mark(lines[i]) || lines[i].x.size() < 2) continue;
    const double a = lines[i].x.front(), b = lines[i].x.back();
    if (lines[i].role == LineRole::Event) {
      series[i]->replace({QPointF(a, bottom), QPointF(b, top)});
    } else {
      series[i]->replace({QPointF(a, top), QPointF(b, top)});
      if (lower[i]) lower[i]->replace({QPointF(a, bottom), QPointF(b, bottom)});
    }
  }
}

std::pair<double, double> ChartWidget::Impl::range(const QAbstractAxis* axis)
{
  if (auto* log = qobject_cast<const QLogValueAxis*>(axis)) return {log->min(), log->max()};
  if (auto* linear = qobject_cast<const QValueAxis*>(axis)) return {linear->min(), linear->max()};
  return {0, 1};
}

}  // namespace lbsim::gui
