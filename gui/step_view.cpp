#include "gui/step_view.hpp"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace lbsim::gui {

namespace {
QTableWidgetItem* cell(const QString& text)
{
  auto* item = new QTableWidgetItem(text);
  item->setFlags(item->flags() & ~Qt::ItemIsEditable);
  return item;
}
}  // namespace

StepView::StepView(QWidget* parent)
    : QWidget(parent), rule_(new QLabel(this)), explanation_(new QLabel(this)), trace_(new QTableWidget(0, 7, this)),
      pool_(new QTableWidget(0, 6, this)), step_one_(new QPushButton(tr("Step"), this)),
      step_ten_(new QPushButton(tr("Step 10"), this)), reset_(new QPushButton(tr("Start over"), this))
{
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(step_one_);
  buttons->addWidget(step_ten_);
  buttons->addWidget(reset_);
  buttons->addStretch();
  // The keys are the Run menu's actions (F10, Shift+F10): a button with the same shortcut would
  // make it ambiguous, and Qt would fire neither.
  step_one_->setToolTip(tr("Advance one request (F10)"));
  step_ten_->setToolTip(tr("Advance ten requests (Shift+F10)"));
  rule_->setWordWrap(true);
  explanation_->setWordWrap(true);
  explanation_->setTextFormat(Qt::RichText);
  trace_->setHorizontalHeaderLabels({"#", "time_s", "client", "method", "path", "server", "status"});
  pool_->setHorizontalHeaderLabels({"server", "weight", "active (balancer)", "eligible", "busy cores", "queue"});
  for (QTableWidget* t : {trace_, pool_}) {
    t->verticalHeader()->hide();
    t->horizontalHeader()->setStretchLastSection(true);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
  }
  auto* split = new QSplitter(Qt::Vertical, this);
  split->addWidget(trace_);
  split->addWidget(pool_);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(buttons);
  layout->addWidget(rule_);
  layout->addWidget(explanation_);
  layout->addWidget(split, 1);
  for (QPushButton* b : {step_one_, step_ten_, reset_}) b->setEnabled(false);

  connect(step_one_, &QPushButton::clicked, this, [this] { step(1); });
  connect(step_ten_, &QPushButton::clicked, this, [this] { step(10); });
  connect(reset_, &QPushButton::clicked, this, [this] {
    if (config_) load(*config_);
  });
  connect(&worker_, &StepWorker::stepped, this, &StepView::show_state);
  connect(&worker_, &StepWorker::failed, this, [this](const QString& message) {
    explanation_->setText("<span style='color:#b00'>" + message.toHtmlEscaped() + "</span>");
  });
}

void StepView::load(const models::SystemConfig& config)
{
  config_ = config;
  loaded_ = true;
  rows_before_step_ = 0;
  trace_->setRowCount(0);
  explanation_->setText(tr("Press Step to send the first request."));
  worker_.load(config);
  for (QPushButton* b : {step_one_, step_ten_, reset_}) b->setEnabled(true);
}

void StepView::step(int requests)
{
  if (!loaded_) return;
  rows_before_step_ = static_cast<size_t>(trace_->rowCount());
  worker_.step(requests);
}

int StepView::trace_rows() const { return trace_->rowCount(); }

QString StepView::explanation() const { return explanation_->text(); }

void StepView::show_state()
{
  const std::vector<StepRecord> records = worker_.records();
  for (size_t i = static_cast<size_t>(trace_->rowCount()); i < records.size(); ++i) {
    const StepRecord& r = records[i];
    const int row = trace_->rowCount();
    trace_->insertRow(row);
    const QStringList fields = {QString::number(r.number), r.time_s, r.client, r.method, r.path, r.server, r.status};
    for (int c = 0; c < fields.size(); ++c) trace_->setItem(row, c, cell(fields[c]));
  }
  if (!records.empty()) trace_->scrollToBottom();

  const PoolSnapshot snap = worker_.snapshot();
  rule_->setText(snap.algorithm.isEmpty() ? algorithm_rule(QString())
                                          : "<b>" + snap.algorithm + "</b> " + algorithm_rule(snap.algorithm));
  pool_->setRowCount(static_cast<int>(snap.members.size()));
  const QString last_server = records.empty() ? QString() : records.back().server;
  for (size_t i = 0; i < snap.members.size(); ++i) {
    const PoolSnapshot::Member& m = snap.members[i];
    const QStringList fields = {m.name, QString::number(m.weight), QString::number(m.active), m.eligible ? "yes" : "no",
                                QString("%1 of %2").arg(m.busy_cores).arg(m.cores), QString::number(m.queue)};
    for (int c = 0; c < fields.size(); ++c) {
      QTableWidgetItem* item = cell(fields[c]);
      if (m.name == last_server) item->setBackground(QColor(255, 240, 180));
      pool_->setItem(static_cast<int>(i), c, item);
    }
  }
  for (QPushButton* b : {step_one_, step_ten_}) b->setEnabled(!snap.run_over);
  if (snap.run_over && records.size() == rows_before_step_) {
    explanation_->setText(tr("The run is over at %1 s: the scenario sends no more requests (Start over to replay it).")
                              .arg(snap.time_s));
    return;
  }
  if (records.empty()) return;
  const StepRecord& last = records.back();
  explanation_->setText(QString("Request %1 at %2 s from %3 (%4 %5) → <b>%6</b> (%7). ")
                            .arg(last.number)
                            .arg(last.time_s, last.client, last.method, last.path,
                                 last.server.isEmpty() ? QString("no server") : last.server, last.status) +
                        why_sentence(last) +
                        QString("When it chose, the balancer saw %1. The pool below is the state now, at %2 s.")
                            .arg(last.pool_before.isEmpty() ? QString("no pool (no balancer)") : last.pool_before,
                                 snap.time_s) +
                        (snap.run_over ? tr(" It was the last one: the run is over.") : QString()));
}

}  // namespace lbsim::gui
