#include "models/balancers/balancer_frontend.hpp"

#include <algorithm>

namespace lbsim::models {

BalancerFrontend::BalancerFrontend(const BalancerConfig& config, uint64_t master_seed, engine::Simulation& sim,
                                   FrontendListener& listener)
    : config_(config), sim_(sim), listener_(listener), handler_(sim.add_handler(*this)),
      rng_(master_seed, "balancer:" + config.name + ":processing"),
      backlog_limit_(config.backlog ? *config.backlog : config.max_connections.value_or(0)),
      workers_(sim, handler_, 0, config.workers, rng_), backlog_time_(sim.now()), in_progress_time_(sim.now())
{
}

void BalancerFrontend::arrive(RequestId id, bool needs_processing)
{
  if (!config_.max_connections || in_progress_ < *config_.max_connections) {
    admit(id, needs_processing);
    return;
  }
  if (backlog_.size() < backlog_limit_) {
    backlog_.push_back(Waiting{id, needs_processing});
    backlog_time_.set(sim_.now(), static_cast<int64_t>(backlog_.size()));
    return;
  }
  ++refused_;
  listener_.on_frontend_refused(id);
}

void BalancerFrontend::admit(RequestId id, bool needs_processing)
{
  ++in_progress_;
  ++admitted_;
  max_in_progress_ = std::max(max_in_progress_, in_progress_);
  in_progress_time_.set(sim_.now(), static_cast<int64_t>(in_progress_));
  if (!needs_processing || !config_.processing) {
    listener_.on_frontend_admitted(id);
    return;
  }
  workers_.submit(WorkerPool::Task{id, 0, config_.processing.get(), {}});
}

void BalancerFrontend::handle(const engine::Event& event)
{
  const WorkerPool::Task task = workers_.finished(event);
  if (task.token == 0) listener_.on_frontend_admitted(task.request);
  else listener_.on_frontend_work_done(task.request, task.token);
  workers_.next();
}

void BalancerFrontend::leave()
{
  --in_progress_;
  in_progress_time_.set(sim_.now(), static_cast<int64_t>(in_progress_));
  // Admitting from the backlog can make a request leave at once (refused downstream), which calls
  // leave() again: the outermost call does the admitting, in a loop, so the stack stays flat.
  if (draining_) return;
  draining_ = true;
  while (!backlog_.empty() && (!config_.max_connections || in_progress_ < *config_.max_connections)) {
    const Waiting next = backlog_.pop_front();
    backlog_time_.set(sim_.now(), static_cast<int64_t>(backlog_.size()));
    admit(next.id, next.needs_processing);
  }
  draining_ = false;
}

void BalancerFrontend::reset_measurement(SimTime now)
{
  workers_.reset_measurement(now);
  backlog_time_.reset(now);
  in_progress_time_.reset(now);
  max_in_progress_ = in_progress_;
  admitted_ = 0;
  refused_ = 0;
}

FrontendSummary BalancerFrontend::summary(SimTime now) const
{
  FrontendSummary s;
  s.utilization = workers_.utilization(now);  // 0 when nothing ever took a worker's time
  s.mean_run_queue = workers_.mean_run_queue(now);
  s.mean_backlog = backlog_time_.average(now);
  s.mean_in_progress = in_progress_time_.average(now);
  s.max_in_progress = max_in_progress_;
  s.admitted = admitted_;
  s.refused = refused_;
  return s;
}

}  // namespace lbsim::models
