// SimWorker: runs one scenario on its own thread (the engine is never touched from the GUI
// thread) and hands the interval rows over as they come. The GUI pulls them with take() on a timer
// (at most ~10 times a second), so a run of any length costs the GUI thread only its redraws.
// Pause and stop act between two metrics intervals (models::TimeSeriesSink).
#pragma once

#include "gui/run_data.hpp"
#include "models/system_config.hpp"

#include <QObject>
#include <QString>
#include <QStringList>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

class QThread;

namespace lbsim::gui {

struct RunOutcome {
  bool stopped = false;  // stopped by the user before its end
  QString error;         // the run failed (empty when it did not)
  QString summary_text;
  QStringList server_names;  // the summary's servers, each with its completed requests
  std::vector<double> server_completed;
  double wall_seconds = 0;
  double events = 0;
  double requests = 0;  // arrived
  // The run's summary.json and events.csv, as `lbsim run --out` writes them (empty on an error):
  // the GUI reads a live run's whole-run figures and events as it reads a results folder's.
  QByteArray summary_json;
  QString events_csv;
};

class SimWorker : public QObject {
  Q_OBJECT
public:
  explicit SimWorker(QObject* parent = nullptr);
  ~SimWorker() override;  // stops a run under way and waits for it

  // A RunData with everything known before the run (label, SLO, warm-up), to fill with take().
  static RunData prepare(const models::SystemConfig& config);

  // Starts a run of `config`; result files go to out_dir, or when it is empty to a temporary folder
  // removed after the run (RunOutcome keeps its summary and events). Not while running().
  void start(const models::SystemConfig& config, const QString& out_dir = QString());
  void set_paused(bool paused);
  void stop();
  bool running() const { return running_; }
  bool paused() const { return paused_; }
  double progress() const { return progress_; }  // 0..1 of the run's simulated time (or requests)

  // The rows produced since the last call.
  std::vector<IntervalBatch> take();
  RunOutcome outcome() const;

signals:
  void finished();  // on the GUI thread, after the last rows are available to take()

private:
  class Sink;
  void run(models::SystemConfig config, QString out_dir);

  QThread* thread_ = nullptr;
  std::atomic<bool> running_{false}, paused_{false}, stop_{false};
  std::atomic<double> progress_{0};
  mutable std::mutex mutex_;
  std::condition_variable resume_;
  std::vector<IntervalBatch> pending_;
  RunOutcome outcome_;
};

}  // namespace lbsim::gui
