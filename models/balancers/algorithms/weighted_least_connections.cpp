#include "models/balancers/algorithms/weighted_least_connections.hpp"

#include <stdexcept>
#include <string>

namespace lbsim::models {

namespace {
constexpr uint64_t kWeightScale = 16;                   // HAProxy BE_WEIGHT_SCALE
constexpr uint64_t kEweightMax = 256 * kWeightScale;    // HAProxy SRV_EWGHT_MAX = 4096
}  // namespace

uint64_t WeightedLeastConnectionsBalancer::key(const PoolMember& member, bool weights_in_sixteenths)
{
  const uint64_t inflight = member.active;
  if (inflight == 0) return 0;
  const uint64_t eweight =
      static_cast<uint64_t>(effective_weight(member)) * (weights_in_sixteenths ? 1 : kWeightScale);
  return (inflight + 1) * kEweightMax / eweight;
}

ServerChoice WeightedLeastConnectionsBalancer::pick(std::span<const PoolMember> pool, PickContext&)
{
  if (pool.size() != slots_.size()) resync(pool);  // before the first on_pool_changed(), or resized
  if (keys_.empty()) return std::nullopt;
  const uint32_t chosen = keys_.begin()->second.head;
  if (!pool[chosen].eligible || key(pool[chosen], sixteenths_) != slots_[chosen].key)
    throw std::logic_error("weighted_least_connections: server " + std::to_string(chosen) +
                           " changed without on_active_changed()/on_pool_changed()");
  return chosen;
}

void WeightedLeastConnectionsBalancer::on_pool_changed(std::span<const PoolMember> pool)
{
  resync(pool);
}

// One server's state or weight changed: HAProxy's fwlc_set_server_status_up/down() and
// fwlc_update_server_weight() move that server alone.
void WeightedLeastConnectionsBalancer::on_member_changed(std::span<const PoolMember> pool, uint32_t server)
{
  if (pool.size() != slots_.size() || server >= pool.size()) {
    resync(pool);
    return;
  }
  reposition(server, pool[server]);
}

void WeightedLeastConnectionsBalancer::on_active_changed(std::span<const PoolMember> pool, uint32_t server)
{
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
    if (slots_[i].queued) unlink(i);
  slots_.resize(n);
  for (uint32_t i = 0; i < n; ++i) reposition(i, pool[i]);
}

// fwlc_srv_reposition(), fwlc_set_server_status_up/down() and fwlc_update_server_weight() in one:
// a server leaves the tree when it becomes unusable, and (re)enters at the tail of its key when it
// becomes usable or its key or weight changes. An unchanged key keeps its place.
void WeightedLeastConnectionsBalancer::reposition(uint32_t member, const PoolMember& state)
{
  Slot& slot = slots_[member];
  const uint64_t new_key = key(state, sixteenths_);
  const int64_t new_weight = effective_weight(state);
  if (slot.queued) {
    if (state.eligible && slot.key == new_key && slot.weight == new_weight) return;
    unlink(member);
  }
  if (!state.eligible) return;
  slot.key = new_key;
  slot.weight = new_weight;
  append(member);
}

void WeightedLeastConnectionsBalancer::unlink(uint32_t member)
{
  Slot& slot = slots_[member];
  const auto list = keys_.find(slot.key);
  if (slot.previous == kNone) list->second.head = slot.next;
  else slots_[slot.previous].next = slot.next;
  if (slot.next == kNone) list->second.tail = slot.previous;
  else slots_[slot.next].previous = slot.previous;
  if (list->second.head == kNone) keys_.erase(list);
  slot.previous = slot.next = kNone;
  slot.queued = false;
}

// To the tail of its key's list: after every server already at that key.
void WeightedLeastConnectionsBalancer::append(uint32_t member)
{
  Slot& slot = slots_[member];
  KeyList& list = keys_[slot.key];
  slot.previous = list.tail;
  slot.next = kNone;
  if (list.tail == kNone) list.head = member;
  else slots_[list.tail].next = member;
  list.tail = member;
  slot.queued = true;
}

AlgorithmDeclaration weighted_least_connections_declaration()
{
  AlgorithmDeclaration declaration{"weighted_least_connections",
          "sends to the server with the fewest active requests per unit of weight.",
          {},
          AnalyticRouting::shortest_queue,
          [](const BalancerOptions& o) { return std::make_unique<WeightedLeastConnectionsBalancer>(o.weights_in_sixteenths); }};
  // HAProxy's leastconn: the first backup only (without option allbackups), else its own tree.
  declaration.backups = [](const BalancerOptions&) { return BackupRule{BackupRule::Use::first}; };
  declaration.ramps_weights = [](const BalancerOptions&) { return true; };  // HAProxy's leastconn, nginx Plus
  return declaration;
}

}  // namespace lbsim::models
