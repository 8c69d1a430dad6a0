#include "models/balancers/algorithms/power_of_two_choices.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

namespace lbsim::models {

PowerOfTwoChoicesBalancer::PowerOfTwoChoicesBalancer(int choices)
{
  if (choices < 1)
    throw std::invalid_argument("power_of_two_choices: choices must be at least 1, not " + std::to_string(choices));
  choices_ = static_cast<uint32_t>(choices);
}

void PowerOfTwoChoicesBalancer::on_pool_changed(std::span<const PoolMember> pool) { watch_.notify(pool); }

ServerChoice PowerOfTwoChoicesBalancer::pick(std::span<const PoolMember> pool, PickContext& context)
{
  if (watch_.needs_rebuild(pool)) {
    eligible_.clear();
    for (uint32_t i = 0; i < pool.size(); ++i)
      if (pool[i].eligible) eligible_.push_back(i);
  }
  const std::size_t m = eligible_.size();
  if (m == 0) return std::nullopt;
  const std::size_t d = std::min<std::size_t>(choices_, m);
  uint32_t best = 0;
  for (std::size_t k = 0; k < d; ++k) {
    const std::size_t j = k + static_cast<std::size_t>(context.rng.below(m - k));
    std::swap(eligible_[k], eligible_[j]);
    const uint32_t candidate = eligible_[k];
    if (!pool[candidate].eligible)
      throw std::logic_error("power_of_two_choices: server " + std::to_string(candidate) +
                             " became ineligible without on_pool_changed()");
    if (k == 0 || pool[candidate].active < pool[best].active) best = candidate;
  }
  return best;
}

AlgorithmDeclaration power_of_two_choices_declaration()
{
  return {"power_of_two_choices",
          "samples two servers at random (`choices` of them) and sends to the one with fewer active requests.",
          {{"choices", AlgorithmOption::Type::integer, &BalancerOptions::choices,
       "distinct servers sampled per pick (d), default 2", {}, 1, 1000}},
          AnalyticRouting::power_of_d,
          [](const BalancerOptions& o) { return std::make_unique<PowerOfTwoChoicesBalancer>(o.choices); }};
}

}  // namespace lbsim::models
