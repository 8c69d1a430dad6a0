#include "models/load_balancer.hpp"

namespace lbsim::models {

LoadBalancer::LoadBalancer(BalancerConfig config, std::unique_ptr<Balancer> algorithm, std::vector<PoolMember> pool,
                           uint64_t master_seed)
    : config_(std::move(config)), algorithm_(std::move(algorithm)), pool_(std::move(pool)),
      rng_(master_seed, "balancer:" + config_.name)
{
  algorithm_->on_pool_changed(pool_);
}

std::optional<uint32_t> LoadBalancer::choose(uint32_t client_address, std::string_view path, SimTime now)
{
  PickContext context{client_address, path, now, rng_};
  const std::optional<uint32_t> server = algorithm_->pick(pool_, context);
  if (server) {
    ++pool_[*server].active;
    algorithm_->on_active_changed(pool_, *server);
  }
  return server;
}

}  // namespace lbsim::models
