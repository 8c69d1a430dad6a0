#include "models/balancers/explain/pick_explanation.hpp"

#include "models/balancers/algorithms/registry.hpp"
#include "models/balancers/explain/explain_parts.hpp"

#include <algorithm>

namespace lbsim::models {

PickExplainer::PickExplainer() = default;
PickExplainer::~PickExplainer() = default;
PickExplainer::PickExplainer(PickExplainer&&) noexcept = default;
PickExplainer& PickExplainer::operator=(PickExplainer&&) noexcept = default;

std::string PickExplainer::explain(const PickFacts& facts)
{
  if (!facts.chosen || *facts.chosen >= facts.before.size() || facts.names.size() != facts.before.size()) {
    if (facts.rng) memory_.rng = *facts.rng;
    return facts.chosen ? std::string() : "no server was eligible";
  }
  std::string why = explain::turns(facts, memory_);
  if (why.empty()) why = explain::loads(facts, memory_);
  if (why.empty()) why = explain::hashes(facts, memory_);
  if (why.empty()) {
    // An algorithm without a family here: its rule, from its declaration.
    BalancerRegistry registry;
    register_builtin_balancers(registry);
    const AlgorithmDeclaration* declared = registry.find(facts.config.algorithm);
    why = facts.names[*facts.chosen] + " by the rule: " + (declared ? declared->rule : facts.config.algorithm);
    if (!why.empty() && why.back() == '.') why.pop_back();
  }
  memory_.previous = facts.chosen;
  if (facts.rng) memory_.rng = *facts.rng;
  return why;
}

namespace explain {

std::string name_list(const std::vector<std::string>& names)
{
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " and " : ", ";
    out += names[i];
  }
  return out;
}

std::string not_eligible(const PickFacts& facts)
{
  std::vector<std::string> out;
  for (uint32_t i = 0; i < facts.before.size(); ++i)
    if (!facts.before[i].eligible) out.push_back(facts.names[i]);
  if (out.empty()) return {};
  return " (" + name_list(out) + (out.size() == 1 ? " is" : " are") + " not eligible)";
}

bool equal_weights(const PickFacts& facts)
{
  return std::all_of(facts.before.begin(), facts.before.end(), [&](const PoolMember& m) {
    return effective_weight(m) == effective_weight(facts.before.front());
  });
}

}  // namespace explain
}  // namespace lbsim::models
