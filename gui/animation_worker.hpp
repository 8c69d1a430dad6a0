// AnimationWorker: the animation's engine, on its own thread. It builds the scenario's system with
// an observer of every stage (models::HopObserver::wants_stages), runs it only as far in simulated
// time as the view asks (models::System::run_until_time), and hands the view the stages, the
// balancer's choices and the servers' state where it stopped.
#pragma once

#include "gui/animation_model.hpp"
#include "gui/step_worker.hpp"
#include "gui/work_thread.hpp"
#include "models/system_config.hpp"

#include <QObject>
#include <QString>

#include <memory>
#include <mutex>
#include <vector>

namespace lbsim::models {
class System;
}

namespace lbsim::gui {

// A balancer's choice (a hop of the trace), when it happened.
struct Choice {
  int64_t time = 0;  // simulated ns
  uint64_t request = 0;
  uint32_t server = UINT32_MAX;  // System::servers() index; UINT32_MAX when it found none
  StepRecord record;             // as the step view shows it
  QString algorithm;             // empty without a balancer
  QString balancer;              // its name (empty without one)
};

// Where the run stopped: the servers (those that joined during the run too) and their state then.
struct AnimationProgress {
  uint64_t generation = 0;  // which load() this is about
  int64_t reached = 0;  // simulated ns: every stage up to here has been handed over
  bool run_over = false;
  struct Server {
    QString name;
    uint32_t service = 0;
    qsizetype queue = 0;
    unsigned busy_cores = 0;
    int cores = 1;
  };
  std::vector<Server> servers;
};

class AnimationWorker : public QObject {
  Q_OBJECT
public:
  explicit AnimationWorker(QObject* parent = nullptr);
  ~AnimationWorker() override;

  // Both return at once; the work happens on the worker thread, then advanced() or failed().
  // load() returns the generation its batches will carry: a batch of an earlier one is stale.
  uint64_t load(const models::SystemConfig& config);
  void advance_to(int64_t time_ns);

  // What happened since the last take, in order, and where the run is now: all of one generation.
  struct Batch {
    std::vector<StageEvent> stages;
    std::vector<Choice> choices;
    AnimationProgress progress;
  };
  Batch take();

signals:
  void advanced();
  void failed(const QString& message);

private:
  class Recorder;
  void publish_progress();

  WorkThread thread_;
  std::unique_ptr<models::System> system_;  // touched on thread_ only
  std::unique_ptr<Recorder> recorder_;
  PickExplainers explainers_;  // thread_ only
  mutable std::mutex mutex_;
  std::vector<StageEvent> stages_;
  std::vector<Choice> choices_;
  AnimationProgress progress_;
  uint64_t loads_ = 0;  // GUI thread: load() calls so far
};

}  // namespace lbsim::gui
