// SharedCores: the requests in service at a processor-sharing server (docs/services.md,
// "Processor sharing"). With n requests on k cores of speed s each request is served at rate
// s * min(1, k / n): a full core while n <= k, a k/n share of one beyond.
//
// Virtual time: V(t) is the work (seconds at speed 1.0) every request in service has received
// since V = 0; it grows at the common rate, so a request admitted at V0 with work w finishes when
// V reaches its tag V0 + w, and the order of the tags never changes. The tags sit in a min-heap:
// an arrival, a departure or a new speed is O(log n), and only the smallest tag ever needs a
// scheduled event (no per-request rescheduling when the rate changes).
#pragma once

#include "engine/sim_time.hpp"
#include "engine/indexed_heap.hpp"

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace lbsim::models {

class SharedCores {
public:
  using Id = uint32_t;

  SharedCores(int cores, double speed, engine::SimTime now) : cores_(cores), speed_(speed), since_(now) {}

  size_t size() const { return heap_.size(); }
  bool empty() const { return heap_.empty(); }
  // Cores busy: min(n, k).
  uint32_t busy_cores() const { return static_cast<uint32_t>(std::min<size_t>(heap_.size(), static_cast<size_t>(cores_))); }
  // Work per second of each request in service.
  double rate() const
  {
    const double n = static_cast<double>(heap_.size());
    return n <= cores_ ? speed_ : speed_ * cores_ / n;
  }

  // Brings V to `now` at the rate that held since the last change.
  void advance(engine::SimTime now)
  {
    if (!heap_.empty()) virtual_ += rate() * (now - since_).seconds();
    else virtual_ = 0;  // idle: start again from 0, so V stays small and precise
    since_ = now;
  }

  void add(Id id, double work_s, engine::SimTime now)
  {
    advance(now);
    heap_.push(id, Tag{virtual_ + work_s, order_++}, positions_);
  }
  // Leaves before its end (a cancellation); returns the work it had received.
  double remove(Id id, double work_s, engine::SimTime now)
  {
    advance(now);
    const double left = heap_.key(id, positions_).finish - virtual_;
    heap_.erase(id, positions_);
    return std::max(0.0, work_s - left);
  }
  // The request with the least work left; its end is due now (next_end() said so). V snaps to
  // its tag, so rounding of event times to nanoseconds never accumulates.
  Id pop_first(engine::SimTime now)
  {
    advance(now);
    const Id id = heap_.top();
    virtual_ = std::max(virtual_, heap_.top_key().finish);
    heap_.erase(id, positions_);
    return id;
  }
  // When the first request will be done at the current rate (empty: none).
  engine::SimTime next_end(engine::SimTime now) const
  {
    const double left = std::max(0.0, heap_.top_key().finish - virtual_ - rate() * (now - since_).seconds());
    return now + engine::SimTime::from_seconds(left / rate());
  }
  // New cores or speed from `now` on: the work done so far was done at the old rate.
  void set_capacity(int cores, double speed, engine::SimTime now)
  {
    advance(now);
    cores_ = cores;
    speed_ = speed;
  }
  // Every request in service, in tag order (a failure drops them all).
  std::vector<Id> take_all(engine::SimTime now)
  {
    advance(now);
    std::vector<Id> out;
    while (!heap_.empty()) {
      out.push_back(heap_.top());
      heap_.erase(heap_.top(), positions_);
    }
    return out;
  }

private:
  struct Tag {
    double finish;   // V at which the request is done
    uint64_t order;  // admission order: equal tags end first-come first-served
    bool operator<(const Tag& o) const { return finish < o.finish || (finish == o.finish && order < o.order); }
  };
  int cores_;
  double speed_;
  engine::SimTime since_;
  double virtual_ = 0;
  uint64_t order_ = 0;
  engine::IndexedMinHeap<Tag> heap_;
  engine::IndexedMinHeap<Tag>::Positions positions_;
};

}  // namespace lbsim::models
