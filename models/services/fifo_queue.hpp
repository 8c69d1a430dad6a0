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
  T pop_front()
  {
    T value = buffer_[head_];
    head_ = (head_ + 1) & (buffer_.size() - 1);
    --size_;
    return value;
  }
  void clear() { head_ = size_ = 0; }

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
