#include "engine/event_queue.hpp"

#include <algorithm>
#include <stdexcept>

namespace lbsim::engine {

void EventQueue::throw_bad_push(int priority)
{
  if (priority < -128 || priority > 127) throw std::out_of_range("event priority must be in [-128, 127]");
  throw std::overflow_error("event sequence exhausted");
}

// Always inlined, with the event by value: it then stays in registers. Passed through memory, its
// fields were stored one by one and read back 16 bytes at a time, which stalls the pipeline
// (a load cannot be forwarded from two stores), and that was a tenth of the heap's time.
[[gnu::always_inline]] inline void EventQueue::sift_down(size_t i, const Event e)
{
  Event* const heap = heap_.data();
  const size_t n = heap_.size();
  for (;;) {
    size_t child = 4 * i + 1;
    if (child + 3 < n) {
      // Four children, the common case: two independent pairs, then their winners, without
      // branches (the comparisons of random times are unpredictable).
      const size_t left = child + size_t{before(heap[child + 1], heap[child])};
      const size_t right = child + 2 + size_t{before(heap[child + 3], heap[child + 2])};
      child = before(heap[right], heap[left]) ? right : left;
    } else if (child < n) {
      for (size_t c = child + 1; c < n; ++c)
        if (before(heap[c], heap[child])) child = c;
    } else {
      break;
    }
    if (!before(heap[child], e)) break;
    heap[i] = heap[child];
    i = child;
  }
  heap[i] = e;
}

[[gnu::always_inline]] inline void EventQueue::push_at_bottom(const Event e)
{
  size_t i = heap_.size();
  heap_.push_back(e);
  while (i > 0) {
    const size_t parent = (i - 1) >> 2;
    if (!before(e, heap_[parent])) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = e;
}

EventHandle EventQueue::push(SimTime time, int priority, HandlerId handler, uint32_t kind, uint64_t arg)
{
  const uint64_t seq = next_sequence_++;
  if (priority < -128 || priority > 127 || seq > Event::kSequenceMask) throw_bad_push(priority);
  const Event e = Event::make(time, (static_cast<uint64_t>(priority + 128) << 56) | seq, arg, handler, kind);
  if (hole_at_top_) {
    hole_at_top_ = false;
    sift_down(0, e);
  } else {
    push_at_bottom(e);
  }
  return EventHandle{time, e.order};
}

bool EventQueue::cancel(EventHandle handle)
{
  const uint64_t seq = handle.order & Event::kSequenceMask;
  if (!handle.valid() || seq >= next_sequence_ || seq < first_live_sequence_) return false;
  const bool already_left = handle.time < last_popped_time_ ||
                            (handle.time == last_popped_time_ && handle.order <= last_popped_order_);
  if (already_left) return false;
  return cancelled_.insert(seq).second;
}

bool EventQueue::drop_cancelled_top_slow()
{
  settle();
  while (!heap_.empty() && !cancelled_.empty()) {
    const uint64_t seq = heap_.front().sequence();
    if (cancelled_.erase(seq) == 0) break;
    pop();
  }
  return !heap_.empty();
}

void EventQueue::remove_hole()
{
  hole_at_top_ = false;
  const Event last = heap_.back();
  heap_.pop_back();
  if (!heap_.empty()) sift_down(0, last);
}

Event EventQueue::pop()
{
  settle();
  const Event top_event = heap_.front();
  last_popped_time_ = top_event.time;
  last_popped_order_ = top_event.order;
  const Event last = heap_.back();
  heap_.pop_back();
  if (!heap_.empty()) sift_down(0, last);
  return top_event;
}

void EventQueue::clear()
{
  heap_.clear();
  hole_at_top_ = false;
  cancelled_.clear();
  first_live_sequence_ = next_sequence_;  // everything scheduled before the clear is gone
}

}  // namespace lbsim::engine
