#include "gui/compare_view.hpp"

#include "gui/run_naming.hpp"

#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include <set>

namespace lbsim::gui {

namespace {

QString ms(double seconds) { return QString::number(seconds * 1e3, 'f', 2); }
QString ms(const std::optional<double>& seconds) { return seconds ? ms(*seconds) : QString(); }

QString quoted(QString field)
{
  if (field.contains(',') || field.contains('"') || field.contains('\n')) field = '"' + field.replace("\"", "\"\"") + '"';
  return field;
}

double status_count(const RunFigures& f, const QString& status)
{
  for (const auto& [s, n] : f.by_status)
    if (s == status) return n;
  return 0;
}

}  // namespace

QString Comparison::cell(const QString& metric, qsizetype run) const
{
  const qsizetype row = metrics.indexOf(metric);
  return row < 0 ? QString() : cells[static_cast<size_t>(row)].value(run);
}

QString Comparison::csv() const
{
  QStringList header{"metric"};
  for (const QString& r : runs) header << quoted(r);
  QString out = header.join(',') + '\n';
  for (size_t i = 0; i < cells.size(); ++i) {
    QStringList row{quoted(metrics[static_cast<qsizetype>(i)])};
    for (const QString& c : cells[i]) row << quoted(c);
    out += row.join(',') + '\n';
  }
  return out;
}

Comparison compare_runs(const std::vector<const RunData*>& runs)
{
  Comparison c;
  c.runs = distinguishing_names(runs);
  bool gateway = false;
  std::set<int> statuses;  // other than 200, with a gateway
  for (const RunData* run : runs) {
    gateway = gateway || run->figures.gateway;
    for (const auto& [s, n] : run->figures.by_status)
      if (s != "200") statuses.insert(s.toInt());
  }
  auto row = [&](const QString& metric, auto value) {
    QStringList cells;
    for (const RunData* run : runs)
      cells << (run->figures.known ? value(run->figures) : run->finished ? QString("no summary") : QString("running"));
    c.metrics << metric;
    c.cells.push_back(cells);
  };
  row("p50 latency (ms)", [](const RunFigures& f) { return ms(f.percentile_s(50)); });
  row("p99 latency (ms)", [](const RunFigures& f) { return ms(f.percentile_s(99)); });
  row("p99.9 latency (ms)", [](const RunFigures& f) { return ms(f.percentile_s(99.9)); });
  row("mean latency (ms)", [](const RunFigures& f) { return ms(f.latency_mean_s); });
  row("throughput (req/s)", [](const RunFigures& f) { return QString::number(f.throughput_rps, 'f', 2); });
  row("completed", [](const RunFigures& f) { return QString::number(f.completed, 'f', 0); });
  if (gateway) {
    for (int s : statuses)
      row(QString("status %1").arg(s), [s](const RunFigures& f) { return QString::number(status_count(f, QString::number(s)), 'f', 0); });
  } else {
    row("rejected (503)", [](const RunFigures& f) { return QString::number(f.rejected, 'f', 0); });
    row("failed (500, 502)", [](const RunFigures& f) { return QString::number(f.failed, 'f', 0); });
  }
  row("cost", [](const RunFigures& f) { return QString::number(f.cost_total, 'f', 2); });
  row("SLO p99 (ms)", [](const RunFigures& f) { return ms(f.slo_p99_s); });
  row("SLO verdict", [](const RunFigures& f) {
    return !f.slo_met ? QString("no SLO") : *f.slo_met ? QString("met") : QString("missed");
  });
  row("analytic model", [](const RunFigures& f) {
    if (!f.analytic) return QString();
    return f.analytic->model.isEmpty() ? "none: " + f.analytic->reason : f.analytic->model;
  });
  row("predicted mean (ms)", [](const RunFigures& f) { return f.analytic ? ms(f.analytic->mean_s) : QString(); });
  row("predicted p99 (ms)", [](const RunFigures& f) { return f.analytic ? ms(f.analytic->p99_s) : QString(); });
  row("predicted throughput (req/s)", [](const RunFigures& f) {
    return f.analytic && f.analytic->throughput_rps ? QString::number(*f.analytic->throughput_rps, 'f', 2) : QString();
  });
  row("p99 error against the prediction", [](const RunFigures& f) {
    return f.analytic && f.analytic->relative_error_p99 ? QString::number(*f.analytic->relative_error_p99 * 100, 'f', 1) + " %"
                                                        : QString();
  });
  return c;
}

CompareView::CompareView(QWidget* parent) : QWidget(parent), table_(new QTableWidget(this)), note_(new QLabel(this))
{
  auto* layout = new QVBoxLayout(this);
  auto* bar = new QHBoxLayout;
  auto* save = new QPushButton(tr("Export CSV..."));
  connect(save, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the comparison"), "comparison.csv", tr("CSV (*.csv)"));
    if (!path.isEmpty() && !export_csv(path)) QMessageBox::warning(this, tr("Export the comparison"), tr("Cannot write %1").arg(path));
  });
  note_->setWordWrap(true);
  note_->setText(tr("The ticked runs' whole-run figures (summary.json). Columns are named by what differs between the runs."));
  bar->addWidget(note_, 1);
  bar->addWidget(save);
  layout->addLayout(bar);
  layout->addWidget(table_, 1);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  // A long cell (why no analytic model applies) is cut in the table, whole in its tooltip and the CSV.
  table_->horizontalHeader()->setMaximumSectionSize(300);
}

void CompareView::show_runs(const std::vector<const RunData*>& runs)
{
  comparison_ = compare_runs(runs);
  table_->clear();
  table_->setColumnCount(static_cast<int>(comparison_.runs.size()));
  table_->setRowCount(static_cast<int>(comparison_.metrics.size()));
  table_->setHorizontalHeaderLabels(comparison_.runs);
  table_->setVerticalHeaderLabels(comparison_.metrics);
  for (size_t r = 0; r < comparison_.cells.size(); ++r)
    for (qsizetype c = 0; c < comparison_.cells[r].size(); ++c) {
      auto* item = new QTableWidgetItem(comparison_.cells[r][c]);
      item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
      item->setToolTip(comparison_.cells[r][c]);
      table_->setItem(static_cast<int>(r), static_cast<int>(c), item);
    }
}

bool CompareView::export_csv(const QString& path) const
{
  QFile file(path);
  if (!file.open(QIODevice::WriteOnly | QIODevice::Text)) return false;
  return file.write(comparison_.csv().toUtf8()) >= 0;
}

}  // namespace lbsim::gui
