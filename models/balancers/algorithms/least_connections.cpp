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
    case Mode::heap: return pick_from_heap(pool);
    case Mode::scan: break;
  }
  return pick_by_scan(pool);
}

void LeastConnectionsBalancer::on_pool_changed(std::span<const PoolMember> pool)
{
  bool uniform = true;
  for (const PoolMember& p : pool) uniform = uniform && effective_weight(p) == effective_weight(pool[0]);
  if (uniform && !pool.empty() && pool.size() <= LoadLevels::kMaxServers) {
    mode_ = Mode::levels;
    uniform_weight_ = effective_weight(pool[0]);
    levels_.rebuild(pool);
    if (current_weight_.size() != pool.size()) current_weight_.assign(pool.size(), 0);
  } else if (pool.size() > kScanUpTo) {
    mode_ = Mode::heap;
    rebuild(pool);
  } else {
    mode_ = Mode::scan;  // small uneven pools: a scan touches a cache line or two
  }
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

ServerChoice LeastConnectionsBalancer::pick_from_heap(std::span<const PoolMember> pool)
{
  if (pool.size() != members_.size()) rebuild(pool);
  if (heap_.empty()) return std::nullopt;

  const uint32_t root = heap_[0];
  check_in_step(pool, root);
  const auto tied_with_root = [&](std::size_t position) {
    return position < heap_.size() && same_load(heap_[position], root);
  };
  if (!tied_with_root(1) && !tied_with_root(2)) return root;  // a unique minimum

  // The tie set: the subtree of positions holding root's load, found depth first.
  tied_.clear();
  stack_.clear();
  stack_.push_back(0);
  while (!stack_.empty()) {
    const std::size_t position = stack_.back();
    stack_.pop_back();
    const uint32_t member = heap_[position];
    check_in_step(pool, member);
    tied_.push_back(member);
    for (std::size_t child = 2 * position + 1; child <= 2 * position + 2; ++child)
      if (tied_with_root(child)) stack_.push_back(static_cast<uint32_t>(child));
  }
  return break_tie(tied_);
}

// nginx's pass 2 over the tied peers. nginx visits them in configuration order and keeps the
// first of equal current weights; the depth-first order differs, so equal current weights go to
// the lowest index explicitly, which is the same choice.
uint32_t LeastConnectionsBalancer::break_tie(std::span<const uint32_t> tied)
{
  int64_t total = 0;
  uint32_t chosen = tied[0];
  bool first = true;
  for (const uint32_t member : tied) {
    const auto w = static_cast<int64_t>(members_[member].weight);
    current_weight_[member] += w;
    total += w;
    if (first || current_weight_[member] > current_weight_[chosen] ||
        (current_weight_[member] == current_weight_[chosen] && member < chosen))
      chosen = member;
    first = false;
  }
  current_weight_[chosen] -= total;
  return chosen;
}

// Twice per request: the common case (equal weights, the pool as announced) is kept small, the
// rest is apart.
void LeastConnectionsBalancer::on_active_changed(std::span<const PoolMember> pool, uint32_t server)
{
  if (mode_ == Mode::levels && pool.size() == levels_.size() && server < pool.size() &&
      pool[server].eligible == levels_.eligible(server) && effective_weight(pool[server]) == uniform_weight_) {
    levels_.set_active(server, pool[server].active);
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
  if (mode_ != Mode::heap) return;
  if (pool.size() != members_.size() || server >= pool.size() || pool[server].eligible != members_[server].eligible ||
      static_cast<uint64_t>(effective_weight(pool[server])) != members_[server].weight) {
    rebuild(pool);  // the pool changed without on_pool_changed(): start again from what it is
    return;
  }
  Entry& entry = members_[server];
  const uint64_t before = entry.active;
  entry.active = pool[server].active;
  if (entry.position == kNotInHeap) return;
  if (entry.active < before) sift_up(entry.position);
  else if (entry.active > before) sift_down(entry.position);
}

void LeastConnectionsBalancer::rebuild(std::span<const PoolMember> pool)
{
  const auto n = static_cast<uint32_t>(pool.size());
  if (current_weight_.size() != n) current_weight_.assign(n, 0);
  members_.assign(n, Entry{});
  heap_.clear();
  for (uint32_t i = 0; i < n; ++i) {
    members_[i].active = pool[i].active;
    members_[i].weight = static_cast<uint64_t>(effective_weight(pool[i]));
    members_[i].eligible = pool[i].eligible;
    if (!pool[i].eligible) continue;
    members_[i].position = static_cast<uint32_t>(heap_.size());
    heap_.push_back(i);
  }
  // Floyd's bottom-up heap construction, O(n).
  for (std::size_t position = heap_.size() / 2; position-- > 0;) sift_down(position);
}

void LeastConnectionsBalancer::check_in_step(std::span<const PoolMember> pool, uint32_t member) const
{
  const Entry& entry = members_[member];
  if (pool[member].active != entry.active || !pool[member].eligible ||
      static_cast<uint64_t>(effective_weight(pool[member])) != entry.weight)
    throw std::logic_error("least_connections: server " + std::to_string(member) +
                           " changed without on_active_changed()/on_pool_changed()");
}

bool LeastConnectionsBalancer::same_load(uint32_t a, uint32_t b) const
{
  return members_[a].active * members_[b].weight == members_[b].active * members_[a].weight;
}

bool LeastConnectionsBalancer::less(uint32_t a, uint32_t b) const
{
  const uint64_t lhs = members_[a].active * members_[b].weight;
  const uint64_t rhs = members_[b].active * members_[a].weight;
  return lhs < rhs || (lhs == rhs && a < b);
}

void LeastConnectionsBalancer::place(std::size_t position, uint32_t member)
{
  heap_[position] = member;
  members_[member].position = static_cast<uint32_t>(position);
}

void LeastConnectionsBalancer::sift_up(std::size_t position)
{
  const uint32_t member = heap_[position];
  while (position > 0) {
    const std::size_t parent = (position - 1) / 2;
    if (!less(member, heap_[parent])) break;
    place(position, heap_[parent]);
    position = parent;
  }
  place(position, member);
}

void LeastConnectionsBalancer::sift_down(std::size_t position)
{
  const uint32_t member = heap_[position];
  const std::size_t size = heap_.size();
  for (;;) {
    std::size_t child = 2 * position + 1;
    if (child >= size) break;
    if (child + 1 < size && less(heap_[child + 1], heap_[child])) ++child;
    if (!less(heap_[child], member)) break;
    place(position, heap_[child]);
    position = child;
  }
  place(position, member);
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
