// HAProxy's `balance roundrobin`, its "fast weighted round robin" (src/lb_fwrr.c, HAProxy 2.6),
// used by weighted_round_robin's "fwrr" variant. Unlike static-rr it changes weights and states
// at run time without rebuilding a map, and it spreads a heavy server's turns differently:
// 3,2,1 gives a b a c a b (static-rr: a a b a b c; nginx: a b a c b a).
//
// The state, as in HAProxy: effective weights eweight = 16 x weight; the usable servers' total
// next_weight; a window [curr_pos, curr_weight) of positions. Each server has a next position
// npos, advanced by next_weight / eweight per pick (the remainder carried in rweight). Servers
// wait in one of three trees: "curr" (ordered by npos, then by the remainder), and "init" and
// "next" (ordered by weight, heaviest first), which swap when the window is used up. A pick takes
// the head of curr if its position has come, otherwise the heaviest server of init. Trees keep
// equal keys in insertion order, as HAProxy's ebtrees do. The trees are binary heaps over one
// position vector (a server is in one tree at most): O(log n) per pick and per change, and no
// allocation per pick.
#pragma once

#include "engine/indexed_heap.hpp"
#include "models/balancers/algorithms/balancer.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace lbsim::models {

class FwrrScheduler {
public:
  // HAProxy's fwrr_init_server_groups(): every eligible member queued by weight.
  void rebuild(std::span<const PoolMember> pool);
  // The changes since the last call, one member at a time in index order, as HAProxy applies a
  // server's state or weight change (fwrr_set_server_status_up/down, fwrr_update_server_weight).
  // The first call, and a pool smaller than before, rebuild; new members join as servers coming up.
  void update(std::span<const PoolMember> pool);
  // The same for member `server` alone (the pool's size unchanged): O(log n).
  void update_member(std::span<const PoolMember> pool, uint32_t server);
  // fwrr_get_next_server(): none when no member is eligible or every one is full. A full member
  // (PoolMember::full(), HAProxy's maxconn) is passed over and its turn consumed, as HAProxy's.
  ServerChoice next(std::span<const PoolMember> pool);

  std::size_t size() const { return servers_.size(); }

private:
  enum Tree : uint8_t { curr = 0, t0 = 1, t1 = 2, none = 3 };
  struct Key {
    int64_t key;
    uint64_t sequence;  // insertion order: equal keys come out first in, first out
    bool operator<(const Key& other) const { return key != other.key ? key < other.key : sequence < other.sequence; }
  };
  struct Server {
    int64_t eweight = 0;
    bool usable = false;
    Tree tree = none;    // the tree it belongs to (HAProxy's lb_tree), kept while it is taken out
    bool queued = false;  // in that tree's heap now
    int64_t npos = 0, lpos = 0, rweight = 0;
  };

  void insert(Tree tree, uint32_t server, int64_t key);
  void dequeue(uint32_t server);
  void queue_by_weight(Tree tree, uint32_t server);
  void queue(uint32_t server);
  void prepare_for_requeue(uint32_t server);  // fwrr_get_srv()
  void update_position(uint32_t server);
  void switch_trees();
  ServerChoice from_group();
  void server_down(uint32_t server);
  void server_up(uint32_t server, int64_t eweight);
  void weight_changed(uint32_t server, int64_t eweight);

  std::vector<Server> servers_;
  engine::IndexedMinHeap<Key> trees_[3];
  std::vector<uint32_t> positions_;  // each server's place in its tree's heap
  Tree init_ = t0, next_ = t1;
  int64_t curr_weight_ = 0, curr_pos_ = 0, next_weight_ = 0;
  uint64_t sequence_ = 0;
  uint32_t usable_count_ = 0;
  std::vector<uint32_t> full_;  // next()'s scratch: saturated servers it passed over
};

}  // namespace lbsim::models
