// EventQueue: pending events ordered by (time, priority, insertion sequence).
//
// Events are 32-byte PODs in a 4-ary min-heap stored in one vector that only grows, so scheduling
// allocates nothing per event once the heap has reached its working size. Cancellation is lazy:
// a cancelled event's sequence number is remembered and the event is dropped when it reaches the
// top, which keeps the hot path free of position bookkeeping; the set of cancelled sequences is
// a hash set, since a gateway cancels nearly every timeout it sets.
#pragma once

#include "engine/sim_time.hpp"

#include <cstddef>
#include <cstdint>
#include <unordered_set>
#include <vector>

namespace lbsim::engine {

// Who handles an event: an index the Simulation hands out, stable across runs of the same model.
using HandlerId = uint32_t;

// Identifies one scheduled event, for cancellation. A default handle refers to nothing.
// It carries the event's time and order, so the queue can tell whether the event already ran
// without keeping an index of every pending event.
struct EventHandle {
  SimTime time;
  uint64_t order = 0;  // 0 = none; real events count from 1
  bool valid() const { return order != 0; }
};

struct Event {
  SimTime time;
  uint64_t order;  // priority in the top 8 bits, insertion sequence below: ties break deterministically
  uint64_t arg;    // handler-defined payload (a request id, a server index, ...)
  // The handler in the low 32 bits, the handler-defined event kind in the high 32. One word, so that
  // every field is written and read 8 bytes at a time: a read spanning two 4-byte writes made just
  // before cannot be forwarded by the CPU and stalls the event loop.
  uint64_t target;

  static Event make(SimTime time, uint64_t order, uint64_t arg, HandlerId handler, uint32_t kind)
  {
    return Event{time, order, arg, uint64_t{handler} | (uint64_t{kind} << 32)};
  }
  HandlerId handler() const { return static_cast<HandlerId>(target); }
  uint32_t kind() const { return static_cast<uint32_t>(target >> 32); }
  int priority() const { return static_cast<int>(order >> 56) - 128; }
  uint64_t sequence() const { return order & kSequenceMask; }
  static constexpr uint64_t kSequenceMask = (uint64_t{1} << 56) - 1;
};
static_assert(sizeof(Event) == 32);

class EventQueue {
public:
  // Lower priority values run first among events at the same time; range [-128, 127].
  EventHandle push(SimTime time, int priority, HandlerId handler, uint32_t kind, uint64_t arg);
  // Returns false if the event already ran, was cancelled, or never existed.
  bool cancel(EventHandle handle);

  bool empty() const { return heap_.size() == (hole_at_top_ ? 1u : 0u); }
  // Includes cancelled events not yet dropped.
  size_t size() const { return heap_.size() - (hole_at_top_ ? 1u : 0u); }
  // Makes top() the earliest live event, dropping cancelled ones; false when none is left.
  bool drop_cancelled_top()
  {
    if (!hole_at_top_ && cancelled_.empty()) return !heap_.empty();  // the common case, inline
    return drop_cancelled_top_slow();
  }
  // Precondition: drop_cancelled_top() returned true.
  const Event& top() const { return heap_.front(); }
  Event pop();
  // Like pop(), but leaves the top slot empty until the next push fills it: when handling an event
  // schedules the next one (an arrival its successor, a completion the next service), the pair
  // costs one sift instead of two.
  Event take_top()
  {
    settle();
    // Field by field, not as one block: the top was usually written a moment ago by a push, one
    // field at a time, and a block copy would load it 16 bytes at a time, which the CPU cannot
    // forward from those stores (a stall on every event).
    const Event& top = heap_.front();
    const SimTime time = top.time;
    const uint64_t order = top.order, arg = top.arg, target = top.target;
    last_popped_time_ = time;
    last_popped_order_ = order;
    hole_at_top_ = true;
    return Event{time, order, arg, target};
  }
  void clear();

private:
  // One 128-bit comparison of (time, order): no branch for the compiler to lay out, so picks
  // among children compile to conditional moves (random times make branches unpredictable).
  // Times in the queue are never negative (nothing is scheduled before time 0).
  __extension__ using Key = unsigned __int128;
  static Key key(const Event& e) { return (Key{static_cast<uint64_t>(e.time.ns())} << 64) | e.order; }
  static bool before(const Event& a, const Event& b) { return key(a) < key(b); }
  void sift_down(size_t i, Event e);

  bool drop_cancelled_top_slow();
  [[noreturn]] static void throw_bad_push(int priority);
  void push_at_bottom(Event e);
  // Really removes a taken top that no push has refilled.
  void settle()
  {
    if (hole_at_top_) remove_hole();
  }
  void remove_hole();

  std::vector<Event> heap_;
  bool hole_at_top_ = false;
  // Sequence numbers of cancelled, still-queued events. A hash set: a gateway keeps a timeout per
  // request in flight and cancels nearly all of them, so hundreds of thousands can wait here.
  std::unordered_set<uint64_t> cancelled_;
  uint64_t next_sequence_ = 1;
  uint64_t first_live_sequence_ = 1;
  SimTime last_popped_time_;         // events pop in (time, order) order: anything at or before
  uint64_t last_popped_order_ = 0;   // the last popped one has already left the queue
};

}  // namespace lbsim::engine
