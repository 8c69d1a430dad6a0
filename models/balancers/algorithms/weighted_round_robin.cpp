#include "models/balancers/algorithms/weighted_round_robin.hpp"

#include "models/balancers/algorithms/static_rr_map.hpp"

#include <stdexcept>

namespace lbsim::models {

WeightedRoundRobinBalancer::Variant WeightedRoundRobinBalancer::parse_variant(const std::string& text)
{
  if (text.empty() || text == "smooth") return Variant::smooth;
  if (text == "classic") return Variant::classic;
  throw std::invalid_argument("weighted_round_robin variant must be \"smooth\" or \"classic\", not \"" + text + "\"");
}

ServerChoice WeightedRoundRobinBalancer::pick(std::span<const PoolMember> pool, PickContext&)
{
  if (variant_ == Variant::smooth) return smooth_.pick(pool);
  return pick_classic(pool);
}

void WeightedRoundRobinBalancer::on_pool_changed(std::span<const PoolMember>) { watch_.notify(); }

ServerChoice WeightedRoundRobinBalancer::pick_classic(std::span<const PoolMember> pool)
{
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (watch_.needs_rebuild(pool)) map_ = build_static_rr_map(pool);
    if (map_.empty()) return std::nullopt;
    if (next_ >= map_.size()) next_ = 0;
    const uint32_t chosen = map_[next_++];
    if (chosen < pool.size() && pool[chosen].eligible) return chosen;
    // The pool changed without on_pool_changed(): rebuild from what it is now.
    watch_.invalidate();
  }
  return std::nullopt;  // unreachable: a fresh map holds eligible members only
}

AlgorithmDeclaration weighted_round_robin_declaration()
{
  return {"weighted_round_robin",
          "takes the servers in turn, each as often as its weight (smooth: interleaved, as nginx does).",
          {{"variant", AlgorithmOption::Type::choice, &BalancerOptions::variant,
       "smooth (nginx, the default) or classic (HAProxy static-rr)", {"smooth", "classic"}}},
          AnalyticRouting::cyclic,
          [](const BalancerOptions& o) { return std::make_unique<WeightedRoundRobinBalancer>(WeightedRoundRobinBalancer::parse_variant(o.variant)); }};
}

}  // namespace lbsim::models
