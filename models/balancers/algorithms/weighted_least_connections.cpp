#include "models/balancers/algorithms/weighted_least_connections.hpp"

#include <stdexcept>
#include <string>

namespace lbsim::models {

namespace {
constexpr uint64_t kWeightScale = 16;                   // HAProxy BE_WEIGHT_SCALE
constexpr uint64_t kEweightMax = 256 * kWeightScale;    // HAProxy SRV_EWGHT_MAX = 4096
}  // namespace

uint64_t WeightedLeastConnectionsBalancer::key(const PoolMember& member)
{
  const uint64_t inflight = member.active;
  if (inflight == 0) return 0;
  const uint64_t eweight = static_cast<uint64_t>(effective_weight(member)) * kWeightScale;
  return (inflight + 1) * kEweightMax / eweight;
}

ServerChoice WeightedLeastConnectionsBalancer::pick(std::span<const PoolMember> pool, PickContext&)
{
  if (!attached_ || pool.size() != slots_.size()) resync(pool);
  if (tree_.empty()) return std::nullopt;
  const uint32_t chosen = std::get<2>(*tree_.begin());
  if (!pool[chosen].eligible || key(pool[chosen]) != slots_[chosen].key)
    throw std::logic_error("weighted_least_connections: server " + std::to_string(chosen) +
                           " changed without on_active_changed()/on_pool_changed()");
  if (!attached_) {
    // No hooks: play HAProxy's take_conn now (the owner counts the request after the pick), so a
    // request answered before the next pick still sends the server to the back of its key.
    PoolMember taken = pool[chosen];
    ++taken.active;
    reposition(chosen, taken);
  }
  return chosen;
}

void WeightedLeastConnectionsBalancer::on_pool_changed(std::span<const PoolMember> pool)
{
  attached_ = true;
  resync(pool);
}

void WeightedLeastConnectionsBalancer::on_active_changed(std::span<const PoolMember> pool, uint32_t server)
{
  if (!attached_) return;
  if (pool.size() != slots_.size() || server >= pool.size()) {
    resync(pool);
    return;
  }
  reposition(server, pool[server]);
}

void WeightedLeastConnectionsBalancer::resync(std::span<const PoolMember> pool)
{
  const auto n = static_cast<uint32_t>(pool.size());
  for (uint32_t i = n; i < slots_.size(); ++i)
    if (slots_[i].queued) tree_.erase(Node{slots_[i].key, slots_[i].sequence, i});
  slots_.resize(n);
  for (uint32_t i = 0; i < n; ++i) reposition(i, pool[i]);
}

// fwlc_srv_reposition(), fwlc_set_server_status_up/down() and fwlc_update_server_weight() in one:
// a server leaves the tree when it becomes unusable, and (re)enters at the tail of its key when it
// becomes usable or its key or weight changes. An unchanged key keeps its place.
void WeightedLeastConnectionsBalancer::reposition(uint32_t member, const PoolMember& state)
{
  Slot& slot = slots_[member];
  const uint64_t new_key = key(state);
  const int64_t new_weight = effective_weight(state);
  if (slot.queued) {
    if (state.eligible && slot.key == new_key && slot.weight == new_weight) return;
    tree_.erase(Node{slot.key, slot.sequence, member});
    slot.queued = false;
  }
  if (!state.eligible) return;
  slot.queued = true;
  slot.key = new_key;
  slot.weight = new_weight;
  slot.sequence = next_sequence_++;
  tree_.insert(Node{slot.key, slot.sequence, member});
}

AlgorithmDeclaration weighted_least_connections_declaration()
{
  return {"weighted_least_connections",
          "sends to the server with the fewest active requests per unit of weight.",
          {},
          AnalyticRouting::shortest_queue,
          [](const BalancerOptions&) { return std::make_unique<WeightedLeastConnectionsBalancer>(); }};
}

}  // namespace lbsim::models
