#include "models/balancers/balancer_pool.hpp"

namespace lbsim::models {

BalancerPool::BalancerPool(BalancerConfig config, std::unique_ptr<Balancer> algorithm, std::vector<PoolMember> pool,
                           uint64_t master_seed)
    : config_(std::move(config)), algorithm_(std::move(algorithm)), hooks_(algorithm_->per_request_hooks()),
      pool_(std::move(pool)), rng_(master_seed, "balancer:" + config_.name),
      skips_full_(algorithm_->skips_full_members())
{
  algorithm_->on_pool_changed(pool_);
}

ServerChoice BalancerPool::choose(uint32_t client_address, std::string_view path, SimTime now)
{
  PickContext context{client_address, path, now, rng_};
  const ServerChoice server = algorithm_->pick(pool_, context);
  if (server) {
    ++pool_[*server].active;
    if (hooks_.active_changes) algorithm_->on_active_changed(pool_, *server);
  }
  return server;
}

void BalancerPool::set_eligible(uint32_t server, bool eligible)
{
  if (pool_[server].eligible == eligible) return;
  pool_[server].eligible = eligible;
  algorithm_->on_pool_changed(pool_);
}

void BalancerPool::set_weight(uint32_t server, int weight)
{
  if (pool_[server].weight == weight) return;
  pool_[server].weight = weight;
  algorithm_->on_pool_changed(pool_);
}

void BalancerPool::add_member(int weight, bool backup, uint32_t max_conns, std::span<const std::string> names)
{
  pool_.push_back(PoolMember{weight, 0, false, backup, max_conns});
  algorithm_->on_server_names(names);
  algorithm_->on_pool_changed(pool_);
}

ServerChoice BalancerPool::choose_excluding(uint32_t excluded, uint32_t client_address,
                                                       std::string_view path, SimTime now)
{
  // Retries are rare: hiding the server for one pick costs two pool rebuilds at most.
  const bool was = pool_[excluded].eligible;
  if (was) set_eligible(excluded, false);
  const ServerChoice server = choose(client_address, path, now);
  if (was) set_eligible(excluded, true);
  return server;
}

}  // namespace lbsim::models
