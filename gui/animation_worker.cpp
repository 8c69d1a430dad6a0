#include "gui/animation_worker.hpp"

#include "models/system.hpp"
#include "scenarios/runner.hpp"

#include <exception>
#include <utility>

namespace lbsim::gui {

class AnimationWorker::Recorder final : public models::HopObserver {
public:
  explicit Recorder(AnimationWorker& worker) : worker_(worker) {}
  bool wants_stages() const override { return true; }
  void on_hop(const models::Hop& hop) override
  {
    const models::System& system = *worker_.system_;
    Choice choice;
    choice.time = system.simulation().now().ns();
    choice.request = hop.request.sequence;
    choice.server = hop.server;
    choice.record = step_record(system, hop, worker_.explainers_);
    if (const models::LoadBalancer* lb = system.services()[hop.service]->balancer()) {
      choice.algorithm = QString::fromStdString(lb->config().algorithm);
      choice.balancer = QString::fromStdString(lb->config().name);
    }
    std::lock_guard lock(worker_.mutex_);
    choice.record.number = hop.request.sequence;
    worker_.choices_.push_back(std::move(choice));
  }
  void on_stage(const models::Stage& stage) override
  {
    const StageEvent e{stage.request.sequence, worker_.system_->simulation().now().ns(), stage.kind, stage.from,
                       stage.to, stage.upward, stage.request.status};
    std::lock_guard lock(worker_.mutex_);
    worker_.stages_.push_back(e);
  }

private:
  AnimationWorker& worker_;
};

AnimationWorker::AnimationWorker(QObject* parent) : QObject(parent) {}

AnimationWorker::~AnimationWorker()
{
  // Whatever was queued runs first; the system is destroyed on its own thread, then the thread ends.
  thread_.finish([this] { system_.reset(); recorder_.reset(); });
}

uint64_t AnimationWorker::load(const models::SystemConfig& config)
{
  const uint64_t generation = ++loads_;
  thread_.post([this, config, generation] {
    try {
      system_.reset();
      {
        std::lock_guard lock(mutex_);
        stages_.clear();
        choices_.clear();
        progress_ = AnimationProgress{};
        progress_.generation = generation;
      }
      system_ = scenarios::build_system(config);
      explainers_ = watch_balancers(*system_);
      recorder_ = std::make_unique<Recorder>(*this);
      system_->set_hop_observer(recorder_.get());
      publish_progress();
    } catch (const std::exception& e) {
      system_.reset();
      emit failed(QString::fromStdString(e.what()));
    }
  });
  return generation;
}

void AnimationWorker::advance_to(int64_t time_ns)
{
  thread_.post([this, time_ns] {
    if (!system_) return;
    try {
      system_->run_until_time(models::SimTime::from_ns(time_ns));
      publish_progress();
    } catch (const std::exception& e) {
      emit failed(QString::fromStdString(e.what()));
    }
  });
}

void AnimationWorker::publish_progress()
{
  AnimationProgress p;
  p.reached = system_->simulation().now().ns();
  p.run_over = system_->run_over();
  for (const auto& server : system_->servers())
    p.servers.push_back({QString::fromStdString(server->name()), server->service(),
                         static_cast<qsizetype>(server->queue_length()), server->busy_cores(), server->config().cores});
  {
    std::lock_guard lock(mutex_);
    p.generation = progress_.generation;
    progress_ = std::move(p);
  }
  emit advanced();
}

AnimationWorker::Batch AnimationWorker::take()
{
  std::lock_guard lock(mutex_);
  return Batch{std::exchange(stages_, {}), std::exchange(choices_, {}), progress_};
}

}  // namespace lbsim::gui
