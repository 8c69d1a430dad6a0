// IndexedMinHeap: a binary min-heap of ids (uint32) by key, with each id's position kept in a
// caller-owned vector, so an id's key can change or the id can leave in O(log n). Several heaps may
// share one position vector when their ids are disjoint (FlowNetwork keeps one heap of flows per
// class and one position per flow). Keys must be totally ordered by operator< with no ties.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace lbsim::engine {

template <class Key>
class IndexedMinHeap {
public:
  using Positions = std::vector<uint32_t>;

  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  uint32_t top() const { return heap_.front().id; }
  const Key& top_key() const { return heap_.front().key; }
  const Key& key(uint32_t id, const Positions& pos) const { return heap_[pos[id]].key; }

  void push(uint32_t id, const Key& key, Positions& pos)
  {
    if (pos.size() <= id) pos.resize(id + 1);
    heap_.push_back(Entry{key, id});
    sift_up(heap_.size() - 1, pos);
  }
  void update(uint32_t id, const Key& key, Positions& pos)
  {
    const std::size_t i = pos[id];
    const bool up = key < heap_[i].key;
    heap_[i].key = key;
    if (up) sift_up(i, pos);
    else sift_down(i, pos);
  }
  void erase(uint32_t id, Positions& pos)
  {
    const std::size_t i = pos[id];
    const Entry last = heap_.back();
    heap_.pop_back();
    if (i == heap_.size()) return;
    const bool up = last.key < heap_[i].key;
    heap_[i] = last;
    pos[last.id] = static_cast<uint32_t>(i);
    if (up) sift_up(i, pos);
    else sift_down(i, pos);
  }

private:
  struct Entry {
    Key key;
    uint32_t id;
  };
  void place(std::size_t i, const Entry& e, Positions& pos)
  {
    heap_[i] = e;
    pos[e.id] = static_cast<uint32_t>(i);
  }
  void sift_up(std::size_t i, Positions& pos)
  {
    const Entry e = heap_[i];
    while (i > 0) {
      const std::size_t parent = (i - 1) / 2;
      if (!(e.key < heap_[parent].key)) break;
      place(i, heap_[parent], pos);
      i = parent;
    }
    place(i, e, pos);
  }
  void sift_down(std::size_t i, Positions& pos)
  {
    const Entry e = heap_[i];
    const std::size_t n = heap_.size();
    for (;;) {
      std::size_t child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && heap_[child + 1].key < heap_[child].key) ++child;
      if (!(heap_[child].key < e.key)) break;
      place(i, heap_[child], pos);
      i = child;
    }
    place(i, e, pos);
  }

  std::vector<Entry> heap_;
};

}  // namespace lbsim::engine
