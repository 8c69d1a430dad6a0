// WeightPrefixSums: a Fenwick (binary indexed) tree over the pool's members' weights, 0 for a member
// out of rotation. random draws a point in [0, total) and takes the member whose span holds it,
// the first whose prefix sum exceeds the point: the same member as a binary search over the
// cumulative weights of the eligible members in pool order, with O(log n) for a member's change
// instead of a rebuild of the cumulative list.
#pragma once

#include <cstdint>
#include <vector>

namespace lbsim::models {

class WeightPrefixSums {
public:
  // Every member at weight 0.
  void reset(std::size_t size)
  {
    tree_.assign(size + 1, 0);
    values_.assign(size, 0);
    total_ = 0;
    top_ = 1;
    while (top_ * 2 <= size) top_ *= 2;
  }
  // Member `index`'s weight is now `value`.
  void set(std::size_t index, uint64_t value)
  {
    const uint64_t before = values_[index];
    if (value == before) return;
    values_[index] = value;
    total_ += value - before;  // unsigned wrap-around adds the difference either way
    for (std::size_t i = index + 1; i < tree_.size(); i += i & (~i + 1)) tree_[i] += value - before;
  }
  uint64_t total() const { return total_; }
  std::size_t size() const { return values_.size(); }
  // The first member whose prefix sum (its weight included) exceeds `point` < total().
  std::size_t find(uint64_t point) const
  {
    std::size_t position = 0;
    for (std::size_t step = top_; step > 0; step /= 2) {
      if (position + step < tree_.size() && tree_[position + step] <= point) {
        position += step;
        point -= tree_[position];
      }
    }
    return position;  // the members whose prefix is <= point come first: the next one holds it
  }
  uint64_t value(std::size_t index) const { return values_[index]; }

private:
  std::vector<uint64_t> tree_;    // tree_[i]: the sum of values_ over (i - lowbit(i), i], 1-based
  std::vector<uint64_t> values_;
  uint64_t total_ = 0;
  std::size_t top_ = 1;           // the largest power of two <= size
};

}  // namespace lbsim::models
