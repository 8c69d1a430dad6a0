#include "models/balancers/balancer_pool.hpp"

#include <stdexcept>

namespace lbsim::models {

BalancerPool::BalancerPool(BalancerConfig config, std::unique_ptr<Balancer> algorithm, std::vector<PoolMember> pool,
                           uint64_t master_seed, std::vector<std::unique_ptr<Balancer>> workers)
    : config_(std::move(config)), algorithm_(std::move(algorithm)), hooks_(algorithm_->per_request_hooks()),
      pool_(std::move(pool)), rng_(master_seed, "balancer:" + config_.name),
      skips_full_(algorithm_->skips_full_members())
{
  if (!workers.empty()) {
    // Worker 0 keeps the balancer's own stream, so that its draws are those of a shared state.
    workers_.push_back(Worker{std::move(algorithm_), pool_, rng_});
    for (std::size_t w = 0; w < workers.size(); ++w) {
      if (!workers[w]) throw std::invalid_argument("BalancerPool: worker " + std::to_string(w + 1) + " has no algorithm");
      workers_.push_back(Worker{std::move(workers[w]), pool_,
                                engine::RngStream(master_seed, "balancer:" + config_.name + ":worker:" + std::to_string(w + 1))});
    }
    for (Worker& w : workers_) w.algorithm->on_pool_changed(w.pool);
    return;
  }
  algorithm_->on_pool_changed(pool_);
}

ServerChoice BalancerPool::choose_in_worker(uint32_t worker, uint32_t client_address, std::string_view path, SimTime now)
{
  Worker& w = workers_.at(worker);
  PickContext context{client_address, path, now, w.rng};
  const ServerChoice server = w.algorithm->pick(w.pool, context);
  if (server) {
    ++pool_[*server].active;
    count_in_worker(worker, *server, +1);
  }
  return server;
}

void BalancerPool::count_in_worker(uint32_t worker, uint32_t server, int change)
{
  Worker& w = workers_[worker];
  w.pool[server].active = static_cast<uint32_t>(static_cast<int64_t>(w.pool[server].active) + change);
  if (hooks_.active_changes) w.algorithm->on_active_changed(w.pool, server);
}

// Applies `change` to the totals and to every worker's view, and tells each algorithm: of the
// one member that changed, or (kAllMembers) of a new pool.
template <typename Change> void BalancerPool::change_everywhere(uint32_t member, Change change)
{
  const auto tell = [member](Balancer& algorithm, std::span<const PoolMember> pool) {
    if (member == kAllMembers) algorithm.on_pool_changed(pool);
    else algorithm.on_member_changed(pool, member);
  };
  change(pool_);
  if (workers_.empty()) {
    tell(*algorithm_, pool_);
    return;
  }
  for (Worker& w : workers_) {
    change(w.pool);
    tell(*w.algorithm, w.pool);
  }
}

void BalancerPool::set_eligible(uint32_t server, bool eligible)
{
  if (pool_[server].eligible == eligible) return;
  change_everywhere(server, [&](std::vector<PoolMember>& pool) { pool[server].eligible = eligible; });
}

void BalancerPool::set_weight(uint32_t server, int weight)
{
  if (pool_[server].weight == weight) return;
  change_everywhere(server, [&](std::vector<PoolMember>& pool) { pool[server].weight = weight; });
}

void BalancerPool::add_member(int weight, bool backup, uint32_t max_conns, std::span<const std::string> names)
{
  if (workers_.empty()) algorithm_->on_server_names(names);
  for (Worker& w : workers_) w.algorithm->on_server_names(names);
  change_everywhere(kAllMembers, [&](std::vector<PoolMember>& pool) { pool.push_back(PoolMember{weight, 0, false, backup, max_conns}); });
}

ServerChoice BalancerPool::choose_excluding(uint32_t excluded, uint32_t client_address, std::string_view path,
                                            SimTime now, uint32_t worker)
{
  // Retries are rare: hiding the server for one pick costs two pool rebuilds at most.
  const bool was = pool_[excluded].eligible;
  if (was) set_eligible(excluded, false);
  const ServerChoice server = choose(client_address, path, now, worker);
  if (was) set_eligible(excluded, true);
  return server;
}

}  // namespace lbsim::models
