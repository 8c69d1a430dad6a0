#include "models/services/service.hpp"

namespace lbsim::models {

Service::Service(uint32_t index, const ServiceConfig& config, RunContext& run, const BalancerRegistry& balancers,
                 HealthListener& health, DrainListener& drains)
    : index_(index), config_(config), run_(run), stats_(config.endpoints.size()), station_(*this, run, drains),
      no_capacity_(run.sim.now(), 0)
{
  if (config.balancer) balancer_ = std::make_unique<LoadBalancer>(*this, *config.balancer, balancers, run, health);
  station_.set_front_door(!balancer_);
}

}  // namespace lbsim::models
