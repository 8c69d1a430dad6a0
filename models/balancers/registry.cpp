#include "models/balancers/registry.hpp"

#include "models/balancers/least_connections.hpp"
#include "models/balancers/round_robin.hpp"

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
  registry.add("least_connections",
               [](const BalancerOptions&) { return std::make_unique<LeastConnectionsBalancer>(); });
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
