// FifoQueue: a growable power-of-two ring buffer. Unlike std::deque it stops allocating once it
// has reached the largest backlog of the run.
#pragma once

#include <cstddef>
#include <vector>

namespace lbsim::models {

template <typename T>
class FifoQueue {
public:
  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }
  void push_back(T value)
  {
    if (size_ == buffer_.size()) grow();
    buffer_[(head_ + size_) & (buffer_.size() - 1)] = value;
    ++size_;
  }
  const T& front() const { return buffer_[head_]; }
  T pop_front()
  {
    T value = buffer_[head_];
    head_ = (head_ + 1) & (buffer_.size() - 1);
    --size_;
    return value;
  }
  void clear() { head_ = size_ = 0; }
  // Removes the first element equal to `value`, keeping the order of the others (O(n): for
  // cancellations, which are rare next to pushes and pops). False when it is not there.
  bool erase(const T& value)
  {
    const size_t mask = buffer_.size() - 1;
    for (size_t i = 0; i < size_; ++i) {
      if (!(buffer_[(head_ + i) & mask] == value)) continue;
      for (size_t j = i; j + 1 < size_; ++j) buffer_[(head_ + j) & mask] = buffer_[(head_ + j + 1) & mask];
      --size_;
      return true;
    }
    return false;
  }

private:
  void grow()
  {
    std::vector<T> bigger(buffer_.empty() ? 16 : buffer_.size() * 2);
    for (size_t i = 0; i < size_; ++i) bigger[i] = buffer_[(head_ + i) & (buffer_.size() - 1)];
    buffer_.swap(bigger);
    head_ = 0;
  }
  std::vector<T> buffer_;
  size_t head_ = 0;
  size_t size_ = 0;
};

}  // namespace lbsim::models
