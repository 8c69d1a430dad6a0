// The chart widget: what it shows (runs, a study), what it says of itself, its exports. With
// series_drawing.cpp and series_interaction.cpp, the only files that include Qt Charts.
#include "gui/series_adapter.hpp"

#include "gui/run_naming.hpp"
#include "gui/series_impl.hpp"

#include <QtCharts/QBarCategoryAxis>
#include <QtCharts/QBarSeries>
#include <QtCharts/QBarSet>
#include <QtCharts/QCategoryAxis>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QLineSeries>
#include <QtCharts/QLogValueAxis>
#include <QtCharts/QValueAxis>

#include <QCheckBox>
#include <QCoreApplication>
#include <QFile>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QSvgGenerator>
#include <QTextStream>
#include <QVBoxLayout>

#include <algorithm>

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
    impl_->scale_axis_fonts();
    bars->attachAxis(impl_->y);
    double hi = 0;
    for (const Line& l : impl_->lines)
      for (double v : l.y) hi = std::max(hi, v);
    fit_axis(impl_->y, 0, hi, true);
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

QColor ChartWidget::colour_of(const QString& name) const
{
  for (size_t i = 0; i < impl_->lines.size() && i < impl_->series.size(); ++i)
    if (impl_->lines[i].name == name) {
      if (impl_->lines[i].role == LineRole::Warmup) return impl_->lines[i].fixed_colour;
      return impl_->series[i]->pen().color();
    }
  return QColor();
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
