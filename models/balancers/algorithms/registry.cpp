#include "models/balancers/algorithms/registry.hpp"

#include "models/balancers/algorithms/consistent_hash.hpp"
#include "models/balancers/algorithms/ip_hash.hpp"
#include "models/balancers/algorithms/least_connections.hpp"
#include "models/balancers/algorithms/least_response_time.hpp"
#include "models/balancers/algorithms/maglev.hpp"
#include "models/balancers/algorithms/power_of_two_choices.hpp"
#include "models/balancers/algorithms/random.hpp"
#include "models/balancers/hashing/request_key.hpp"
#include "models/balancers/algorithms/round_robin.hpp"
#include "models/balancers/algorithms/sticky_round_robin.hpp"
#include "models/balancers/algorithms/weighted_least_connections.hpp"
#include "models/balancers/algorithms/weighted_round_robin.hpp"

#include <stdexcept>

namespace lbsim::models {

void BalancerRegistry::add(std::string name, Factory factory) { factories_[std::move(name)] = std::move(factory); }

std::unique_ptr<Balancer> BalancerRegistry::create(const std::string& name, const BalancerOptions& options) const
{
  auto it = factories_.find(name);
  if (it == factories_.end()) throw std::invalid_argument("unknown balancer algorithm '" + name + "'");
  return it->second(options);
}

std::vector<std::string> BalancerRegistry::names() const
{
  std::vector<std::string> out;
  for (const auto& entry : factories_) out.push_back(entry.first);
  return out;
}

void register_builtin_balancers(BalancerRegistry& registry)
{
  registry.add("round_robin", [](const BalancerOptions&) { return std::make_unique<RoundRobinBalancer>(); });
  registry.add("weighted_round_robin", [](const BalancerOptions& o) {
    return std::make_unique<WeightedRoundRobinBalancer>(WeightedRoundRobinBalancer::parse_variant(o.variant));
  });
  registry.add("least_connections",
               [](const BalancerOptions&) { return std::make_unique<LeastConnectionsBalancer>(); });
  registry.add("weighted_least_connections",
               [](const BalancerOptions&) { return std::make_unique<WeightedLeastConnectionsBalancer>(); });
  registry.add("ip_hash", [](const BalancerOptions&) { return std::make_unique<IpHashBalancer>(); });
  registry.add("least_response_time",
               [](const BalancerOptions& o) { return std::make_unique<LeastResponseTimeBalancer>(o.decay); });
  registry.add("sticky_round_robin",
               [](const BalancerOptions& o) { return std::make_unique<StickyRoundRobinBalancer>(o.sticky_timeout); });
  registry.add("random", [](const BalancerOptions&) { return std::make_unique<RandomBalancer>(); });
  registry.add("power_of_two_choices",
               [](const BalancerOptions& o) { return std::make_unique<PowerOfTwoChoicesBalancer>(o.choices); });
  registry.add("consistent_hash", [](const BalancerOptions& o) {
    return std::make_unique<ConsistentHashBalancer>(parse_request_key_source(o.hash_key), o.server_names);
  });
  registry.add("maglev", [](const BalancerOptions& o) {
    return std::make_unique<MaglevBalancer>(parse_request_key_source(o.hash_key), o.server_names, o.table_size);
  });
}

const std::vector<std::string>& all_balancer_algorithm_names()
{
  static const std::vector<std::string> names = {
      "round_robin", "weighted_round_robin", "least_connections", "weighted_least_connections",
      "ip_hash",     "least_response_time",  "sticky_round_robin", "random",
      "power_of_two_choices", "consistent_hash", "maglev"};
  return names;
}

}  // namespace lbsim::models
