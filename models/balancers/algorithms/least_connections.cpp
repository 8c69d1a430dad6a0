#include "models/balancers/algorithms/least_connections.hpp"

#include <algorithm>
#include <bit>
#include <stdexcept>
#include <string>

namespace lbsim::models {

ServerChoice LeastConnectionsBalancer::pick(std::span<const PoolMember> pool, PickContext&)
{
  return pick_by_mode(pool);
}

ServerChoice LeastConnectionsBalancer::pick_by_mode(std::span<const PoolMember> pool)
{
  switch (mode_) {
    case Mode::levels: return pick_from_levels(pool);
    case Mode::tie_sets: return pick_from_tie_sets(pool);
    case Mode::scan: break;
  }
  return pick_by_scan(pool);
}

void LeastConnectionsBalancer::on_pool_changed(std::span<const PoolMember> pool)
{
  if (mode_ == Mode::tie_sets) tie_sets_.current_weights(current_weight_);  // they lived there
  bool uniform = true;
  for (const PoolMember& p : pool) uniform = uniform && effective_weight(p) == effective_weight(pool[0]);
  if (uniform && !pool.empty() && pool.size() <= LoadLevels::kMaxServers) {
    mode_ = Mode::levels;
    uniform_weight_ = effective_weight(pool[0]);
    levels_.rebuild(pool);
    if (current_weight_.size() != pool.size()) current_weight_.assign(pool.size(), 0);
  } else if (pool.size() > kScanUpTo) {
    mode_ = Mode::tie_sets;
    if (current_weight_.size() != pool.size()) current_weight_.assign(pool.size(), 0);
    tie_sets_.rebuild(pool, current_weight_);
  } else {
    mode_ = Mode::scan;  // small uneven pools: a scan touches a cache line or two
  }
}

// One member came into rotation or left it: on tie sets it joins or leaves its group alone
// (O(log n)); a weight change, and the other modes (at most 64 servers), start again.
void LeastConnectionsBalancer::on_member_changed(std::span<const PoolMember> pool, uint32_t server)
{
  if (mode_ == Mode::tie_sets && pool.size() == tie_sets_.size() && server < pool.size() &&
      effective_weight(pool[server]) == tie_sets_.weight(server)) {
    tie_sets_.set_eligible(server, pool[server].eligible, pool[server].active);
    return;
  }
  on_pool_changed(pool);
}

// The O(n) nginx algorithm, as ngx_http_upstream_get_least_conn_peer() runs it, in one pass that
// also collects the tied servers (nginx's second pass visits exactly those, in the same order).
ServerChoice LeastConnectionsBalancer::pick_by_scan(std::span<const PoolMember> pool)
{
  const auto n = static_cast<uint32_t>(pool.size());
  if (current_weight_.size() != n) current_weight_.assign(n, 0);
  if (tied_.size() < n) tied_.resize(n);

  uint32_t ties = 0, best = n;
  for (uint32_t i = 0; i < n; ++i) {
    const PoolMember& p = pool[i];
    if (!p.eligible) continue;
    if (best != n) {
      const PoolMember& b = pool[best];
      const uint64_t lhs = uint64_t{p.active} * static_cast<uint64_t>(effective_weight(b));
      const uint64_t rhs = uint64_t{b.active} * static_cast<uint64_t>(effective_weight(p));
      if (lhs > rhs) continue;
      if (lhs < rhs) ties = 0;
    }
    best = i;
    tied_[ties++] = i;
  }
  if (ties == 0) return std::nullopt;
  if (ties == 1) return tied_[0];

  // Smooth weighted round robin among the tied servers, in configuration order; the first of equal
  // current weights wins, as in nginx.
  int64_t total = 0, largest = INT64_MIN;
  uint32_t chosen = tied_[0];
  for (uint32_t t = 0; t < ties; ++t) {
    const uint32_t i = tied_[t];
    const int64_t w = effective_weight(pool[i]);
    const int64_t current = current_weight_[i] + w;
    current_weight_[i] = current;
    total += w;
    if (current > largest) {
      largest = current;
      chosen = i;
    }
  }
  current_weight_[chosen] -= total;
  return chosen;
}

// Equal weights: the tie set is the least level's bit mask. A lone server wins without touching
// the current weights, as in nginx; otherwise nginx's smooth weighted round robin runs over the set
// in index order (each current weight grows by w, the largest wins, the first of equal ones, and
// gives back w per tied server), written without branches on the weights: which server wins
// changes with every request, so such branches would mispredict.
ServerChoice LeastConnectionsBalancer::pick_from_levels(std::span<const PoolMember> pool)
{
  if (pool.size() != levels_.size()) {
    on_pool_changed(pool);  // the pool changed without on_pool_changed(): start again from what it is
    return pick_by_mode(pool);
  }
  if (!levels_.any_eligible()) return std::nullopt;
  const uint64_t tied = levels_.at_least();
  const auto first = static_cast<uint32_t>(std::countr_zero(tied));
  if (pool[first].active != levels_.least() || !pool[first].eligible)
    throw std::logic_error("least_connections: server " + std::to_string(first) +
                           " changed without on_active_changed()/on_pool_changed()");
  if ((tied & (tied - 1)) == 0) return first;

  const int64_t w = uniform_weight_;
  int64_t largest = INT64_MIN;
  uint32_t chosen = first;
  int64_t count = 0;
  for (uint64_t rest = tied; rest != 0; rest &= rest - 1, ++count) {
    const auto i = static_cast<uint32_t>(std::countr_zero(rest));
    const int64_t current = current_weight_[i] + w;
    current_weight_[i] = current;
    const uint32_t take = 0u - uint32_t{current > largest};  // all ones when i is the new largest
    chosen ^= (chosen ^ i) & take;
    largest = std::max(largest, current);
  }
  current_weight_[chosen] -= count * w;
  return chosen;
}

ServerChoice LeastConnectionsBalancer::pick_from_tie_sets(std::span<const PoolMember> pool)
{
  if (pool.size() != tie_sets_.size()) {
    on_pool_changed(pool);  // the pool changed without on_pool_changed(): start again from what it is
    return pick_by_mode(pool);
  }
  const ServerChoice chosen = tie_sets_.pick();
  if (chosen && !tie_sets_in_step(pool, *chosen))
    throw std::logic_error("least_connections: server " + std::to_string(*chosen) +
                           " changed without on_active_changed()/on_pool_changed()");
  return chosen;
}

bool LeastConnectionsBalancer::tie_sets_in_step(std::span<const PoolMember> pool, uint32_t server) const
{
  return pool[server].active == tie_sets_.active(server) && pool[server].eligible == tie_sets_.eligible(server) &&
         effective_weight(pool[server]) == tie_sets_.weight(server);
}

// Twice per request: the common cases (the pool as announced) are kept small, the rest is apart.
void LeastConnectionsBalancer::on_active_changed(std::span<const PoolMember> pool, uint32_t server)
{
  if (mode_ == Mode::levels && pool.size() == levels_.size() && server < pool.size() &&
      pool[server].eligible == levels_.eligible(server) && effective_weight(pool[server]) == uniform_weight_) {
    levels_.set_active(server, pool[server].active);
    return;
  }
  if (mode_ == Mode::tie_sets && pool.size() == tie_sets_.size() && server < pool.size() &&
      pool[server].eligible == tie_sets_.eligible(server) && effective_weight(pool[server]) == tie_sets_.weight(server)) {
    tie_sets_.set_active(server, pool[server].active);
    return;
  }
  on_other_active_change(pool, server);
}

void LeastConnectionsBalancer::on_other_active_change(std::span<const PoolMember> pool, uint32_t server)
{
  if (mode_ == Mode::levels) {
    on_pool_changed(pool);  // the pool changed without on_pool_changed(): start again from what it is
    return;
  }
  if (mode_ != Mode::tie_sets) return;
  if (pool.size() != tie_sets_.size() || server >= pool.size() || pool[server].eligible != tie_sets_.eligible(server) ||
      effective_weight(pool[server]) != tie_sets_.weight(server)) {
    on_pool_changed(pool);  // the pool changed without on_pool_changed(): start again from what it is
    return;
  }
  tie_sets_.set_active(server, pool[server].active);
}

AlgorithmDeclaration least_connections_declaration()
{
  return {"least_connections",
          "sends to the server with the fewest active requests; ties go round robin among the tied.",
          {},
          AnalyticRouting::shortest_queue,
          [](const BalancerOptions&) { return std::make_unique<LeastConnectionsBalancer>(); }};
}

}  // namespace lbsim::models
