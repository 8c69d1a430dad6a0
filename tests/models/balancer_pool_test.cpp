// BalancerPool calls only the per-request hooks an algorithm declares (Balancer::per_request_hooks).
// For every algorithm, its choices through the BalancerPool equal those of a twin that is told of
// every change, so a hook an algorithm needs but does not declare shows up here.
#include "models/balancers/algorithms/registry.hpp"
#include "models/balancers/balancer_pool.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace lbsim::models;
using lbsim::engine::milliseconds;
using lbsim::engine::RngStream;
using lbsim::engine::SimTime;

namespace {

// A BalancerPool and a twin of its algorithm that the test tells of every hook itself, fed the
// same requests and answers; every choice of the pool must be the twin's.
struct PoolAndTwin {
  BalancerPool& balancer;
  Balancer& twin;
  std::vector<PoolMember>& pool;
  RngStream& twin_rng;
  std::vector<uint32_t> in_flight = {};

  // One request in flight is answered; servers i take `slower_per_class` ms more per i % 4.
  void answer_one(RngStream& chaos, SimTime now, int64_t slower_per_class)
  {
    const auto k = static_cast<std::size_t>(chaos.below(in_flight.size()));
    const uint32_t server = in_flight[k];
    in_flight.erase(in_flight.begin() + static_cast<std::ptrdiff_t>(k));
    const SimTime response_time =
        milliseconds(static_cast<int64_t>(1 + chaos.below(200)) + slower_per_class * (server % 4));
    balancer.on_response(server, response_time, now);
    --pool[server].active;
    twin.on_active_changed(pool, server);
    twin.on_response(server, response_time, now);
  }
  // A request from a random client and path: the pool's choice must be the twin's.
  void request(RngStream& chaos, SimTime now)
  {
    const auto client = static_cast<uint32_t>(0x0a000000u + chaos.below(1u << 16));
    const std::string path = "/p" + std::to_string(chaos.below(50));
    PickContext context{client, path, now, twin_rng};
    const ServerChoice expected = twin.pick(pool, context);
    REQUIRE(balancer.choose(client, path, now) == expected);
    if (!expected) return;
    ++pool[*expected].active;
    twin.on_active_changed(pool, *expected);
    in_flight.push_back(*expected);
  }
};

// n servers named s1..sN (maglev's table kept small), and their pool of weights 1, 2, 3 in turn.
BalancerOptions options_for(uint32_t n)
{
  BalancerOptions options;
  for (uint32_t i = 0; i < n; ++i) options.server_names.push_back("s" + std::to_string(i + 1));
  options.table_size = 251;
  return options;
}

std::vector<PoolMember> weights_one_two_three(uint32_t n)
{
  std::vector<PoolMember> pool(n);
  for (uint32_t i = 0; i < n; ++i) pool[i].weight = static_cast<int>(1 + i % 3);
  return pool;
}

}  // namespace

TEST_CASE("skipping undeclared per-request hooks never changes a choice", "[balancer][load_balancer]")
{
  BalancerRegistry registry;
  register_builtin_balancers(registry);
  // 40 servers: least_connections keeps its heap above 32, where a missed update would be seen.
  const uint32_t n = 40;
  const BalancerOptions options = options_for(n);
  for (const std::string& name : all_balancer_algorithm_names()) {
    INFO(name);
    const uint64_t seed = 9;
    BalancerConfig config;
    config.algorithm = name;
    std::vector<PoolMember> pool = weights_one_two_three(n);
    BalancerPool balancer(config, registry.create(name, options), pool, seed);

    // The twin: the same algorithm, told of every active change and every response.
    const auto twin = registry.create(name, options);
    twin->on_pool_changed(pool);
    RngStream twin_rng(seed, "balancer:" + config.name);

    RngStream chaos(5);
    PoolAndTwin both{balancer, *twin, pool, twin_rng};
    SimTime now = SimTime::zero();
    for (int step = 0; step < 5'000; ++step) {
      now += milliseconds(static_cast<int64_t>(1 + chaos.below(20)));
      if (!both.in_flight.empty() && chaos.below(2) == 0) both.answer_one(chaos, now, 50);
      both.request(chaos, now);
    }
    for (uint32_t i = 0; i < n; ++i) CHECK(balancer.pool()[i].active == pool[i].active);
  }
}

TEST_CASE("a change of one member, told through on_member_changed, picks as a rebuild of the pool does",
          "[balancer][load_balancer]")
{
  // The BalancerPool tells an algorithm of one server's eligibility or weight through
  // on_member_changed(), which the indexed algorithms apply to that server alone; the twin rebuilds
  // from the whole pool at each change (on_pool_changed()). Servers go in and out of rotation
  // every few requests, as with max_conns. 40 servers: least_connections keeps its tie sets
  // above 32 (uneven weights).
  BalancerRegistry registry;
  register_builtin_balancers(registry);
  const uint32_t n = 40;
  const BalancerOptions options = options_for(n);
  std::vector<std::pair<std::string, std::string>> algorithms;  // name, weighted_round_robin variant
  for (const std::string& name : all_balancer_algorithm_names()) algorithms.emplace_back(name, "");
  for (const char* variant : {"classic", "fwrr", "edf"}) algorithms.emplace_back("weighted_round_robin", variant);
  for (const auto& [name, variant] : algorithms) {
    INFO(name << " " << variant);
    BalancerOptions o = options;
    o.variant = variant;
    const uint64_t seed = 9;
    BalancerConfig config;
    config.algorithm = name;
    std::vector<PoolMember> pool = weights_one_two_three(n);
    BalancerPool balancer(config, registry.create(name, o), pool, seed);
    const auto twin = registry.create(name, o);
    twin->on_pool_changed(pool);
    RngStream twin_rng(seed, "balancer:" + config.name);

    RngStream chaos(5);
    PoolAndTwin both{balancer, *twin, pool, twin_rng};
    SimTime now = SimTime::zero();
    int changes = 0;
    for (int step = 0; step < 5'000; ++step) {
      now += milliseconds(static_cast<int64_t>(1 + chaos.below(20)));
      if (chaos.below(3) == 0) {
        const auto server = static_cast<uint32_t>(chaos.below(n));
        const auto weight = static_cast<int>(1 + chaos.below(5));
        if (chaos.below(4) == 0) {
          if (weight == pool[server].weight) continue;  // no change: the pool tells nobody
          pool[server].weight = weight;
          balancer.set_weight(server, pool[server].weight);
        } else {
          pool[server].eligible = !pool[server].eligible;
          balancer.set_eligible(server, pool[server].eligible);
        }
        twin->on_pool_changed(pool);
        ++changes;
      }
      if (!both.in_flight.empty() && chaos.below(2) == 0) both.answer_one(chaos, now, 0);
      both.request(chaos, now);
    }
    CHECK(changes > 1'500);
  }
}
