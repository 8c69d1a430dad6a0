// BalancerRegistry: algorithm names to factories, filled explicitly (no static-constructor magic).
// Adding an algorithm: one header, one source, one line in register_builtin_balancers().
#pragma once

#include "models/balancers/balancer.hpp"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace lbsim::models {

struct BalancerOptions {
  std::string variant;
};

class BalancerRegistry {
public:
  using Factory = std::function<std::unique_ptr<Balancer>(const BalancerOptions&)>;
  void add(std::string name, Factory factory);
  bool contains(const std::string& name) const { return factories_.count(name) != 0; }
  std::unique_ptr<Balancer> create(const std::string& name, const BalancerOptions& options) const;
  std::vector<std::string> names() const;

private:
  std::map<std::string, Factory> factories_;
};

void register_builtin_balancers(BalancerRegistry& registry);

// Every algorithm name of the scenario format, implemented or not yet, in the contract's order.
const std::vector<std::string>& all_balancer_algorithm_names();

}  // namespace lbsim::models
