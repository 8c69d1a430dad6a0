// The one file that includes Qt Charts (see series_adapter.hpp).
#include "gui/series_adapter.hpp"

#include "gui/decimate.hpp"
#include "gui/run_naming.hpp"

#include <QtCharts/QAreaSeries>
#include <QtCharts/QBarCategoryAxis>
#include <QtCharts/QBarSeries>
#include <QtCharts/QBarSet>
#include <QtCharts/QCategoryAxis>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QLegendMarker>
#include <QtCharts/QLineSeries>
#include <QtCharts/QLogValueAxis>
#include <QtCharts/QScatterSeries>
#include <QtCharts/QValueAxis>

#include <QCheckBox>
#include <QCoreApplication>
#include <QFile>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QPushButton>
#include <QSvgGenerator>
#include <QTextStream>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

namespace lbsim::gui {

const std::vector<ChartInfo>& run_charts()
{
  static const std::vector<ChartInfo> charts = {
      {ChartKind::Latency, "Latency percentiles", "latency"},
      {ChartKind::Throughput, "Throughput", "throughput"},
      {ChartKind::InFlight, "In flight and queues", "in_flight"},
      {ChartKind::Utilization, "Utilization per server", "utilization"},
      {ChartKind::ServersCost, "Servers up and cost", "servers_cost"},
      {ChartKind::Errors, "Errors and rejections", "errors"},
      {ChartKind::LoadShare, "Share of the load", "load_share"},
      {ChartKind::Links, "Link utilization", "links"},
      // Only with a gateway.
      {ChartKind::Status, "Answers by status", "status"},
      {ChartKind::CacheHit, "Cache hit ratio", "cache_hit_ratio"},
      // From each run's summary: only for finished runs.
      {ChartKind::LatencyCdf, "Latency distribution", "latency_cdf"},
  };
  return charts;
}

const ChartInfo& study_chart()
{
  static const ChartInfo info{ChartKind::Study, "Study", "study"};
  return info;
}

namespace {

// How an axis is drawn: linear, logarithmic (values over decades), or named categories at 0, 1, ...
struct AxisStyle {
  bool log = false;
  QStringList categories;
};

// Values that span this ratio or more, all above zero, get a log axis (a study's 1 .. 100,000).
constexpr double kLogAxisRatio = 100;

// The readout names a point within this many pixels of the cursor, an event within a few.
constexpr double kReadoutPixels = 12, kEventPixels = 4;

bool is_mark(const Line& line) { return line.role == LineRole::Warmup || line.role == LineRole::Event; }

void fit(QAbstractAxis* axis, double lo, double hi, bool from_zero)
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

}  // namespace

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

  void clear()
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

  void make_axes(const QString& x_title, const QString& y_title, const QString& y2_title)
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
  }

  QColor colour_of(const Line& line, int& next_colour) const
  {
    if (line.fixed_colour.isValid()) return line.fixed_colour;
    return run_colours()[(line.colour >= 0 ? line.colour : next_colour++) % run_colours().size()];
  }

  void build(const std::vector<Line>& next, const QString& x_title, const QString& y_title, const QString& y2_title)
  {
    clear();
    make_axes(x_title, y_title, y2_title);
    int next_colour = 0;
    for (const Line& line : next) {
      QXYSeries* s = line.points_only ? static_cast<QXYSeries*>(new QScatterSeries) : new QLineSeries;
      s->setName(line.name);
      const QColor colour = colour_of(line, next_colour);
      QPen pen(colour);
      pen.setWidthF(line.role == LineRole::Event ? 1.2 : 1.6);
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

  // Shows `next`: replaces the points of the series in place when the lines are the same ones
  // (a live update), else builds the series anew. A zoomed chart keeps its view.
  void show_lines(std::vector<Line> next, int max_points, const QString& x_title, const QString& y_title,
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
      fit(x, x_lo, x_hi, false);
      fit(y, y_lo, y_hi, true);
      if (y2) fit(y2, r_lo, r_hi, true);
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

  static std::pair<double, double> range(const QAbstractAxis* axis)
  {
    if (auto* log = qobject_cast<const QLogValueAxis*>(axis)) return {log->min(), log->max()};
    if (auto* linear = qobject_cast<const QValueAxis*>(axis)) return {linear->min(), linear->max()};
    return {0, 1};
  }
};

ChartWidget::ChartWidget(const ChartInfo& info, QWidget* parent) : QWidget(parent), info_(info), impl_(std::make_unique<Impl>())
{
  impl_->chart = new QChart;
  impl_->chart->setTitle(info.title);
  impl_->chart->legend()->setAlignment(Qt::AlignBottom);
  impl_->chart->setAnimationOptions(QChart::NoAnimation);
  impl_->view = new QChartView(impl_->chart, this);  // owns the chart
  impl_->view->setRenderHint(QPainter::Antialiasing);
  // Drag a rectangle to zoom into it; right click zooms out (Qt Charts' own); pan and readout below.
  impl_->view->setRubberBand(QChartView::RectangleRubberBand);
  impl_->view->setMouseTracking(true);
  impl_->view->viewport()->setMouseTracking(true);
  impl_->view->viewport()->installEventFilter(this);
  impl_->log_box = new QCheckBox(tr("Log scale"));
  impl_->log_box->setToolTip(tr("A logarithmic y axis (points at zero are not drawn)"));
  // The share of the load has bars, a study chooses its own axes.
  impl_->log_box->setVisible(info.kind != ChartKind::LoadShare && info.kind != ChartKind::Study);
  connect(impl_->log_box, &QCheckBox::toggled, this, [this](bool on) { set_log_y(on); });
  auto* reset = new QPushButton(tr("Reset zoom"));
  reset->setToolTip(tr("Drag a rectangle to zoom, Shift+drag or the middle button to pan, right click to zoom out"));
  connect(reset, &QPushButton::clicked, this, [this] { reset_zoom(); });
  impl_->readout = new QLabel;
  impl_->readout->setTextInteractionFlags(Qt::TextSelectableByMouse);
  auto* bar = new QHBoxLayout;
  bar->setContentsMargins(4, 0, 4, 0);
  bar->addWidget(impl_->log_box);
  bar->addWidget(reset);
  bar->addWidget(impl_->readout, 1);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(impl_->view, 1);
  layout->addLayout(bar);
}

ChartWidget::~ChartWidget() = default;

void ChartWidget::show_runs(const std::vector<const RunData*>& runs, int max_points)
{
  last_runs_ = runs;
  last_max_points_ = max_points;
  if (info_.kind == ChartKind::LoadShare) {
    // A bar per server, a set per run: rebuilt each time (a handful of bars).
    impl_->clear();
    impl_->lines.clear();
    auto* bars = new QBarSeries;
    // A category per server of any run, by name: runs with other servers (autoscaling) line up.
    QStringList categories;
    for (const RunData* run : runs)
      for (const QString& server : run->servers)
        if (!categories.contains(server)) categories << server;
    const QStringList names = distinguishing_names(runs);
    for (size_t r = 0; r < runs.size(); ++r) {
      const RunData* run = runs[r];
      auto* set = new QBarSet(names[static_cast<qsizetype>(r)]);
      set->setColor(run_colours()[static_cast<qsizetype>(r) % run_colours().size()]);
      Line line{names[static_cast<qsizetype>(r)], {}, {}};
      const std::vector<double> share = run->load_share();
      for (qsizetype c = 0; c < categories.size(); ++c) {
        const qsizetype i = run->servers.indexOf(categories[c]);
        const double percent = i >= 0 && static_cast<size_t>(i) < share.size() ? share[static_cast<size_t>(i)] * 100 : 0.0;
        *set << percent;
        line.x.push_back(static_cast<double>(c));
        line.y.push_back(percent);
      }
      bars->append(set);
      impl_->lines.push_back(std::move(line));
    }
    impl_->chart->addSeries(bars);
    auto* axis = new QBarCategoryAxis;
    axis->append(categories);
    impl_->chart->addAxis(axis, Qt::AlignBottom);
    bars->attachAxis(axis);
    impl_->y = new QValueAxis;
    impl_->y->setTitleText("share of completed requests (%)");
    impl_->chart->addAxis(impl_->y, Qt::AlignLeft);
    bars->attachAxis(impl_->y);
    double hi = 0;
    for (const Line& l : impl_->lines)
      for (double v : l.y) hi = std::max(hi, v);
    fit(impl_->y, 0, hi, true);
    return;
  }
  ChartLines chart = run_lines(info_.kind, runs);
  impl_->y_style.log = impl_->log_y;
  impl_->show_lines(std::move(chart.lines), max_points, chart.x_title,
                    chart.y_title + (impl_->log_y ? " (log scale)" : ""), chart.y2_title);
  impl_->y_style = {};
  if (auto* fixed = qobject_cast<QValueAxis*>(impl_->y); fixed && chart.y_range && !impl_->chart->isZoomed()) {
    fixed->setRange(chart.y_range->first, chart.y_range->second);
    fixed->setTickCount(5);
  }
  // Several runs: the legend at the right, one entry a line, so no name is cut short to fit a row.
  impl_->chart->legend()->setAlignment(runs.size() > 1 ? Qt::AlignRight : Qt::AlignBottom);
}

void ChartWidget::show_study(const StudyData& study, int x_key, int metric)
{
  QStringList categories;
  const std::vector<StudyLine> study_lines_ = study_lines(study, x_key, metric, &categories);
  const bool categorical = study_key_is_categorical(study, x_key);
  std::vector<Line> lines;
  std::vector<double> xs, ys;
  int colour = 0;
  for (const StudyLine& sl : study_lines_) {
    Line mean{sl.label, sl.x, sl.mean};
    mean.colour = colour;
    mean.points_only = categorical;
    lines.push_back(mean);
    // Confidence bars: one short vertical line per point, coloured as its line, not in the legend.
    for (size_t i = 0; i < sl.x.size(); ++i) {
      Line bar{sl.label + " ci " + QString::number(i), {sl.x[i], sl.x[i]},
               {sl.mean[i] - sl.ci[i], sl.mean[i] + sl.ci[i]}};
      bar.colour = colour;
      bar.in_legend = false;
      lines.push_back(bar);
      ys.push_back(bar.y[0]), ys.push_back(bar.y[1]);
    }
    xs.insert(xs.end(), sl.x.begin(), sl.x.end());
    ++colour;
  }
  const QString x_title = study_key_label(study.varied, x_key);
  const QString y_title = study_metric_label(study.metrics.value(metric)).title;
  impl_->x_style = {!categorical && spans_decades(xs), categorical ? categories : QStringList()};
  impl_->y_style = {spans_decades(ys), {}};
  impl_->chart->setTitle(y_title + " against " + x_title);
  impl_->lines.clear();  // a new selection: build the series anew
  impl_->show_lines(std::move(lines), 100000, x_title + (impl_->x_style.log ? " (log scale)" : ""),
                    y_title + (impl_->y_style.log ? " (log scale)" : ""), QString());
  impl_->x_style = impl_->y_style = {};  // the run charts keep linear axes
  for (size_t i = 0; i < impl_->lines.size(); ++i)
    if (impl_->lines[i].in_legend)
      if (auto* line = qobject_cast<QLineSeries*>(impl_->series[i])) line->setPointsVisible(true);
}

ChartWidget::Axis ChartWidget::axis(Qt::Orientation orientation) const
{
  Axis out;
  QAbstractAxis* a = orientation == Qt::Horizontal ? impl_->x : impl_->y;
  if (!a) return out;
  out.title = a->titleText();
  out.log = qobject_cast<QLogValueAxis*>(a) != nullptr;
  if (auto* categories = qobject_cast<QCategoryAxis*>(a)) out.categories = categories->categoriesLabels();
  return out;
}

QStringList ChartWidget::legend() const
{
  QStringList names;
  for (size_t i = 0; i < impl_->lines.size(); ++i)
    if (impl_->lines[i].in_legend) names << impl_->lines[i].name;
  return names;
}

bool ChartWidget::has_lines() const
{
  for (const QXYSeries* s : impl_->series)
    if (qobject_cast<const QLineSeries*>(s) && s->count() > 2) return true;
  return false;
}

QColor ChartWidget::colour_of(const QString& name) const
{
  for (size_t i = 0; i < impl_->lines.size() && i < impl_->series.size(); ++i)
    if (impl_->lines[i].name == name) {
      if (impl_->lines[i].role == LineRole::Warmup) return impl_->lines[i].fixed_colour;
      return impl_->series[i]->pen().color();
    }
  return QColor();
}

void ChartWidget::set_log_y(bool log)
{
  {
    const QSignalBlocker block(impl_->log_box);
    impl_->log_box->setChecked(log);
  }
  if (impl_->log_y == log) return;
  impl_->log_y = log;
  impl_->lines.clear();  // new axes: build the series anew
  show_runs(last_runs_, last_max_points_);
}

bool ChartWidget::log_y() const { return impl_->log_y; }

void ChartWidget::zoom_to(const QRectF& view_pixels)
{
  const QRectF in_chart(impl_->chart->mapFromScene(impl_->view->mapToScene(view_pixels.topLeft().toPoint())),
                        impl_->chart->mapFromScene(impl_->view->mapToScene(view_pixels.bottomRight().toPoint())));
  impl_->chart->zoomIn(in_chart.normalized());
}

void ChartWidget::pan_by(double dx_pixels, double dy_pixels) { impl_->chart->scroll(dx_pixels, dy_pixels); }

void ChartWidget::reset_zoom() { impl_->chart->zoomReset(); }

bool ChartWidget::zoomed() const { return impl_->chart->isZoomed(); }

std::pair<double, double> ChartWidget::x_range() const { return Impl::range(impl_->x); }
std::pair<double, double> ChartWidget::y_range() const { return Impl::range(impl_->y); }

QPointF ChartWidget::position_of(const QPointF& value) const
{
  QAbstractSeries* any = impl_->series.empty() ? nullptr : impl_->series.front();
  for (size_t i = 0; i < impl_->series.size(); ++i)
    if (!impl_->lines[i].right_axis && impl_->lines[i].stack_on == -1 && impl_->lines[i].role != LineRole::Warmup) {
      any = impl_->series[i];
      break;
    }
  if (!any) return {};
  const QPointF in_chart = impl_->chart->mapToPosition(value, any);
  return impl_->view->mapFromScene(impl_->chart->mapToScene(in_chart));
}

QString ChartWidget::readout_at(const QPointF& at) const
{
  if (impl_->series.empty() || !impl_->x || !impl_->y) return QString();
  const QPointF pos = impl_->chart->mapFromScene(impl_->view->mapToScene(at.toPoint()));
  if (!impl_->chart->plotArea().contains(pos)) return QString();
  const QString x_title = impl_->x->titleText(), y_title = impl_->y->titleText();
  double best = kReadoutPixels;
  QString text;
  for (size_t i = 0; i < impl_->series.size(); ++i) {
    const Line& line = impl_->lines[i];
    QXYSeries* s = impl_->series[i];
    if (line.role == LineRole::Warmup || line.stack_on != -1) continue;
    if (line.role == LineRole::Event) {
      // A vertical line: near when the cursor is within a few pixels of its time.
      const double px = impl_->chart->mapToPosition(QPointF(line.x.front(), 0), s).x();
      if (std::abs(px - pos.x()) <= kEventPixels && std::abs(px - pos.x()) < best) {
        best = std::abs(px - pos.x());
        text = QString("%1 at %2 s").arg(line.name).arg(line.x.front(), 0, 'g', 6);
      }
      continue;
    }
    for (const QPointF& p : s->points()) {
      const QPointF px = impl_->chart->mapToPosition(p, s);
      const double d = std::hypot(px.x() - pos.x(), px.y() - pos.y());
      if (d >= best) continue;
      best = d;
      const QString y_axis = line.right_axis && impl_->y2 ? impl_->y2->titleText() : y_title;
      text = QString("%1 — %2: %3; %4: %5").arg(line.name, x_title).arg(p.x(), 0, 'g', 6).arg(y_axis).arg(p.y(), 0, 'g', 6);
    }
  }
  return text;
}

QString ChartWidget::readout() const { return impl_->readout->text(); }

bool ChartWidget::eventFilter(QObject* watched, QEvent* event)
{
  if (watched != impl_->view->viewport()) return QWidget::eventFilter(watched, event);
  switch (event->type()) {
    case QEvent::MouseButtonPress: {
      auto* e = static_cast<QMouseEvent*>(event);
      const bool pan = e->button() == Qt::MiddleButton || (e->button() == Qt::LeftButton && (e->modifiers() & Qt::ShiftModifier));
      if (!pan) break;
      impl_->pan_from = e->position().toPoint();
      return true;  // not the start of a rubber band
    }
    case QEvent::MouseMove: {
      auto* e = static_cast<QMouseEvent*>(event);
      if (impl_->pan_from) {
        const QPoint d = e->position().toPoint() - *impl_->pan_from;
        pan_by(-d.x(), d.y());  // the content follows the mouse
        impl_->pan_from = e->position().toPoint();
        return true;
      }
      impl_->readout->setText(readout_at(e->position()));
      break;
    }
    case QEvent::MouseButtonRelease:
      if (impl_->pan_from) {
        impl_->pan_from.reset();
        return true;
      }
      break;
    case QEvent::Leave: impl_->readout->clear(); break;
    default: break;
  }
  return QWidget::eventFilter(watched, event);
}

int ChartWidget::series_count() const
{
  return static_cast<int>(std::count_if(impl_->lines.begin(), impl_->lines.end(), [](const Line& l) { return !is_mark(l); }));
}

QStringList ChartWidget::marks() const
{
  QStringList names;
  for (const Line& line : impl_->lines)
    if (is_mark(line)) names << line.name;
  return names;
}

qsizetype ChartWidget::point_count() const
{
  qsizetype n = 0;
  for (size_t i = 0; i < impl_->series.size(); ++i)
    if (i >= impl_->lines.size() || !is_mark(impl_->lines[i])) n += impl_->series[i]->count();
  for (QAbstractSeries* s : impl_->chart->series())
    if (auto* bars = qobject_cast<QBarSeries*>(s))
      for (const QBarSet* set : bars->barSets()) n += set->count();
  return n;
}

QString ChartWidget::csv() const
{
  QString out;
  QTextStream text(&out);
  text << "series,x,y\n";
  for (const Line& line : impl_->lines) {
    if (is_mark(line)) continue;  // the warm-up and the events are in the run's own files
    QString name = line.name;
    if (name.contains(',') || name.contains('"')) name = '"' + name.replace("\"", "\"\"") + '"';
    for (size_t i = 0; i < std::min(line.x.size(), line.y.size()); ++i)
      text << name << ',' << QString::number(line.x[i], 'g', 17) << ',' << QString::number(line.y[i], 'g', 17) << '\n';
  }
  return out;
}

// The chart is laid out at `size` and its scene drawn directly: this works for charts never shown
// (hidden tabs, lbsim-plot), where a widget grab would draw the chart at its unlaid-out size.
void ChartWidget::render(QPainter& painter, QSize size) const
{
  // Axes replaced since the last event loop leave their drawings to a deferred delete: do it now,
  // or an export made right after a change (lbsim-plot, the screenshots) draws both axes.
  QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
  const QRectF old = impl_->chart->geometry();
  impl_->chart->setGeometry(QRectF(QPointF(0, 0), size));
  impl_->chart->scene()->render(&painter, QRectF(QPointF(0, 0), size), QRectF(QPointF(0, 0), size));
  impl_->chart->setGeometry(old);
}

QPixmap ChartWidget::image(QSize size) const
{
  QPixmap pixmap(size);
  pixmap.fill(Qt::white);
  QPainter painter(&pixmap);
  painter.setRenderHint(QPainter::Antialiasing);
  render(painter, size);
  return pixmap;
}

bool ChartWidget::save_png(const QString& path, QSize size) const { return image(size).save(path, "PNG"); }

bool ChartWidget::save_svg(const QString& path, QSize size) const
{
  QSvgGenerator svg;
  svg.setFileName(path);
  svg.setSize(size);
  svg.setViewBox(QRect(QPoint(0, 0), size));
  svg.setTitle(info_.title);
  QPainter painter;
  if (!painter.begin(&svg)) return false;
  render(painter, size);
  return painter.end() && QFile::exists(path);
}

}  // namespace lbsim::gui
