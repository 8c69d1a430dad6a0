// SmoothWeightSet: servers that take turns by nginx's smooth weighted round robin, with their
// current weights kept lazily, so that a turn costs O(k + log n) for k distinct weights in the set
// instead of nginx's O(n).
//
// nginx's turn (ngx_http_upstream_get_peer()): every member does cw += w, the largest cw wins (the
// lowest index among equal ones), and the winner gives back the set's total weight. Here each
// member stores base = cw - w * turns, `turns` counting the set's turns: a turn adds w to every
// member's cw at once by incrementing `turns`, and lowers the winner's base by the total. Members
// of one weight grow alike, so their order never changes between turns: each weight keeps a
// (4-ary) heap ordered on (base descending, index ascending), and a turn compares the k heads at
// cw + w.
//
// The set does not know where its members are: the owner keeps one Place per server (a server is
// in at most one set at a time) and passes them to every call.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace lbsim::models {

class SmoothWeightSet {
public:
  struct Place {
    uint32_t weight_class = 0;  // index in classes_ of the set holding the server
    uint32_t position = 0;      // index in that class's heap
  };

  // Adds `server` (not in the set) with weight `weight` >= 1 and current weight `current`.
  void insert(uint32_t server, int64_t weight, int64_t current, std::span<Place> places);
  // Removes `server` (in the set) and returns its current weight.
  int64_t erase(uint32_t server, std::span<Place> places);
  // The current weight of `server` (in the set).
  int64_t current_weight(uint32_t server, std::span<const Place> places) const;
  // One turn of nginx's smooth weighted round robin over the members (at least one); the winner.
  uint32_t take_turn(std::span<Place> places);
  // Sorts each weight's members in the order of their turns. Over a fixed set (weighted round
  // robin) each winner then falls behind the last of its weight, so a turn only moves the start
  // of a circle, O(1); the first turn, insert or erase that breaks the circle makes it a heap again
  // (a sorted array is one), O(size of the class) once. O(n log n).
  void arrange_in_turn_order(std::span<Place> places);

  // The member of a set of one.
  uint32_t only() const
  {
    for (const WeightClass& c : classes_)
      if (!c.heap.empty()) return c.heap[0].server;
    return UINT32_MAX;
  }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Every member, in no particular order (for rebuilding, checking and tests).
  template <class Visit>
  void for_each(Visit visit) const
  {
    for (const WeightClass& c : classes_)
      for (const Entry& e : c.heap) visit(e.server);
  }
  void clear();

private:
  struct Entry {
    int64_t base;
    uint32_t server;
  };
  struct WeightClass {
    int64_t weight;
    std::vector<Entry> heap;  // a 4-ary heap: the largest base (lowest index on equal) first
    // Or, after arrange_in_turn_order(), the members sorted in turn order around a circle that
    // starts at heap[head].
    bool rotating = false;
    std::size_t head = 0;
  };

  static bool before(const Entry& a, const Entry& b) { return a.base > b.base || (a.base == b.base && a.server < b.server); }
  void sift_up(WeightClass& c, uint32_t weight_class, std::size_t position, std::span<Place> places);
  void sift_down(WeightClass& c, uint32_t weight_class, std::size_t position, std::span<Place> places);
  void sink_from_root(WeightClass& c, uint32_t weight_class, std::span<Place> places);
  static std::size_t best_child(const WeightClass& c, std::size_t first);
  void settle(WeightClass& c, uint32_t weight_class, std::span<Place> places);  // back to a heap
  void rebase();  // folds `turns_` into the bases before the products could overflow

  std::vector<WeightClass> classes_;
  std::size_t size_ = 0;
  int64_t total_ = 0;  // the members' total weight
  int64_t turns_ = 0;
};

}  // namespace lbsim::models
