// BalancerPool: a balancer's view of its pool (active requests per member, eligibility, weights)
// and its algorithm, which it asks which member gets each request. The balancer station
// (load_balancer.hpp) keeps one; tests drive it alone.
#pragma once

#include "engine/rng.hpp"
#include "models/balancers/algorithms/balancer.hpp"
#include "models/system_config.hpp"

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace lbsim::models {

class BalancerPool {
public:
  BalancerPool(BalancerConfig config, std::unique_ptr<Balancer> algorithm, std::vector<PoolMember> pool,
               uint64_t master_seed);

  // Picks a server and counts the request as active there; none when no server is eligible.
  ServerChoice choose(uint32_t client_address, std::string_view path, SimTime now);
  // Counts a request as active at `server` without a pick: a layer-4 request on an open connection.
  void assign(uint32_t server)
  {
    ++pool_[server].active;
    if (hooks_.active_changes) algorithm_->on_active_changed(pool_, server);
  }
  // The request left the server refused, or failed: it is no longer active there.
  void release(uint32_t server)
  {
    --pool_[server].active;
    if (hooks_.active_changes) algorithm_->on_active_changed(pool_, server);
  }
  // The server's response reached the balancer `response_time` after the request was dispatched.
  void on_response(uint32_t server, SimTime response_time, SimTime now)
  {
    release(server);
    if (hooks_.responses) algorithm_->on_response(server, response_time, now);
  }

  // Pool changes, told to the algorithm through its hooks (models/balancers/algorithms/balancer.hpp).
  void set_eligible(uint32_t server, bool eligible);
  void set_weight(uint32_t server, int weight);
  // A new server joins the pool (not eligible until set_eligible); `names` are every member's.
  void add_member(int weight, bool backup, uint32_t max_conns, std::span<const std::string> names);
  // Picks like choose() but never `excluded` (a retry goes to another server).
  ServerChoice choose_excluding(uint32_t excluded, uint32_t client_address, std::string_view path,
                                           SimTime now);

  std::span<const PoolMember> pool() const { return pool_; }
  // The algorithm passes over full members itself (Balancer::skips_full_members()).
  bool algorithm_skips_full() const { return skips_full_; }
  const BalancerConfig& config() const { return config_; }

private:
  BalancerConfig config_;
  std::unique_ptr<Balancer> algorithm_;
  Balancer::PerRequestHooks hooks_;  // the algorithm's, asked once
  std::vector<PoolMember> pool_;
  engine::RngStream rng_;
  bool skips_full_ = false;
};

}  // namespace lbsim::models
