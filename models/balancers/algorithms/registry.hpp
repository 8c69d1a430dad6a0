// BalancerRegistry: the algorithms' declarations (declaration.hpp), filled explicitly (no
// static-constructor magic). Adding an algorithm: one header, one source with its declaration, one
// line in register_builtin_balancers().
#pragma once

#include "models/balancers/algorithms/declaration.hpp"

#include <memory>
#include <string>
#include <vector>

namespace lbsim::models {

class BalancerRegistry {
public:
  void add(AlgorithmDeclaration declaration);
  bool contains(const std::string& name) const { return find(name) != nullptr; }
  const AlgorithmDeclaration* find(const std::string& name) const;
  // Throws std::invalid_argument for an unknown name or an unusable option.
  std::unique_ptr<Balancer> create(const std::string& name, const BalancerOptions& options) const;
  // In the order they were added.
  const std::vector<AlgorithmDeclaration>& declarations() const { return declarations_; }
  std::vector<std::string> names() const;

private:
  std::vector<AlgorithmDeclaration> declarations_;
};

void register_builtin_balancers(BalancerRegistry& registry);

// Every built-in algorithm's name, in the contract's order (a constant list, built once).
const std::vector<std::string>& all_balancer_algorithm_names();

}  // namespace lbsim::models
