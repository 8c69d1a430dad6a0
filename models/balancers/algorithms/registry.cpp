#include "models/balancers/algorithms/registry.hpp"

#include "models/balancers/algorithms/consistent_hash.hpp"
#include "models/balancers/algorithms/ip_hash.hpp"
#include "models/balancers/algorithms/least_connections.hpp"
#include "models/balancers/algorithms/least_request.hpp"
#include "models/balancers/algorithms/least_response_time.hpp"
#include "models/balancers/algorithms/maglev.hpp"
#include "models/balancers/algorithms/haproxy_hash.hpp"
#include "models/balancers/algorithms/power_of_two_choices.hpp"
#include "models/balancers/algorithms/random.hpp"
#include "models/balancers/algorithms/first.hpp"
#include "models/balancers/algorithms/ring_hash.hpp"
#include "models/balancers/algorithms/round_robin.hpp"
#include "models/balancers/algorithms/sticky_round_robin.hpp"
#include "models/balancers/algorithms/weighted_least_connections.hpp"
#include "models/balancers/algorithms/weighted_round_robin.hpp"

#include <stdexcept>

namespace lbsim::models {

void BalancerRegistry::add(AlgorithmDeclaration declaration)
{
  if (contains(declaration.name)) throw std::logic_error("balancer algorithm '" + declaration.name + "' declared twice");
  declarations_.push_back(std::move(declaration));
}

const AlgorithmDeclaration* BalancerRegistry::find(const std::string& name) const
{
  for (const AlgorithmDeclaration& d : declarations_)
    if (d.name == name) return &d;
  return nullptr;
}

std::unique_ptr<Balancer> BalancerRegistry::create(const std::string& name, const BalancerOptions& options) const
{
  const AlgorithmDeclaration* d = find(name);
  if (!d) throw std::invalid_argument("unknown balancer algorithm '" + name + "'");
  return d->make(options);
}

std::vector<std::string> BalancerRegistry::names() const
{
  std::vector<std::string> out;
  for (const AlgorithmDeclaration& d : declarations_) out.push_back(d.name);
  return out;
}

void register_builtin_balancers(BalancerRegistry& registry)
{
  registry.add(round_robin_declaration());
  registry.add(weighted_round_robin_declaration());
  registry.add(least_connections_declaration());
  registry.add(weighted_least_connections_declaration());
  registry.add(ip_hash_declaration());
  registry.add(least_response_time_declaration());
  registry.add(sticky_round_robin_declaration());
  registry.add(random_declaration());
  registry.add(power_of_two_choices_declaration());
  registry.add(consistent_hash_declaration());
  registry.add(maglev_declaration());
  registry.add(haproxy_hash_declaration());
  registry.add(least_request_declaration());
  registry.add(ring_hash_declaration());
  registry.add(first_declaration());
}

const std::vector<std::string>& all_balancer_algorithm_names()
{
  static const std::vector<std::string> names = [] {
    BalancerRegistry registry;
    register_builtin_balancers(registry);
    return registry.names();
  }();
  return names;
}

}  // namespace lbsim::models
