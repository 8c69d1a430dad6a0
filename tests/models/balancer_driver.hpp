// What the balancer tests share: a pool of weights, a Driver that plays the part of the pool's
// owner (it calls every hook the BalancerPool calls), the letters of a pick sequence.
#pragma once

#include "models/balancers/algorithms/balancer.hpp"
#include "models/balancers/algorithms/registry.hpp"
#include "engine/rng.hpp"
#include "engine/sim_time.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace lbsim::tests {

using models::Balancer;
using models::BalancerOptions;
using models::PickContext;
using models::PoolMember;
using models::ServerChoice;
using engine::RngStream;
using engine::SimTime;

inline std::vector<PoolMember> pool_of(const std::vector<int>& weights)
{
  std::vector<PoolMember> pool;
  for (const int w : weights) pool.push_back(PoolMember{w, 0, true});
  return pool;
}

// Plays the part of the pool's owner (models/balancers/balancer_pool.*): it calls on_pool_changed()
// before the first pick, on_member_changed() after each eligibility or weight change, and
// on_active_changed() after each change of an active count.
struct Driver {
  Driver(std::unique_ptr<Balancer> b, std::vector<PoolMember> members, uint64_t seed = 7)
      : balancer(std::move(b)), pool(std::move(members)), rng(seed)
  {
    balancer->on_pool_changed(pool);
  }

  // One request: pick, then count it as active (dispatch). Returns the choice.
  ServerChoice dispatch(uint32_t client = 0, std::string_view path = "/", SimTime now = SimTime::zero())
  {
    PickContext context{client, path, now, rng};
    const ServerChoice chosen = balancer->pick(pool, context);
    if (chosen) {
      ++pool[*chosen].active;
      balancer->on_active_changed(pool, *chosen);
    }
    return chosen;
  }
  void release(uint32_t server)
  {
    --pool[server].active;
    balancer->on_active_changed(pool, server);
  }
  // A request that is dispatched and answered before the next one: the servers stay idle.
  ServerChoice request_and_answer(uint32_t client = 0, std::string_view path = "/", SimTime now = SimTime::zero())
  {
    const ServerChoice chosen = dispatch(client, path, now);
    if (chosen) release(*chosen);
    return chosen;
  }
  void set_eligible(uint32_t server, bool eligible)
  {
    pool[server].eligible = eligible;
    balancer->on_member_changed(pool, server);
  }
  void set_weight(uint32_t server, int weight)
  {
    pool[server].weight = weight;
    balancer->on_member_changed(pool, server);
  }
  void set_active(uint32_t server, uint32_t active)
  {
    pool[server].active = active;
    balancer->on_active_changed(pool, server);
  }

  std::unique_ptr<Balancer> balancer;
  std::vector<PoolMember> pool;
  RngStream rng;
};

// "a b c": the letters of a sequence of choices.
inline std::string letters(const std::vector<ServerChoice>& picks)
{
  std::string out;
  for (const auto& p : picks) {
    if (!out.empty()) out += ' ';
    out += p ? static_cast<char>('a' + *p) : '-';
  }
  return out;
}

// A balancer of the registry's, by name.
inline std::unique_ptr<Balancer> make(const std::string& algorithm, const BalancerOptions& options = {})
{
  models::BalancerRegistry registry;
  models::register_builtin_balancers(registry);
  return registry.create(algorithm, options);
}

}  // namespace lbsim::tests
