// MainWindow: lbsim-gui's window. The scenario editor on the left; on the right the charts, the
// topology, the teaching step view and a study's chart; the runs to compare in a dock. Runs go to
// a SimWorker thread; a 100 ms timer pulls their rows, so charts redraw at most 10 times a second.
#pragma once

#include "gui/run_data.hpp"
#include "gui/study_data.hpp"

#include <QByteArray>
#include <QFont>
#include <QMainWindow>
#include <QStringList>

#include <memory>
#include <optional>
#include <vector>

class QAction;
class QComboBox;
class QLabel;
class QListWidget;
class QMenu;
class QProgressBar;
class QSplitter;
class QTabWidget;
class QTimer;

namespace lbsim::gui {

class AnimationView;
class ChartPanel;
class ChartWidget;
class CompareView;
class SimWorker;
class StepView;
class TopologyView;
class YamlEditor;

class MainWindow : public QMainWindow {
  Q_OBJECT
public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // Scenario files and results folders (a run's or a study's). Errors go to a message box unless
  // quiet (tests, scripts); the return says whether it worked.
  bool open_file(const QString& path);
  bool save_file(const QString& path);
  bool open_results(const QString& dir, bool quiet = false);
  // Validates the editor's text and starts a run of it; false when the text has an error.
  bool start_run();
  // --set overrides applied to every run and step (as on the command line).
  void set_overrides(const QStringList& overrides) { overrides_ = overrides; }
  void set_quiet(bool quiet) { quiet_ = quiet; }  // no message boxes (tests)
  // Presentation mode (View menu, F11), for a projector: the application's font 1.5 times as large,
  // the charts' and the topology's lines and fonts too, the editor collapsed and the runs list
  // small (their sizes come back on leaving). Remembered on close.
  void set_presentation(bool on);
  bool presentation() const { return presentation_; }

  YamlEditor* editor() const { return editor_; }
  ChartPanel* charts() const { return charts_; }
  ChartWidget* study_chart() const { return study_chart_; }
  CompareView* comparison() const { return compare_; }
  TopologyView* topology() const { return topology_; }
  StepView* step_view() const { return step_view_; }
  AnimationView* animation() const { return animation_; }
  SimWorker& worker() const { return *worker_; }
  QTabWidget* views() const { return views_; }
  size_t run_count() const { return runs_.size(); }
  const RunData& run(size_t i) const { return *runs_[i]; }
  void set_run_checked(size_t i, bool checked);
  QString status_text() const;
  // For the docs: main-window.png (the window), charts.png (four charts), topology.png, step.png,
  // animation.png; in presentation mode also presentation.png (the window on its topology).
  QStringList save_screenshots(const QString& dir);

protected:
  void closeEvent(QCloseEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

private:
  void build_actions();
  void build_examples_menu(QMenu* menu, const QString& dir);
  bool maybe_save();
  bool save();  // Save: a new file or a shipped example goes through Save As
  bool save_as(const QString& suggested);
  void show_documentation();  // F1
  void set_current_file(const QString& path);
  void update_recent_menu();
  void pull_rows();  // the timer: new rows of the live run into its RunData and the charts
  void run_finished();
  void show_checked_runs();
  void update_topology();
  void show_study();
  void export_current_chart();
  void export_all_charts();
  void update_run_actions();
  std::vector<std::string> override_list() const;

  YamlEditor* editor_;
  QLabel* error_label_;
  QSplitter* splitter_;
  QTabWidget* views_;
  ChartPanel* charts_;
  TopologyView* topology_;
  StepView* step_view_;
  AnimationView* animation_;
  QWidget* study_page_;
  ChartWidget* study_chart_;
  QComboBox* study_x_;
  QComboBox* study_metric_;
  QListWidget* run_list_;
  QProgressBar* progress_;
  QTimer* timer_;
  std::unique_ptr<SimWorker> worker_;

  QAction *run_action_, *pause_action_, *stop_action_, *save_action_, *presentation_action_;
  QMenu* recent_menu_;
  QStringList overrides_;
  bool quiet_ = false;
  std::vector<std::unique_ptr<RunData>> runs_;
  std::optional<size_t> live_;  // the run under way
  std::optional<StudyData> study_;
  CompareView* compare_ = nullptr;
  bool presentation_ = false;
  QFont normal_font_;          // the application's font outside presentation mode
  QByteArray normal_splitter_;  // the editor's width outside presentation mode
  QByteArray normal_state_;     // and the docks' sizes
};

}  // namespace lbsim::gui
