#include "models/services/service.hpp"

namespace lbsim::models {

Service::Service(uint32_t index, const ServiceConfig& config, RunContext& run, const BalancerRegistry& balancers,
                 HealthListener& health, DrainListener& drains)
    : index_(index), config_(config), run_(run), pool_(index, run), stats_(config.endpoints.size()),
      station_(*this, run, drains), no_capacity_(run.sim.now(), 0)
{
  if (config.balancer) balancer_ = std::make_unique<LoadBalancer>(*this, *config.balancer, balancers, run, health);
  station_.set_front_door(!balancer_);
  for (const ServerConfig& s : config.servers) pool_.add(s, station_);
  if (run.config.autoscaling && pool_.has_group(run.config.autoscaling->group))
    autoscaler_.emplace(*run.config.autoscaling);
}

Service::AutoscaleStep Service::autoscale(SimTime now)
{
  using Metric = AutoscalingConfig::Metric;
  const AutoscalingConfig& ac = autoscaler_->config();
  seen_.resize(members().size());
  int ready = 0, provisioning = 0;
  double numerator = 0, denominator = 0;
  for (uint32_t m = 0; m < members().size(); ++m) {
    const Server& s = *run_.servers[members()[m]];
    if (s.config().group != ac.group) continue;
    ready += s.state() == ServerState::up;
    provisioning += s.state() == ServerState::provisioning;
    Seen& seen = seen_[m];
    const double busy = s.busy_core_seconds(now), up = s.up_seconds(now), queue = s.queue_integral(now);
    const uint64_t completed = s.completed();
    switch (ac.metric) {
      case Metric::utilization:
        numerator += busy - seen.busy;
        denominator += (up - seen.up) * s.config().cores;
        break;
      case Metric::queue_length:
        numerator += queue - seen.queue;
        denominator += up - seen.up;
        break;
      case Metric::requests_per_server:
        numerator += static_cast<double>(completed - seen.completed);
        denominator += up - seen.up;
        break;
      case Metric::latency_p99: break;
    }
    seen = Seen{busy, up, queue, completed};
  }
  if (ac.metric == Metric::latency_p99) {
    autoscaler_->add_latency_sample(now, autoscaler_latency_);
    autoscaler_latency_.clear();
  } else {
    autoscaler_->add_sample(now, numerator, denominator);
  }
  AutoscaleStep step;
  step.metric = autoscaler_->metric(now);
  step.current = ready + provisioning;
  step.desired = autoscaler_->decide(now, step.metric, ready, step.current);
  return step;
}

void Service::count_response(uint32_t server, SimTime latency)
{
  if (!autoscaler_ || autoscaler_->config().metric != AutoscalingConfig::Metric::latency_p99) return;
  if (run_.servers[server]->config().group != autoscaler_->config().group) return;
  autoscaler_latency_.record(latency.ns());
}

void Service::reset_autoscaler() { seen_.assign(members().size(), Seen{}); }

}  // namespace lbsim::models
