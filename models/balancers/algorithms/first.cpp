#include "models/balancers/algorithms/first.hpp"

namespace lbsim::models {

ServerChoice FirstBalancer::pick(std::span<const PoolMember> pool, PickContext& /*context*/)
{
  for (uint32_t i = 0; i < pool.size(); ++i)
    if (pool[i].eligible) return i;
  return std::nullopt;
}

AlgorithmDeclaration first_declaration()
{
  AlgorithmDeclaration declaration{
      "first",
      "picks the first server in pool order with a free slot under its max_conns (HAProxy balance first).",
      {},
      AnalyticRouting::measured,
      [](const BalancerOptions&) { return std::make_unique<FirstBalancer>(); }};
  // lb_fas.c walks the backup tree only without a first backup (fbck), i.e. with allbackups.
  declaration.backups = [](const BalancerOptions&) { return BackupRule{BackupRule::Use::first}; };
  return declaration;
}

}  // namespace lbsim::models
