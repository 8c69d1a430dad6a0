#include "engine/event_queue.hpp"

#include <algorithm>
#include <stdexcept>

namespace lbsim::engine {

EventHandle EventQueue::push(SimTime time, int priority, HandlerId handler, uint32_t kind, uint64_t arg)
{
  if (priority < -128 || priority > 127) throw std::out_of_range("event priority must be in [-128, 127]");
  const uint64_t seq = next_sequence_++;
  if (seq > Event::kSequenceMask) throw std::overflow_error("event sequence exhausted");
  Event e{time, (static_cast<uint64_t>(priority + 128) << 56) | seq, arg, handler, kind};
  if (hole_at_top_) {
    hole_at_top_ = false;
    sift_down(0, e);
    return EventHandle{time, e.order};
  }
  size_t i = heap_.size();
  heap_.push_back(e);
  while (i > 0) {
    const size_t parent = (i - 1) >> 2;
    if (!before(e, heap_[parent])) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = e;
  return EventHandle{time, e.order};
}

bool EventQueue::cancel(EventHandle handle)
{
  const uint64_t seq = handle.order & Event::kSequenceMask;
  if (!handle.valid() || seq >= next_sequence_ || seq < first_live_sequence_) return false;
  const bool already_left = handle.time < last_popped_time_ ||
                            (handle.time == last_popped_time_ && handle.order <= last_popped_order_);
  if (already_left) return false;
  auto it = std::lower_bound(cancelled_.begin(), cancelled_.end(), seq);
  if (it != cancelled_.end() && *it == seq) return false;
  cancelled_.insert(it, seq);
  return true;
}

bool EventQueue::drop_cancelled_top_slow()
{
  settle();
  while (!heap_.empty() && !cancelled_.empty()) {
    const uint64_t seq = heap_.front().sequence();
    auto it = std::lower_bound(cancelled_.begin(), cancelled_.end(), seq);
    if (it == cancelled_.end() || *it != seq) break;
    cancelled_.erase(it);
    pop();
  }
  return !heap_.empty();
}

Event EventQueue::take_top()
{
  settle();
  const Event top_event = heap_.front();
  last_popped_time_ = top_event.time;
  last_popped_order_ = top_event.order;
  hole_at_top_ = true;
  return top_event;
}

void EventQueue::settle()
{
  if (!hole_at_top_) return;
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

void EventQueue::sift_down(size_t i, Event e)
{
  const size_t n = heap_.size();
  for (;;) {
    const size_t first_child = 4 * i + 1;
    if (first_child >= n) break;
    size_t best = first_child;
    const size_t end = std::min(first_child + 4, n);
    for (size_t c = first_child + 1; c < end; ++c)
      if (before(heap_[c], heap_[best])) best = c;
    if (!before(heap_[best], e)) break;
    heap_[i] = heap_[best];
    i = best;
  }
  heap_[i] = e;
}

void EventQueue::clear()
{
  heap_.clear();
  hole_at_top_ = false;
  cancelled_.clear();
  first_live_sequence_ = next_sequence_;  // everything scheduled before the clear is gone
}

}  // namespace lbsim::engine
