// The one file that includes Qt Charts (see series_adapter.hpp).
#include "gui/series_adapter.hpp"

#include "gui/decimate.hpp"

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

#include <QFile>
#include <QPainter>
#include <QSvgGenerator>
#include <QTextStream>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

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
  };
  return charts;
}

const ChartInfo& study_chart()
{
  static const ChartInfo info{ChartKind::Study, "Study", "study"};
  return info;
}

namespace {

struct Line {
  QString name;
  std::vector<double> x, y;
  bool right_axis = false;
  bool dashed = false;
  bool in_legend = true;
  int colour = -1;  // index into the palette; -1: next
  int stack_on = -1;  // stacked: an area from the line of this index (same x) up; -2: from 0; -1: a line
  bool points_only = false;  // markers without a line (categories on x: a line between them means nothing)
};

// How an axis is drawn: linear, logarithmic (values over decades), or named categories at 0, 1, ...
struct AxisStyle {
  bool log = false;
  QStringList categories;
};

// Values that span this ratio or more, all above zero, get a log axis (a study's 1 .. 100,000).
constexpr double kLogAxisRatio = 100;

const QList<QColor>& series_colours()
{
  static const QList<QColor> colours = {QColor(31, 119, 180), QColor(255, 127, 14), QColor(44, 160, 44),
                                        QColor(214, 39, 40),  QColor(148, 103, 189), QColor(140, 86, 75),
                                        QColor(227, 119, 194), QColor(127, 127, 127), QColor(188, 189, 34),
                                        QColor(23, 190, 207)};
  return colours;
}

QString prefixed(const RunData& run, const QString& name, size_t runs)
{
  return runs > 1 ? run.label + ": " + name : name;
}

std::vector<double> times(const RunData& run)
{
  std::vector<double> t;
  t.reserve(run.rows.size());
  for (const IntervalPoint& p : run.rows) t.push_back(p.time_s);
  return t;
}

template <class F>
std::vector<double> column(const RunData& run, F f)
{
  std::vector<double> v;
  v.reserve(run.rows.size());
  for (const IntervalPoint& p : run.rows) v.push_back(f(p));
  return v;
}

// Beyond this many servers a chart shows their minimum, mean and maximum instead of one line each.
constexpr size_t kMaxServerLines = 24;

// One line per server of `value`, or min/mean/max over the servers when there are many. Each
// point is drawn at its own time: servers.csv may have a row every few intervals, and servers that
// join during a run start late.
void server_lines(std::vector<Line>& lines, const RunData& run, size_t runs, const QString& prefix,
                  double (*value)(const ServerPoint&))
{
  const size_t n = run.server_rows.size();
  if (n <= kMaxServerLines) {
    for (size_t s = 0; s < n; ++s) {
      Line line{prefixed(run, prefix + run.servers.value(static_cast<qsizetype>(s)), runs), {}, {}};
      for (const ServerPoint& p : run.server_rows[s]) line.x.push_back(p.time_s), line.y.push_back(value(p));
      lines.push_back(std::move(line));
    }
    return;
  }
  struct Spread {
    double lo = std::numeric_limits<double>::infinity(), hi = -std::numeric_limits<double>::infinity(), sum = 0;
    size_t count = 0;
  };
  std::map<double, Spread> at;  // by time
  for (const std::vector<ServerPoint>& points : run.server_rows)
    for (const ServerPoint& p : points) {
      Spread& a = at[p.time_s];
      const double v = value(p);
      a.lo = std::min(a.lo, v), a.hi = std::max(a.hi, v), a.sum += v, ++a.count;
    }
  Line lo{prefixed(run, prefix + "min over servers", runs), {}, {}}, mean{prefixed(run, prefix + "mean over servers", runs), {}, {}},
      hi{prefixed(run, prefix + "max over servers", runs), {}, {}};
  for (const auto& [t, a] : at) {
    for (Line* l : {&lo, &mean, &hi}) l->x.push_back(t);
    lo.y.push_back(a.lo), mean.y.push_back(a.sum / static_cast<double>(a.count)), hi.y.push_back(a.hi);
  }
  lo.dashed = hi.dashed = true;
  lines.push_back(lo), lines.push_back(mean), lines.push_back(hi);
}

// The lines of a time chart of `runs`, with the y axis titles.
std::vector<Line> run_lines(ChartKind kind, const std::vector<const RunData*>& runs, QString& y_title, QString& y2_title)
{
  std::vector<Line> lines;
  const size_t n = runs.size();
  int run_index = 0;
  for (const RunData* run : runs) {
    const std::vector<double> t = times(*run);
    const int base = run_index * 2;
    switch (kind) {
      case ChartKind::Latency:
        y_title = "response time (ms)";
        lines.push_back({prefixed(*run, "p50", n), t, column(*run, [](auto& p) { return p.latency_p50_s * 1e3; })});
        lines.back().colour = base;
        lines.push_back({prefixed(*run, "p99", n), t, column(*run, [](auto& p) { return p.latency_p99_s * 1e3; })});
        lines.back().colour = base + 1;
        if (run->slo_p99_s && !t.empty() && run_index == 0) {
          Line slo{"SLO p99", {t.front(), t.back()}, {*run->slo_p99_s * 1e3, *run->slo_p99_s * 1e3}};
          slo.dashed = true;
          slo.colour = 3;
          lines.push_back(slo);
        }
        break;
      case ChartKind::Throughput:
        y_title = "completed requests/s";
        lines.push_back({prefixed(*run, "throughput", n), t, column(*run, [](auto& p) { return p.throughput_rps; })});
        break;
      case ChartKind::InFlight:
        y_title = "requests";
        lines.push_back({prefixed(*run, "in flight", n), t, column(*run, [](auto& p) { return p.in_flight; })});
        server_lines(lines, *run, n, "queue ", [](const ServerPoint& p) { return p.queue; });
        break;
      case ChartKind::Utilization:
        y_title = "utilization (%)";
        server_lines(lines, *run, n, "", [](const ServerPoint& p) { return p.utilization * 100; });
        break;
      case ChartKind::ServersCost: {
        y_title = "servers up";
        y2_title = "cumulative cost";
        lines.push_back({prefixed(*run, "servers up", n), t, column(*run, [](auto& p) { return p.servers_up; })});
        Line cost{prefixed(*run, "cost", n), t, run->cumulative_cost()};
        cost.right_axis = true;
        lines.push_back(cost);
        break;
      }
      case ChartKind::Errors:
        y_title = "requests per interval";
        lines.push_back({prefixed(*run, "rejected (503)", n), t, column(*run, [](auto& p) { return p.rejected; })});
        break;
      case ChartKind::Links:
        y_title = "utilization (%)";
        // Each point at its own time: a link of a server that joins during the run starts late.
        for (size_t l = 0; l < run->link_rows.size(); ++l) {
          Line line{prefixed(*run, run->links.value(static_cast<qsizetype>(l)), n), {}, {}};
          for (const TimedValue& v : run->link_rows[l]) line.x.push_back(v.time_s), line.y.push_back(v.value * 100);
          lines.push_back(std::move(line));
        }
        break;
      case ChartKind::Status: {
        // The gateway's answers per interval, stacked: 2xx, then 4xx (without 429), 429 and 5xx.
        y_title = "answers per interval";
        if (!run->gateway) break;
        const size_t first = lines.size();
        const std::pair<const char*, double IntervalPoint::*> classes[] = {
            {"2xx", &IntervalPoint::status_2xx}, {"4xx", &IntervalPoint::status_4xx},
            {"429", &IntervalPoint::status_429}, {"5xx", &IntervalPoint::status_5xx}};
        const int colours[] = {2, 1, 4, 3};
        for (size_t c = 0; c < 4; ++c) {
          const auto member = classes[c].second;
          Line line{prefixed(*run, classes[c].first, n), t, column(*run, [member](auto& p) { return p.*member; })};
          line.colour = colours[c];
          line.stack_on = c == 0 ? -2 : static_cast<int>(first + c - 1);
          lines.push_back(std::move(line));
        }
        break;
      }
      case ChartKind::CacheHit:
        y_title = "cache hits (% of lookups)";
        if (run->gateway)
          lines.push_back({prefixed(*run, "cache hit ratio", n), t, column(*run, [](auto& p) { return p.cache_hit_ratio * 100; })});
        break;
      case ChartKind::LoadShare:
      case ChartKind::Study: break;
    }
    ++run_index;
  }
  return lines;
}

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
  QAbstractAxis* x = nullptr;
  QAbstractAxis* y = nullptr;
  QValueAxis* y2 = nullptr;
  AxisStyle x_style, y_style;  // for the next build of the axes (a study's chart)
  std::vector<Line> lines;  // what is shown, undecimated
  std::vector<QXYSeries*> series;
  double scale = 1;  // presentation mode: new axes and lines are drawn this many times as large

  static QFont scaled(QFont font, double by)
  {
    if (font.pointSizeF() > 0) font.setPointSizeF(font.pointSizeF() * by);
    return font;
  }
  static void widen(QAbstractSeries* s, double by)
  {
    auto widen_pen = [by](QPen pen) {
      pen.setWidthF(pen.widthF() * by);
      return pen;
    };
    if (auto* xy = qobject_cast<QXYSeries*>(s)) xy->setPen(widen_pen(xy->pen()));
    if (auto* area = qobject_cast<QAreaSeries*>(s)) area->setPen(widen_pen(area->pen()));
  }
  // What is drawn now, `by` times as large.
  void rescale(double by)
  {
    chart->setTitleFont(scaled(chart->titleFont(), by));
    chart->legend()->setFont(scaled(chart->legend()->font(), by));
    for (QAbstractAxis* axis : chart->axes()) {
      axis->setLabelsFont(scaled(axis->labelsFont(), by));
      axis->setTitleFont(scaled(axis->titleFont(), by));
    }
    for (QAbstractSeries* s : chart->series()) widen(s, by);
  }

  void clear()
  {
    chart->removeAllSeries();
    series.clear();
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
    for (QAbstractAxis* axis : chart->axes()) {  // the theme gave them its fonts
      axis->setLabelsFont(scaled(axis->labelsFont(), scale));
      axis->setTitleFont(scaled(axis->titleFont(), scale));
    }
  }

  // Shows `next`: replaces the points of the series in place when the lines are the same ones
  // (a live update), else builds the series anew.
  void show_lines(std::vector<Line> next, int max_points, const QString& x_title, const QString& y_title,
                  const QString& y2_title)
  {
    bool same = next.size() == lines.size() && x != nullptr && (y2 != nullptr) == !y2_title.isEmpty();
    for (size_t i = 0; same && i < next.size(); ++i) same = next[i].name == lines[i].name;
    if (!same) {
      clear();
      make_axes(x_title, y_title, y2_title);
      int next_colour = 0;
      for (const Line& line : next) {
        QXYSeries* s = line.points_only ? static_cast<QXYSeries*>(new QScatterSeries) : new QLineSeries;
        s->setName(line.name);
        const QColor colour = series_colours()[(line.colour >= 0 ? line.colour : next_colour++) % series_colours().size()];
        QPen pen(colour);
        pen.setWidthF(1.6 * scale);
        if (line.dashed) pen.setStyle(Qt::DashLine);
        s->setPen(pen);
        if (auto* scatter = qobject_cast<QScatterSeries*>(s)) {
          scatter->setColor(colour);
          scatter->setMarkerSize(9);
        }
        QAbstractSeries* shown = s;
        if (line.stack_on != -1) {
          // The area between the line below (its upper edge) and this one; it owns its edges.
          auto* lower = line.stack_on >= 0 ? qobject_cast<QLineSeries*>(series[static_cast<size_t>(line.stack_on)]) : nullptr;
          auto* area = new QAreaSeries(qobject_cast<QLineSeries*>(s), lower);
          area->setName(line.name);
          area->setPen(pen);
          area->setBrush(QColor(colour.red(), colour.green(), colour.blue(), 170));
          shown = area;
        }
        chart->addSeries(shown);
        shown->attachAxis(x);
        shown->attachAxis(line.right_axis && y2 ? y2 : y);
        series.push_back(s);
        if (!line.in_legend)
          for (QLegendMarker* m : chart->legend()->markers(shown)) m->setVisible(false);
      }
    }
    lines = std::move(next);
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
      const QList<QPointF> points = decimate(lines[i].x, drawn[i], max_points);
      series[i]->replace(points);
      for (const QPointF& p : points) {
        x_lo = std::min(x_lo, p.x()), x_hi = std::max(x_hi, p.x());
        double& lo = lines[i].right_axis ? r_lo : y_lo;
        double& hi = lines[i].right_axis ? r_hi : y_hi;
        lo = std::min(lo, p.y()), hi = std::max(hi, p.y());
      }
    }
    fit(x, x_lo, x_hi, false);
    fit(y, y_lo, y_hi, true);
    if (y2) fit(y2, r_lo, r_hi, true);
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
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(impl_->view);
}

ChartWidget::~ChartWidget() = default;

void ChartWidget::show_runs(const std::vector<const RunData*>& runs, int max_points)
{
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
    for (const RunData* run : runs) {
      auto* set = new QBarSet(run->label);
      Line line{run->label, {}, {}};
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
  QString y_title, y2_title;
  impl_->show_lines(run_lines(info_.kind, runs, y_title, y2_title), max_points, "time (s)", y_title, y2_title);
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

void ChartWidget::set_presentation(bool on)
{
  const double next = on ? 1.5 : 1.0;
  impl_->rescale(next / impl_->scale);
  impl_->scale = next;
}

QFont ChartWidget::title_font() const { return impl_->chart->titleFont(); }

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

int ChartWidget::series_count() const { return static_cast<int>(impl_->lines.size()); }

qsizetype ChartWidget::point_count() const
{
  qsizetype n = 0;
  for (const QXYSeries* s : impl_->series) n += s->count();
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
