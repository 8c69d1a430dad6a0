#include "gui/step_worker.hpp"

#include "models/balancers/algorithms/registry.hpp"
#include "models/system.hpp"
#include "scenarios/results/results_writer.hpp"
#include "scenarios/format/client_addresses.hpp"
#include "scenarios/runner.hpp"


#include <exception>

namespace lbsim::gui {

StepRecord step_record(const models::System& system, const models::Hop& hop, PickExplainers& explainers)
{
  const models::Request& r = hop.request;
  const models::RequestShape& shape = system.shape(r);
  StepRecord record;
  record.time_s = QString::fromStdString(scenarios::format_seconds(r.sent.ns()));
  record.client = QString::fromStdString(scenarios::format_ipv4(system.client_address(r)));
  record.method = QString::fromStdString(shape.method);
  record.path = QString::fromStdString(shape.path);
  record.server =
      hop.server == models::kNoServer ? QString() : QString::fromStdString(system.servers()[hop.server]->name());
  record.status = models::to_string(hop.outcome);
  const models::Service& service = *system.services()[hop.service];
  const models::LoadBalancer* lb = service.balancer();
  if (!lb) return record;
  // The chosen server already counts this request as active (models/balancers/balancer_pool.hpp).
  const auto pool = lb->pool().pool();
  std::vector<models::PoolMember> before(pool.begin(), pool.end());
  std::vector<std::string> names;
  models::ServerChoice chosen;
  for (uint32_t i = 0; i < pool.size(); ++i) {
    const uint32_t server = service.members()[i];
    if (server == hop.server && before[i].active > 0) {
      --before[i].active;
      chosen = i;
    }
    names.push_back(system.servers()[server]->name());
    record.pool_before += QString("%1%2: %3 active%4")
                              .arg(record.pool_before.isEmpty() ? "" : ", ", QString::fromStdString(names.back()))
                              .arg(before[i].active)
                              .arg(before[i].eligible ? "" : " (not eligible)");
  }
  // Only a pick explains itself: a refusal before any pick (a full balancer, a circuit breaker) does not.
  if (hop.server != models::kNoServer || hop.outcome == models::HopOutcome::no_server) {
    const models::PickFacts facts{lb->config(), before, names, lb->pool().algorithm(), system.client_address(r),
                                  shape.path, system.simulation().now(), chosen, &lb->pool().rng()};
    record.why = QString::fromStdString(explainers[hop.service].explain(facts));
  }
  return record;
}

PickExplainers watch_balancers(const models::System& system)
{
  PickExplainers explainers;
  for (uint32_t i = 0; i < system.services().size(); ++i)
    if (const models::LoadBalancer* lb = system.services()[i]->balancer()) explainers[i].watch(lb->pool().rng());
  return explainers;
}

class StepWorker::Recorder final : public models::HopObserver {
public:
  explicit Recorder(StepWorker& worker) : worker_(worker) {}
  void on_hop(const models::Hop& hop) override
  {
    StepRecord record = step_record(*worker_.system_, hop, worker_.explainers_);
    std::lock_guard lock(worker_.mutex_);
    record.number = worker_.records_.size() + 1;
    worker_.records_.push_back(record);
  }

private:
  StepWorker& worker_;
};

StepWorker::StepWorker(QObject* parent) : QObject(parent) {}

StepWorker::~StepWorker()
{
  // Whatever was queued runs first; the system is destroyed on its own thread, then the thread ends.
  thread_.finish([this] { system_.reset(); recorder_.reset(); });
}

void StepWorker::load(const models::SystemConfig& config)
{
  thread_.post([this, config] {
    try {
      system_ = scenarios::build_system(config);
      recorder_ = std::make_unique<Recorder>(*this);
      system_->set_hop_observer(recorder_.get());
      explainers_ = watch_balancers(*system_);
      target_ = 0;
      {
        std::lock_guard lock(mutex_);
        records_.clear();
      }
      step(0);
    } catch (const std::exception& e) {
      system_.reset();
      emit failed(QString::fromStdString(e.what()));
    }
  });
}

void StepWorker::step(int requests)
{
  thread_.post([this, requests] {
    if (!system_) return;
    try {
      if (requests > 0 && !system_->run_over()) {
        target_ += static_cast<uint64_t>(requests);
        if (!system_->run_until_hops(target_)) {
          std::lock_guard lock(mutex_);
          target_ = records_.size();  // the run ended short of the target: count from where it is
        }
      }
      PoolSnapshot snap;
      snap.run_over = system_->run_over();
      snap.time_s = QString::fromStdString(scenarios::format_seconds(system_->simulation().now().ns()));
      const models::LoadBalancer* first = system_->services().front()->balancer();
      if (first) snap.algorithm = QString::fromStdString(first->config().algorithm);
      for (size_t i = 0; i < system_->servers().size(); ++i) {
        const models::Server& s = *system_->servers()[i];
        const models::LoadBalancer* lb = system_->services()[s.service()]->balancer();
        PoolSnapshot::Member m;
        m.name = QString::fromStdString(s.name());
        m.cores = s.config().cores;
        m.busy_cores = s.busy_cores();
        m.queue = static_cast<qsizetype>(s.queue_length());
        if (lb) {
          const models::PoolMember& p = lb->pool().pool()[s.member()];
          m.weight = p.weight;
          m.active = p.active;
          m.eligible = p.eligible;
        }
        snap.members.push_back(m);
      }
      {
        std::lock_guard lock(mutex_);
        snapshot_ = std::move(snap);
      }
      emit stepped();
    } catch (const std::exception& e) {
      emit failed(QString::fromStdString(e.what()));
    }
  });
}

std::vector<StepRecord> StepWorker::records() const
{
  std::lock_guard lock(mutex_);
  return records_;
}

PoolSnapshot StepWorker::snapshot() const
{
  std::lock_guard lock(mutex_);
  return snapshot_;
}

QString why_sentence(const StepRecord& record)
{
  if (record.why.isEmpty()) return {};
  return "<b>Why:</b> " + record.why.toHtmlEscaped() + ". ";
}

QString algorithm_rule(const QString& algorithm)
{
  if (algorithm.isEmpty()) return "No balancer: every request goes to the only server.";
  models::BalancerRegistry registry;
  models::register_builtin_balancers(registry);
  const models::AlgorithmDeclaration* declared = registry.find(algorithm.toStdString());
  return declared ? QString::fromStdString(declared->rule) : QString();
}

}  // namespace lbsim::gui
