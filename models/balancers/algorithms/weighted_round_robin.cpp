#include "models/balancers/algorithms/weighted_round_robin.hpp"

#include "models/balancers/algorithms/static_rr_map.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace lbsim::models {

WeightedRoundRobinBalancer::Variant WeightedRoundRobinBalancer::parse_variant(const std::string& text)
{
  if (text.empty() || text == "smooth") return Variant::smooth;
  if (text == "classic") return Variant::classic;
  if (text == "fwrr") return Variant::fwrr;
  if (text == "edf") return Variant::edf;
  throw std::invalid_argument("weighted_round_robin variant must be \"smooth\", \"classic\", \"fwrr\" or \"edf\", not \"" +
                              text + "\"");
}

ServerChoice WeightedRoundRobinBalancer::pick(std::span<const PoolMember> pool, PickContext&)
{
  switch (variant_) {
    case Variant::smooth: return pick_smooth(pool);
    case Variant::classic: return pick_classic(pool);
    case Variant::edf: return pick_edf(pool);
    case Variant::fwrr: break;
  }
  return pick_fwrr(pool);
}

void WeightedRoundRobinBalancer::on_pool_changed(std::span<const PoolMember> pool)
{
  watch_.notify(pool);
  if (variant_ == Variant::smooth) sync_smooth(pool);
  if (variant_ == Variant::fwrr) fwrr_.update(pool);
}

// One member changed: smooth and fwrr move it alone (O(log n)), as nginx's loop and HAProxy's
// fwrr_set_server_status_up/down() see one server change; classic and edf rebuild, as HAProxy's
// map and Envoy's scheduler are rebuilt.
void WeightedRoundRobinBalancer::on_member_changed(std::span<const PoolMember> pool, uint32_t server)
{
  if (variant_ == Variant::smooth && pool.size() == known_.size() && server < pool.size()) {
    if (sync_smooth_member(pool, server)) {
      in_turn_order_ = false;
      picks_since_change_ = 0;
    }
    return;
  }
  if (variant_ == Variant::fwrr && pool.size() == fwrr_.size() && server < pool.size()) {
    fwrr_.update_member(pool, server);
    return;
  }
  on_pool_changed(pool);
}

ServerChoice WeightedRoundRobinBalancer::pick_fwrr(std::span<const PoolMember> pool)
{
  if (pool.size() != fwrr_.size()) fwrr_.update(pool);  // resized without on_pool_changed()
  const ServerChoice chosen = fwrr_.next(pool);
  if (chosen && !pool[*chosen].eligible)
    throw std::logic_error("weighted_round_robin: server " + std::to_string(*chosen) +
                           " became ineligible without on_pool_changed()");
  return chosen;
}

ServerChoice WeightedRoundRobinBalancer::pick_edf(std::span<const PoolMember> pool)
{
  if (watch_.needs_rebuild(pool)) edf_.rebuild(pool);  // Envoy's refresh() on every host change
  const ServerChoice chosen = edf_.next(pool);
  if (chosen && !pool[*chosen].eligible)
    throw std::logic_error("weighted_round_robin: server " + std::to_string(*chosen) +
                           " became ineligible without on_pool_changed()");
  return chosen;
}

ServerChoice WeightedRoundRobinBalancer::pick_smooth(std::span<const PoolMember> pool)
{
  if (pool.size() != known_.size()) sync_smooth(pool);  // before the first on_pool_changed(), or resized
  if (turns_.empty()) return std::nullopt;
  if (!in_turn_order_ && ++picks_since_change_ >= known_.size()) {
    turns_.arrange_in_turn_order(places_);
    in_turn_order_ = true;
  }
  const uint32_t chosen = turns_.take_turn(places_);
  if (!pool[chosen].eligible)
    throw std::logic_error("weighted_round_robin: server " + std::to_string(chosen) +
                           " became ineligible without on_pool_changed()");
  return chosen;
}

int64_t WeightedRoundRobinBalancer::current_weight(uint32_t server) const
{
  return known_[server].eligible ? turns_.current_weight(server, places_) : parked_[server];
}

// Brings the set in line with the pool: the servers whose eligibility or weight changed leave or
// join it with their current weight; a change of size starts again from the current weights, the
// new servers at 0, as nginx's loop resizes its array.
void WeightedRoundRobinBalancer::sync_smooth(std::span<const PoolMember> pool)
{
  const std::size_t n = pool.size();
  if (n == known_.size()) {
    bool changed = false;
    for (uint32_t i = 0; i < n; ++i) changed = sync_smooth_member(pool, i) || changed;
    if (changed) turns_.arrange_in_turn_order(places_);
    in_turn_order_ = in_turn_order_ || changed;
    return;
  }
  std::vector<int64_t> current(n, 0);
  for (uint32_t i = 0; i < std::min(n, known_.size()); ++i) current[i] = current_weight(i);
  turns_.clear();
  places_.assign(n, {});
  parked_.assign(n, 0);
  known_.assign(pool.begin(), pool.end());
  for (uint32_t i = 0; i < n; ++i) {
    if (pool[i].eligible) turns_.insert(i, effective_weight(pool[i]), current[i], places_);
    else parked_[i] = current[i];
  }
  turns_.arrange_in_turn_order(places_);
  in_turn_order_ = true;
}

// Member i leaves or joins the turns, or changes weight, keeping its current weight; true when
// its eligibility or weight had changed.
bool WeightedRoundRobinBalancer::sync_smooth_member(std::span<const PoolMember> pool, uint32_t i)
{
  if (known_[i].eligible == pool[i].eligible && effective_weight(known_[i]) == effective_weight(pool[i])) return false;
  const int64_t current = known_[i].eligible ? turns_.erase(i, places_) : parked_[i];
  if (pool[i].eligible) turns_.insert(i, effective_weight(pool[i]), current, places_);
  else parked_[i] = current;
  known_[i] = pool[i];
  return true;
}

ServerChoice WeightedRoundRobinBalancer::pick_classic(std::span<const PoolMember> pool)
{
  if (watch_.needs_rebuild(pool)) map_ = build_static_rr_map(pool);
  if (map_.empty()) return std::nullopt;
  if (next_ >= map_.size()) next_ = 0;
  const uint32_t chosen = map_[next_++];
  if (!pool[chosen].eligible)
    throw std::logic_error("weighted_round_robin: server " + std::to_string(chosen) +
                           " became ineligible without on_pool_changed()");
  return chosen;
}

AlgorithmDeclaration weighted_round_robin_declaration()
{
  AlgorithmDeclaration declaration{"weighted_round_robin",
          "takes the servers in turn, each as often as its weight (smooth: interleaved, as nginx does).",
          {{"variant", AlgorithmOption::Type::choice, &BalancerOptions::variant,
       "smooth (nginx, the default), classic (HAProxy static-rr), fwrr (HAProxy roundrobin) or edf (Envoy round_robin)",
       {"smooth", "classic", "fwrr", "edf"}}},
          AnalyticRouting::cyclic,
          [](const BalancerOptions& o) { return std::make_unique<WeightedRoundRobinBalancer>(WeightedRoundRobinBalancer::parse_variant(o.variant)); }};
  // nginx (smooth): the backups are a second peer list. HAProxy (classic: one map and cursor for
  // whichever group is used; fwrr: a backup group of its own): the first backup only unless
  // option allbackups. Envoy (edf) has no backups: lbsim balances them as nginx does.
  declaration.backups = [](const BalancerOptions& o) {
    if (o.variant == "classic") return BackupRule{BackupRule::Use::first, true};
    if (o.variant == "fwrr") return BackupRule{BackupRule::Use::first};
    return BackupRule{};
  };
  // HAProxy's static-rr is static (its map is built once); roundrobin, nginx Plus and Envoy ramp.
  declaration.ramps_weights = [](const BalancerOptions& o) { return o.variant != "classic"; };
  return declaration;
}

}  // namespace lbsim::models
