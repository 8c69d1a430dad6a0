#include "gui/main_window.hpp"

#include "gui/chart_panel.hpp"
#include "gui/compare_view.hpp"
#include "gui/help_viewer.hpp"
#include "gui/results_reader.hpp"
#include "gui/run_naming.hpp"
#include "gui/series_adapter.hpp"
#include "gui/shipped_files.hpp"
#include "gui/sim_worker.hpp"
#include "gui/animation_view.hpp"
#include "gui/step_view.hpp"
#include "gui/topology_view.hpp"
#include "gui/yaml_editor.hpp"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDesktopServices>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPainter>
#include <QProgressBar>
#include <QSaveFile>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>
#include <QUrl>
#include <QVBoxLayout>

#include <stdexcept>

namespace lbsim::gui {

namespace {
constexpr int kMaxRecent = 8;
constexpr int kRefreshMs = 100;  // live charts redraw at most 10 times a second
}  // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), editor_(new YamlEditor), error_label_(new QLabel), splitter_(new QSplitter(Qt::Horizontal)),
      views_(new QTabWidget), charts_(new ChartPanel), topology_(new TopologyView), step_view_(new StepView),
      animation_(new AnimationView),
      study_page_(new QWidget), study_chart_(new ChartWidget(gui::study_chart())), study_x_(new QComboBox),
      study_metric_(new QComboBox), run_list_(new QListWidget), progress_(new QProgressBar), timer_(new QTimer(this)),
      worker_(std::make_unique<SimWorker>())
{
  setObjectName("MainWindow");
  setAcceptDrops(true);
  auto* left = new QWidget;
  auto* left_layout = new QVBoxLayout(left);
  left_layout->setContentsMargins(0, 0, 0, 0);
  left_layout->addWidget(editor_, 1);
  left_layout->addWidget(error_label_);
  error_label_->setWordWrap(true);
  error_label_->setTextInteractionFlags(Qt::TextSelectableByMouse);

  auto* study_layout = new QVBoxLayout(study_page_);
  auto* form = new QFormLayout;
  form->addRow(tr("Against"), study_x_);
  form->addRow(tr("Metric"), study_metric_);
  study_layout->addLayout(form);
  study_layout->addWidget(study_chart_, 1);

  views_->addTab(charts_, tr("Charts"));
  views_->addTab(topology_, tr("Topology"));
  views_->addTab(step_view_, tr("Step"));
  views_->addTab(animation_, tr("Animation"));
  views_->addTab(study_page_, tr("Study"));
  splitter_->addWidget(left);
  splitter_->addWidget(views_);
  splitter_->setStretchFactor(0, 2);
  splitter_->setStretchFactor(1, 3);
  setCentralWidget(splitter_);

  auto* dock = new QDockWidget(tr("Runs"), this);
  dock->setObjectName("RunsDock");
  dock->setWidget(run_list_);
  run_list_->setToolTip(tr("Tick the runs to overlay on the charts"));
  addDockWidget(Qt::BottomDockWidgetArea, dock);
  // The ticked runs side by side (docs/gui.md, "Comparing runs").
  compare_ = new CompareView;
  views_->addTab(compare_, tr("Compare"));

  progress_->setRange(0, 1000);
  progress_->setMaximumWidth(220);
  progress_->setVisible(false);
  statusBar()->addPermanentWidget(progress_);

  build_actions();
  connect(editor_, &YamlEditor::validated, this, [this](bool ok, const QString& message) {
    error_label_->setText(ok ? QString() : "<span style='color:#b00'>" + message.toHtmlEscaped() + "</span>");
    run_action_->setEnabled(ok && !worker_->running());
  });
  connect(editor_->document(), &QTextDocument::modificationChanged, this, &QWidget::setWindowModified);
  connect(timer_, &QTimer::timeout, this, &MainWindow::pull_rows);
  connect(worker_.get(), &SimWorker::finished, this, &MainWindow::run_finished);
  connect(run_list_, &QListWidget::itemChanged, this, [this] { show_checked_runs(); });
  connect(study_x_, &QComboBox::currentIndexChanged, this, [this] { show_study(); });
  connect(study_metric_, &QComboBox::currentIndexChanged, this, [this] { show_study(); });
  connect(views_, &QTabWidget::currentChanged, this, [this] {
    if (views_->currentWidget() == step_view_ && step_view_->trace_rows() == 0)
      if (auto config = editor_->validate(override_list())) step_view_->load(*config);
    if (views_->currentWidget() == animation_ && !animation_->loaded())
      if (auto config = editor_->validate(override_list())) animation_->load(*config);
  });

  QSettings settings;
  restoreGeometry(settings.value("window/geometry").toByteArray());
  restoreState(settings.value("window/state").toByteArray());
  splitter_->restoreState(settings.value("window/splitter").toByteArray());
  if (!settings.contains("window/geometry")) resize(1400, 850);
  set_current_file(QString());
  update_run_actions();
  set_presentation(settings.value("window/presentation", false).toBool());
}

// The application's font is the whole process's: another window (a test's) must not inherit ours.
MainWindow::~MainWindow()
{
  if (presentation_) QApplication::setFont(normal_font_);
}

void MainWindow::build_actions()
{
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QToolBar* bar = addToolBar(tr("Main"));
  bar->setObjectName("MainToolBar");
  auto add = [this](QMenu* menu, const QString& text, QKeySequence key, auto slot) {
    QAction* a = menu->addAction(text);
    if (!key.isEmpty()) a->setShortcut(key);
    connect(a, &QAction::triggered, this, slot);
    return a;
  };
  add(file, tr("&New"), QKeySequence::New, [this] {
    if (!maybe_save()) return;
    editor_->setPlainText(QString());
    set_current_file(QString());
  });
  QAction* open = add(file, tr("&Open..."), QKeySequence::Open, [this] {
    if (!maybe_save()) return;
    const QString path = QFileDialog::getOpenFileName(this, tr("Open scenario"), QString(), tr("Scenarios (*.yaml *.yml);;All files (*)"));
    if (!path.isEmpty()) open_file(path);
  });
  recent_menu_ = file->addMenu(tr("Open &Recent"));
  build_examples_menu(file->addMenu(tr("&Examples")), examples_dir());
  build_examples_menu(file->addMenu(tr("&Teaching")), teaching_dir());
  save_action_ = add(file, tr("&Save"), QKeySequence::Save, [this] { save(); });
  add(file, tr("Save &As..."), QKeySequence::SaveAs, [this] { save_as(editor_->file_path()); });
  file->addSeparator();
  add(file, tr("Open Res&ults..."), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O), [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open a results folder (lbsim run --out, lbsim study --out)"));
    if (!dir.isEmpty()) open_results(dir);
  });
  add(file, tr("&Export Chart..."), QKeySequence(Qt::CTRL | Qt::Key_E), [this] { export_current_chart(); });
  add(file, tr("Export &All Charts..."), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E), [this] { export_all_charts(); });
  file->addSeparator();
  add(file, tr("&Quit"), QKeySequence::Quit, [this] { close(); });

  QMenu* run = menuBar()->addMenu(tr("&Run"));
  run_action_ = add(run, tr("&Run"), QKeySequence(Qt::CTRL | Qt::Key_R), [this] { start_run(); });
  pause_action_ = add(run, tr("&Pause"), QKeySequence(Qt::CTRL | Qt::Key_P), [this] {
    worker_->set_paused(!worker_->paused());
    pause_action_->setText(worker_->paused() ? tr("&Resume") : tr("&Pause"));
    statusBar()->showMessage(worker_->paused() ? tr("Paused") : tr("Running"));
  });
  stop_action_ = add(run, tr("&Stop"), QKeySequence(Qt::CTRL | Qt::Key_Period), [this] { worker_->stop(); });
  run->addSeparator();
  add(run, tr("Step &View"), QKeySequence(Qt::CTRL | Qt::Key_T), [this] { views_->setCurrentWidget(step_view_); });
  // The step view's buttons have no shortcut of their own: one key, one action (else Qt fires neither).
  add(run, tr("Step One &Request"), QKeySequence(Qt::Key_F10), [this] {
    views_->setCurrentWidget(step_view_);
    step_view_->step(1);
  });
  add(run, tr("Step &Ten Requests"), QKeySequence(Qt::SHIFT | Qt::Key_F10), [this] {
    views_->setCurrentWidget(step_view_);
    step_view_->step(10);
  });

  QMenu* view = menuBar()->addMenu(tr("&View"));
  presentation_action_ = add(view, tr("&Presentation Mode"), QKeySequence(Qt::Key_F11), [this] {
    set_presentation(presentation_action_->isChecked());
  });
  presentation_action_->setCheckable(true);
  presentation_action_->setToolTip(tr("Larger fonts, thicker lines, the editor collapsed: for a projector"));

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  add(help, tr("&Documentation"), QKeySequence::HelpContents, [this] { show_documentation(); });
  add(help, tr("&About lbsim"), QKeySequence(), [this] {
    QMessageBox::about(this, tr("About lbsim"),
                       tr("<b>lbsim</b> 0.1.0: a deterministic simulator of load balancing and scaling."));
  });

  bar->addAction(open);
  bar->addAction(save_action_);
  bar->addSeparator();
  bar->addAction(run_action_);
  bar->addAction(pause_action_);
  bar->addAction(stop_action_);
  update_recent_menu();
}

void MainWindow::build_examples_menu(QMenu* menu, const QString& dir)
{
  const QStringList files = QDir(dir).entryList({"*.yaml"}, QDir::Files, QDir::Name);
  for (const QString& name : files) {
    const QString path = QDir(dir).filePath(name);
    connect(menu->addAction(name), &QAction::triggered, this, [this, path] {
      if (maybe_save()) open_file(path);
    });
  }
  menu->setEnabled(!files.isEmpty());
}

bool MainWindow::open_file(const QString& path)
{
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
    if (!quiet_) QMessageBox::warning(this, tr("Open scenario"), tr("Cannot read %1").arg(path));
    return false;
  }
  editor_->set_file_path(QFileInfo(path).absoluteFilePath());
  editor_->setPlainText(QString::fromUtf8(file.readAll()));
  set_current_file(QFileInfo(path).absoluteFilePath());
  if (const auto config = editor_->validate(override_list())) {
    topology_->set_graph(topology_of(*config));
    step_view_->load(*config);  // the step view starts over with the new scenario
    animation_->load(*config);  // so does the animation (paused: it runs nothing until played)
  }
  return true;
}

bool MainWindow::save_file(const QString& path)
{
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly | QIODevice::Text) || file.write(editor_->toPlainText().toUtf8()) < 0 || !file.commit()) {
    if (!quiet_) QMessageBox::warning(this, tr("Save scenario"), tr("Cannot write %1").arg(path));
    return false;
  }
  editor_->set_file_path(QFileInfo(path).absoluteFilePath());
  set_current_file(QFileInfo(path).absoluteFilePath());
  statusBar()->showMessage(tr("Saved %1").arg(path), 3000);
  return true;
}

// A shipped example is never overwritten by Save: Save asks where to put a copy instead.
bool MainWindow::save()
{
  const QString path = editor_->file_path();
  if (path.isEmpty()) return save_as("scenario.yaml");
  if (!is_shipped_example(path)) return save_file(path);
  statusBar()->showMessage(tr("%1 is a shipped example: save your copy elsewhere").arg(QFileInfo(path).fileName()));
  const QString documents = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
  return save_as(QDir(documents.isEmpty() ? QDir::homePath() : documents).filePath(QFileInfo(path).fileName()));
}

bool MainWindow::save_as(const QString& suggested)
{
  const QString path = QFileDialog::getSaveFileName(this, tr("Save scenario as"), suggested, tr("Scenarios (*.yaml)"));
  return !path.isEmpty() && save_file(path);
}

void MainWindow::show_documentation()
{
  const QString path = docs_file("gui.md");
  if (!path.isEmpty() && QDesktopServices::openUrl(QUrl::fromLocalFile(path))) {
    statusBar()->showMessage(tr("Opened %1").arg(path), 5000);
    return;
  }
  // No desktop launcher for the file (or no docs found): show it here, never nothing.
  auto* viewer = new HelpViewer(path, this);
  viewer->show();
  statusBar()->showMessage(path.isEmpty() ? tr("The documentation was not found") : tr("Help: %1").arg(path), 5000);
}

void MainWindow::set_current_file(const QString& path)
{
  editor_->document()->setModified(false);
  setWindowModified(false);
  setWindowTitle((path.isEmpty() ? tr("untitled.yaml") : QFileInfo(path).fileName()) + "[*] — lbsim");
  if (path.isEmpty()) return;
  QSettings settings;
  QStringList recent = settings.value("recentFiles").toStringList();
  recent.removeAll(path);
  recent.prepend(path);
  while (recent.size() > kMaxRecent) recent.removeLast();
  settings.setValue("recentFiles", recent);
  update_recent_menu();
}

void MainWindow::update_recent_menu()
{
  recent_menu_->clear();
  const QStringList recent = QSettings().value("recentFiles").toStringList();
  for (const QString& path : recent)
    connect(recent_menu_->addAction(QFileInfo(path).fileName()), &QAction::triggered, this, [this, path] {
      if (maybe_save()) open_file(path);
    });
  recent_menu_->setEnabled(!recent.isEmpty());
}

bool MainWindow::maybe_save()
{
  if (!editor_->document()->isModified() || quiet_) return true;
  // Enter keeps the edits and stays (Cancel): a reflex must neither overwrite nor discard.
  const auto answer = QMessageBox::warning(this, tr("Unsaved changes"), tr("The scenario has unsaved changes. Save them?"),
                                           QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel,
                                           QMessageBox::Cancel);
  if (answer == QMessageBox::Save) return save() && !editor_->document()->isModified();
  return answer == QMessageBox::Discard;
}

std::vector<std::string> MainWindow::override_list() const
{
  std::vector<std::string> list;
  for (const QString& o : overrides_) list.push_back(o.toStdString());
  return list;
}

bool MainWindow::start_run()
{
  if (worker_->running()) return false;
  const auto config = editor_->validate(override_list());
  if (!config) {
    statusBar()->showMessage(tr("The scenario has an error: %1").arg(editor_->error_message()));
    return false;
  }
  auto run = std::make_unique<RunData>(SimWorker::prepare(*config));
  add_overrides(run->settings, overrides_);
  run->overrides_known = true;
  int same = 1;
  for (const auto& r : runs_) same += r->label.startsWith(run->label) ? 1 : 0;
  if (same > 1) run->label += QString(" #%1").arg(same);
  runs_.push_back(std::move(run));
  live_ = runs_.size() - 1;
  {
    const QSignalBlocker block(run_list_);
    for (int i = 0; i < run_list_->count(); ++i) run_list_->item(i)->setCheckState(Qt::Unchecked);
    auto* item = new QListWidgetItem(runs_.back()->label + tr(" (running)"), run_list_);
    item->setCheckState(Qt::Checked);
  }
  update_topology();
  worker_->start(*config);
  timer_->start(kRefreshMs);
  progress_->setValue(0);
  progress_->setVisible(true);
  statusBar()->showMessage(tr("Running %1").arg(runs_.back()->label));
  update_run_actions();
  show_checked_runs();
  return true;
}

void MainWindow::pull_rows()
{
  if (!live_) return;
  RunData& run = *runs_[*live_];
  const std::vector<IntervalBatch> rows = worker_->take();
  for (const IntervalBatch& b : rows) run.append(b);
  progress_->setValue(static_cast<int>(worker_->progress() * 1000));
  if (rows.empty()) return;
  show_checked_runs();
}

void MainWindow::run_finished()
{
  timer_->stop();
  pull_rows();
  const RunOutcome outcome = worker_->outcome();
  if (live_) {
    RunData& run = *runs_[*live_];
    run.finished = true;
    run.set_completed(outcome.server_names, outcome.server_completed);
    run.summary_text = outcome.error.isEmpty() ? outcome.summary_text : outcome.error;
    if (!outcome.summary_json.isEmpty()) {
      try {
        run.figures = figures_from_summary_json(outcome.summary_json);
      } catch (const std::exception&) {
        run.figures = {};  // the comparison then says the run has no figures
      }
      run.events = events_from_csv(outcome.events_csv);
    }
    const QSignalBlocker block(run_list_);
    run_list_->item(static_cast<int>(*live_))->setText(run.label + (outcome.stopped ? tr(" (stopped)") : QString()));
    run_list_->item(static_cast<int>(*live_))->setToolTip(run.summary_text);
  }
  live_.reset();
  progress_->setVisible(false);
  pause_action_->setText(tr("&Pause"));
  if (!outcome.error.isEmpty()) {
    statusBar()->showMessage(tr("The run failed: %1").arg(outcome.error));
    if (!quiet_) QMessageBox::warning(this, tr("Run"), outcome.error);
  } else {
    statusBar()->showMessage(outcome.summary_text);
  }
  update_run_actions();
  show_checked_runs();
}

void MainWindow::update_run_actions()
{
  const bool running = worker_->running();
  run_action_->setEnabled(!running);
  pause_action_->setEnabled(running);
  stop_action_->setEnabled(running);
}

void MainWindow::set_run_checked(size_t i, bool checked)
{
  run_list_->item(static_cast<int>(i))->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
}

void MainWindow::show_checked_runs()
{
  std::vector<const RunData*> shown;
  for (int i = 0; i < run_list_->count(); ++i)
    if (run_list_->item(i)->checkState() == Qt::Checked) shown.push_back(runs_[static_cast<size_t>(i)].get());
  charts_->show_runs(shown);
  compare_->show_runs(shown);
  // The topology shows the last rows of the first ticked run.
  if (shown.empty() || shown.front()->rows.empty()) return;
  const RunData& run = *shown.front();
  QMap<QString, double> servers, links, services;
  for (size_t s = 0; s < run.server_rows.size(); ++s)
    if (!run.server_rows[s].empty()) servers[run.servers.value(static_cast<qsizetype>(s))] = run.server_rows[s].back().utilization;
  for (size_t l = 0; l < run.link_rows.size(); ++l)
    if (!run.link_rows[l].empty()) links[run.links.value(static_cast<qsizetype>(l))] = run.link_rows[l].back().value;
  for (size_t s = 0; s < run.service_rows.size(); ++s)
    if (!run.service_rows[s].empty()) services[run.services.value(static_cast<qsizetype>(s))] = run.service_rows[s].back().value;
  topology_->set_utilization(servers, links, services);
}

void MainWindow::update_topology()
{
  if (const auto config = editor_->validate(override_list())) topology_->set_graph(topology_of(*config));
}

bool MainWindow::open_results(const QString& dir, bool quiet)
{
  try {
    if (is_study_dir(dir)) {
      study_ = read_study_dir(dir);
      {
        const QSignalBlocker a(study_x_), b(study_metric_);
        study_x_->clear();
        study_x_->addItems(study_->varied);
        study_metric_->clear();
        study_metric_->addItems(study_->metrics);
        // Against the last varied key (the grid's fastest: usually the numeric one).
        study_x_->setCurrentIndex(static_cast<int>(study_->varied.size()) - 1);
      }
      show_study();
      views_->setCurrentWidget(study_page_);
      return true;
    }
    auto run = std::make_unique<RunData>(read_run_dir(dir));
    run->label += " [" + QFileInfo(dir).fileName() + "]";
    runs_.push_back(std::move(run));
    auto* item = new QListWidgetItem(runs_.back()->label, run_list_);
    item->setToolTip(runs_.back()->summary_text);
    item->setCheckState(Qt::Checked);  // itemChanged: the charts show it
    views_->setCurrentWidget(charts_);
    return true;
  } catch (const std::exception& e) {
    if (!quiet && !quiet_) QMessageBox::warning(this, tr("Open results"), QString::fromStdString(e.what()));
    statusBar()->showMessage(QString::fromStdString(e.what()));
    return false;
  }
}

void MainWindow::show_study()
{
  if (!study_ || study_x_->currentIndex() < 0 || study_metric_->currentIndex() < 0) return;
  study_chart_->show_study(*study_, study_x_->currentIndex(), study_metric_->currentIndex());
}

void MainWindow::export_current_chart()
{
  ChartWidget* chart = views_->currentWidget() == study_page_ ? study_chart_ : charts_->current();
  if (!chart) return;
  charts_->refresh_all();
  const QString path = QFileDialog::getSaveFileName(this, tr("Export chart"), chart->info().file_stem + ".png",
                                                    tr("PNG image (*.png);;SVG image (*.svg);;CSV data (*.csv)"));
  if (path.isEmpty()) return;
  if (!ChartPanel::export_chart(*chart, path)) QMessageBox::warning(this, tr("Export chart"), tr("Cannot write %1").arg(path));
}

void MainWindow::export_all_charts()
{
  const QString dir = QFileDialog::getExistingDirectory(this, tr("Export every chart (PNG, SVG, CSV) into"));
  if (dir.isEmpty()) return;
  try {
    const QStringList files = charts_->export_all(dir);
    statusBar()->showMessage(tr("Wrote %1 files to %2").arg(files.size()).arg(dir), 5000);
  } catch (const std::exception& e) {
    QMessageBox::warning(this, tr("Export charts"), QString::fromStdString(e.what()));
  }
}

QStringList MainWindow::save_screenshots(const QString& dir)
{
  QDir().mkpath(dir);
  QStringList written;
  auto save = [&](const QPixmap& pixmap, const QString& name) {
    const QString path = QDir(dir).filePath(name);
    if (pixmap.save(path, "PNG")) written << path;
  };
  charts_->refresh_all();
  views_->setCurrentWidget(charts_);
  save(grab(), "main-window.png");
  // Four charts in a 2 x 2 grid.
  const QSize cell(800, 450);
  QPixmap grid(cell.width() * 2, cell.height() * 2);
  grid.fill(Qt::white);
  QPainter painter(&grid);
  int i = 0;
  for (ChartWidget* chart : charts_->charts()) {
    const ChartKind kind = chart->info().kind;
    if (kind != ChartKind::Latency && kind != ChartKind::Throughput && kind != ChartKind::Utilization &&
        kind != ChartKind::LoadShare)
      continue;
    painter.drawPixmap((i % 2) * cell.width(), (i / 2) * cell.height(), chart->image(cell));
    ++i;
  }
  painter.end();
  save(grid, "charts.png");
  // With several runs open (docs/gui.md, "Comparing runs"): all ticked, the Compare tab, and the
  // latency chart and distribution overlaid; then the ticks as they were.
  if (runs_.size() > 1) {
    std::vector<bool> ticked;
    for (int r = 0; r < run_list_->count(); ++r) ticked.push_back(run_list_->item(r)->checkState() == Qt::Checked);
    for (size_t r = 0; r < runs_.size(); ++r) set_run_checked(r, true);
    QCoreApplication::processEvents();  // the charts lay themselves out again for the new runs
    views_->setCurrentWidget(compare_);
    save(compare_->grab(), "compare.png");
    charts_->refresh_all();
    QPixmap pair(cell.width() * 2, cell.height());
    pair.fill(Qt::white);
    QPainter both(&pair);
    int at = 0;
    for (ChartWidget* chart : charts_->charts())
      if (chart->info().kind == ChartKind::Latency || chart->info().kind == ChartKind::LatencyCdf)
        both.drawPixmap((at++) * cell.width(), 0, chart->image(cell));
    both.end();
    save(pair, "compare-charts.png");
    for (size_t r = 0; r < ticked.size(); ++r) set_run_checked(r, ticked[r]);
  }
  views_->setCurrentWidget(topology_);
  save(topology_->grab(), "topology.png");
  if (presentation_) save(grab(), "presentation.png");  // the window, on its topology
  views_->setCurrentWidget(step_view_);
  save(step_view_->grab(), "step.png");
  views_->setCurrentWidget(animation_);
  save(animation_->grab(), "animation.png");
  views_->setCurrentWidget(charts_);
  return written;
}

QString MainWindow::status_text() const { return statusBar()->currentMessage(); }

void MainWindow::closeEvent(QCloseEvent* event)
{
  if (!maybe_save()) {
    event->ignore();
    return;
  }
  worker_->stop();
  QSettings settings;
  settings.setValue("window/geometry", saveGeometry());
  settings.setValue("window/state", presentation_ ? normal_state_ : saveState());
  // The editor's width outside presentation mode; the mode itself is remembered apart.
  settings.setValue("window/splitter", presentation_ ? normal_splitter_ : splitter_->saveState());
  settings.setValue("window/presentation", presentation_);
  event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
  if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
  for (const QUrl& url : event->mimeData()->urls()) {
    const QString path = url.toLocalFile();
    if (QFileInfo(path).isDir()) open_results(path);
    else if (maybe_save()) open_file(path);
  }
}

}  // namespace lbsim::gui
