#include "gui/chart_panel.hpp"

#include <QDir>
#include <QFile>
#include <QTabBar>
#include <QTabWidget>
#include <QVBoxLayout>

#include <stdexcept>

namespace lbsim::gui {

ChartPanel::ChartPanel(QWidget* parent) : QWidget(parent), tabs_(new QTabWidget(this))
{
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(tabs_);
  tabs_->setDocumentMode(true);
  for (const ChartInfo& info : run_charts()) {
    auto* chart = new ChartWidget(info, tabs_);
    charts_.push_back(chart);
    tabs_->addTab(chart, info.title);
  }
  stale_.assign(charts_.size(), false);
  connect(tabs_, &QTabWidget::currentChanged, this, [this](int index) { refresh(index); });
}

void ChartPanel::refresh(int index)
{
  if (index < 0 || static_cast<size_t>(index) >= charts_.size() || !stale_[static_cast<size_t>(index)]) return;
  charts_[static_cast<size_t>(index)]->show_runs(runs_);
  stale_[static_cast<size_t>(index)] = false;
}

void ChartPanel::refresh_all()
{
  for (size_t i = 0; i < charts_.size(); ++i) refresh(static_cast<int>(i));
}

void ChartPanel::show_runs(const std::vector<const RunData*>& runs)
{
  runs_ = runs;
  stale_.assign(charts_.size(), true);
  refresh(tabs_->currentIndex());
  bool links = false, gateway = false;
  for (const RunData* run : runs) links = links || !run->links.isEmpty(), gateway = gateway || run->gateway;
  // Links only with a network; the status and cache charts only with a gateway.
  bool changed = false;
  for (size_t i = 0; i < charts_.size(); ++i) {
    const ChartKind kind = charts_[i]->info().kind;
    const int tab = static_cast<int>(i);
    bool shown = tabs_->isTabVisible(tab);
    if (kind == ChartKind::Links) shown = links;
    if (kind == ChartKind::Status || kind == ChartKind::CacheHit) shown = gateway;
    // Only on a change: QTabBar::setTabVisible clears the bar's "lay out again" flag when it
    // changes nothing, which would leave a tab shown while the panel is hidden with no room.
    if (shown == tabs_->isTabVisible(tab)) continue;
    tabs_->setTabVisible(tab, shown);
    changed = true;
  }
  // The bar lays itself out when asked for its size: ask now, whether or not the panel is visible.
  if (changed) {
    tabs_->tabBar()->updateGeometry();
    (void)tabs_->tabBar()->sizeHint();
  }
}

bool ChartPanel::tab_shown(ChartKind kind) const
{
  for (size_t i = 0; i < charts_.size(); ++i)
    if (charts_[i]->info().kind == kind)
      // Visible and laid out: a tab marked visible with no room in the bar is not shown.
      return tabs_->isTabVisible(static_cast<int>(i)) && !tabs_->tabBar()->tabRect(static_cast<int>(i)).isEmpty();
  return false;
}

ChartWidget* ChartPanel::current() const { return qobject_cast<ChartWidget*>(tabs_->currentWidget()); }

bool ChartPanel::export_chart(const ChartWidget& chart, const QString& path, QSize size)
{
  if (path.endsWith(".svg", Qt::CaseInsensitive)) return chart.save_svg(path, size);
  if (path.endsWith(".csv", Qt::CaseInsensitive)) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text)) return false;
    return file.write(chart.csv().toUtf8()) >= 0;
  }
  return chart.save_png(path, size);
}

QStringList ChartPanel::export_all(const QString& dir, bool png_only, QSize size)
{
  refresh_all();
  QDir().mkpath(dir);
  QStringList written;
  const QStringList formats = png_only ? QStringList{"png"} : QStringList{"png", "svg", "csv"};
  for (const ChartWidget* chart : charts_) {
    if (chart->series_count() == 0 || chart->point_count() == 0) continue;
    for (const QString& format : formats) {
      const QString path = QDir(dir).filePath(chart->info().file_stem + "." + format);
      if (!export_chart(*chart, path, size)) throw std::runtime_error("cannot write " + path.toStdString());
      written << path;
    }
  }
  return written;
}

}  // namespace lbsim::gui
