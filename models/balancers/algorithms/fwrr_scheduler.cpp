#include "models/balancers/algorithms/fwrr_scheduler.hpp"

#include <utility>

namespace lbsim::models {

namespace {
// HAProxy's scales (include/haproxy/backend-t.h, server-t.h).
constexpr int64_t kWeightScale = 16;               // BE_WEIGHT_SCALE: eweight = 16 x weight
constexpr int64_t kUserWeightRange = 256;          // SRV_UWGHT_RANGE
constexpr int64_t kMaxEweight = 256 * kWeightScale;  // SRV_EWGHT_MAX

int64_t eweight_of(const PoolMember& member) { return effective_weight(member) * kWeightScale; }
}  // namespace

void FwrrScheduler::insert(Tree tree, uint32_t server, int64_t key)
{
  servers_[server].tree = tree;
  servers_[server].queued = true;
  trees_[tree].push(server, Key{key, sequence_++}, positions_);
}

// eb32_delete(): out of its tree, but still marked as belonging to it (fwrr_get_srv() reads that).
void FwrrScheduler::dequeue(uint32_t server)
{
  Server& s = servers_[server];
  if (!s.queued) return;
  trees_[s.tree].erase(server, positions_);
  s.queued = false;
}

void FwrrScheduler::queue_by_weight(Tree tree, uint32_t server)
{
  insert(tree, server, kMaxEweight - servers_[server].eweight);
}

// fwrr_queue_srv(): into curr at its position, or into next when it falls outside the window.
void FwrrScheduler::queue(uint32_t server)
{
  Server& s = servers_[server];
  if (!s.usable) {
    s.tree = none;
  } else if (s.eweight <= 0 || s.npos >= 2 * curr_weight_ || s.npos >= curr_weight_ + next_weight_) {
    s.npos -= curr_weight_;
    queue_by_weight(next_, server);
  } else {
    // HAProxy computes the second term in unsigned arithmetic; it is never negative for the
    // weights HAProxy accepts (1..256).
    insert(curr, server, kUserWeightRange * s.npos + (kMaxEweight + s.rweight - s.eweight) / kWeightScale);
  }
}

void FwrrScheduler::prepare_for_requeue(uint32_t server)
{
  Server& s = servers_[server];
  if (s.tree == init_) {
    s.npos = s.rweight = 0;
  } else if (s.tree == next_) {
    s.npos += curr_weight_;
  } else if (s.tree == none) {
    s.npos = curr_pos_;
  }
}

void FwrrScheduler::update_position(uint32_t server)
{
  Server& s = servers_[server];
  if (s.eweight == 0) return;
  if (s.npos == 0) s.npos = curr_pos_;  // the first time ever for this server
  s.lpos = s.npos;
  s.npos += next_weight_ / s.eweight;
  s.rweight += next_weight_ % s.eweight;
  if (s.rweight >= s.eweight) {
    s.rweight -= s.eweight;
    ++s.npos;
  }
}

void FwrrScheduler::switch_trees()
{
  std::swap(init_, next_);
  curr_weight_ = next_weight_;
  curr_pos_ = curr_weight_;
}

// fwrr_get_server_from_group(): the head of curr if its turn has come, otherwise the heaviest
// server waiting in init, otherwise the head of curr anyway.
ServerChoice FwrrScheduler::from_group()
{
  ServerChoice head_of_curr;
  if (!trees_[curr].empty()) {
    const uint32_t s1 = trees_[curr].top();
    if (servers_[s1].eweight > 0 && servers_[s1].npos <= curr_pos_) return s1;
    head_of_curr = s1;
  }
  if (!trees_[init_].empty()) {
    const uint32_t s2 = trees_[init_].top();
    if (servers_[s2].eweight > 0) {
      servers_[s2].npos = servers_[s2].rweight = 0;
      return s2;
    }
  }
  return head_of_curr;
}

ServerChoice FwrrScheduler::next(std::span<const PoolMember> pool)
{
  if (usable_count_ == 0) return std::nullopt;
  bool switched = false;
  ServerChoice chosen;
  std::vector<uint32_t>& full = full_;  // saturated servers taken out on the way, HAProxy's next_full list
  full.clear();
  while (true) {
    if (curr_weight_ == 0) curr_pos_ = curr_weight_ = next_weight_;
    while (!(chosen = from_group())) {
      if (switched) break;
      switched = true;
      switch_trees();
    }
    if (!chosen) break;
    update_position(*chosen);
    dequeue(*chosen);
    ++curr_pos_;
    if (!pool[*chosen].full()) break;
    full.push_back(*chosen);
    chosen = std::nullopt;
  }
  if (chosen) queue(*chosen);
  // The extracted servers regain their place as if consumed, or, after a switch of the trees,
  // join init by weight (their places were lost). HAProxy walks its list from the last one taken.
  for (auto server = full.rbegin(); server != full.rend(); ++server) {
    if (switched) queue_by_weight(init_, *server);
    else queue(*server);
  }
  return chosen;
}

void FwrrScheduler::rebuild(std::span<const PoolMember> pool)
{
  servers_.assign(pool.size(), Server{});
  for (auto& tree : trees_) tree = {};
  positions_.assign(pool.size(), 0);
  init_ = t0;
  next_ = t1;
  sequence_ = 0;
  usable_count_ = 0;
  int64_t total = 0;
  for (uint32_t i = 0; i < pool.size(); ++i) {
    servers_[i].eweight = eweight_of(pool[i]);
    servers_[i].usable = pool[i].eligible;
    if (pool[i].eligible) {
      total += servers_[i].eweight;
      ++usable_count_;
    }
  }
  curr_pos_ = curr_weight_ = next_weight_ = total;
  for (uint32_t i = 0; i < pool.size(); ++i)
    if (servers_[i].usable) queue_by_weight(init_, i);
}

void FwrrScheduler::server_down(uint32_t server)
{
  Server& s = servers_[server];
  next_weight_ -= s.eweight;
  --usable_count_;
  dequeue(server);
  s.usable = false;
  s.tree = none;
}

void FwrrScheduler::server_up(uint32_t server, int64_t eweight)
{
  Server& s = servers_[server];
  s.eweight = eweight;
  s.usable = true;
  ++usable_count_;
  next_weight_ += eweight;
  prepare_for_requeue(server);
  s.npos = curr_pos_ + (next_weight_ + curr_weight_ - curr_pos_) / eweight;
  queue(server);
}

// fwrr_update_server_weight() for a server that stays usable.
void FwrrScheduler::weight_changed(uint32_t server, int64_t eweight)
{
  Server& s = servers_[server];
  next_weight_ += eweight - s.eweight;
  s.eweight = eweight;
  if (s.tree == init_) {
    dequeue(server);
    queue_by_weight(init_, server);
    return;
  }
  prepare_for_requeue(server);
  const int64_t previous_next = s.npos;
  const int64_t step = next_weight_ / eweight;
  s.npos = s.lpos + step;
  s.rweight = 0;
  if (s.npos > previous_next) s.npos = previous_next;
  if (s.npos < curr_pos_ + 2) s.npos = curr_pos_ + step;
  dequeue(server);
  queue(server);
}

void FwrrScheduler::update(std::span<const PoolMember> pool)
{
  if (servers_.empty() || pool.size() < servers_.size()) {
    rebuild(pool);
    return;
  }
  while (servers_.size() < pool.size()) servers_.push_back(Server{});  // new: down until they come up
  positions_.resize(servers_.size(), 0);
  for (uint32_t i = 0; i < pool.size(); ++i) update_member(pool, i);
}

void FwrrScheduler::update_member(std::span<const PoolMember> pool, uint32_t i)
{
  const Server& s = servers_[i];
  const int64_t eweight = eweight_of(pool[i]);
  if (s.usable && !pool[i].eligible) server_down(i);
  else if (!s.usable && pool[i].eligible) server_up(i, eweight);
  else if (s.usable && eweight != s.eweight) weight_changed(i, eweight);
  else if (!s.usable) servers_[i].eweight = eweight;
}

}  // namespace lbsim::models
