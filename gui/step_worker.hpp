// StepWorker: the teaching step view's engine, on its own thread. It builds the scenario's
// system and advances it one dispatched request at a time (models::System::run_until_hops, as
// `lbsim trace` does), recording where each request went and a snapshot of the balancer's and the
// servers' state after it.
#pragma once

#include "gui/work_thread.hpp"
#include "models/balancers/explain/pick_explanation.hpp"
#include "models/system_config.hpp"

#include <QObject>
#include <QString>

#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace lbsim::models {
class System;
struct Hop;
}

namespace lbsim::gui {

// One row of the trace (docs/results.md, lbsim trace).
struct StepRecord {
  uint64_t number = 0;
  QString time_s, client, method, path, server, status;
  // The balancer's view when it chose, before counting this request: "big: 0 active, small-1: 1 active".
  QString pool_before;
  // Why the balancer chose that server, one sentence (models/balancers/explain/pick_explanation.hpp);
  // empty without a balancer.
  QString why;
};

// One explainer per service with a balancer, by service index: each remembers its balancer's picks.
using PickExplainers = std::map<uint32_t, models::PickExplainer>;

// The balancer's view and the servers after a step.
struct PoolSnapshot {
  struct Member {
    QString name;
    int weight = 1;
    unsigned active = 0;  // the balancer's count of requests dispatched and not answered
    bool eligible = true;
    unsigned busy_cores = 0;
    int cores = 1;
    qsizetype queue = 0;
  };
  QString algorithm;  // empty without a balancer
  QString time_s;     // simulated clock
  bool run_over = false;  // nothing more can happen (models::System::run_over): Step does nothing
  std::vector<Member> members;
};

class StepWorker : public QObject {
  Q_OBJECT
public:
  explicit StepWorker(QObject* parent = nullptr);
  ~StepWorker() override;

  // Both return at once; the work happens on the worker thread, then stepped() or failed().
  void load(const models::SystemConfig& config);
  void step(int requests = 1);

  std::vector<StepRecord> records() const;  // every request so far, in order
  PoolSnapshot snapshot() const;

signals:
  void stepped();
  void failed(const QString& message);

private:
  WorkThread thread_;
  std::unique_ptr<models::System> system_;  // touched on thread_ only
  uint64_t target_ = 0;
  mutable std::mutex mutex_;
  std::vector<StepRecord> records_;
  PoolSnapshot snapshot_;
  class Recorder;
  std::unique_ptr<Recorder> recorder_;
  PickExplainers explainers_;  // thread_ only
};

// An explainer for each balancer of a system that has not run yet (PickExplainer::watch).
PickExplainers watch_balancers(const models::System& system);

// The trace's row for a hop (its number left 0), with the balancer's view as it chose and why it
// chose that server. Call it for every hop, in order: the explainers remember the picks.
StepRecord step_record(const models::System& system, const models::Hop& hop, PickExplainers& explainers);

// "<b>Why:</b> <record.why>. " in rich text, or "" when there is no reason to give.
QString why_sentence(const StepRecord& record);

// One sentence on how `algorithm` picks a server, for the step view.
QString algorithm_rule(const QString& algorithm);

}  // namespace lbsim::gui
