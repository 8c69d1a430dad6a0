// EdfScheduler: Envoy's earliest-deadline-first scheduler (source/common/upstream/edf_scheduler.h),
// which Envoy's round_robin and least_request use when weights differ.
//
// Each server waits with a deadline `current_time + 1 / weight`; a pick takes the earliest deadline
// (equal deadlines first in, first out, by an insertion counter), moves current_time to it and puts
// the server back with the weight it has then. Deadlines are doubles, as in Envoy: the float
// arithmetic decides near-ties, so it is copied operation for operation.
//
// build() is Envoy's createWithPicks(entries, weight, picks = 0): the initial deadline of entry i is
// 1 / (w_i + 1e-13), its counter i. The 1e-13 (Envoy adds it to keep weights that are multiples of
// each other from tying differently) makes later periods differ from a scheduler filled by add():
// 3,2,1 gives a b a c b a in every period, where successive add()s give ... a b a a c b.
//
// State: a binary heap of (deadline, counter, server). O(log n) per pick, O(n) per build.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace lbsim::models {

class EdfScheduler {
public:
  // createWithPicks(servers, weights, 0); weights must be > 0.
  void build(std::span<const uint32_t> servers, std::span<const double> weights);
  void clear();
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }

  // The server with the earliest deadline (first in on a tie); it is not taken yet.
  uint32_t next() const { return heap_.front().server; }
  // pickAndAdd(): takes next() and puts it back at current_time + 1 / weight. weight must be > 0.
  uint32_t pick_and_add(double weight);

private:
  struct Entry {
    double deadline;
    uint64_t order;  // Envoy's order_offset_: FIFO among equal deadlines
    uint32_t server;
    bool before(const Entry& other) const
    {
      return deadline < other.deadline || (deadline == other.deadline && order < other.order);
    }
  };
  void sift_down(std::size_t i);

  std::vector<Entry> heap_;
  double current_time_ = 0;
  uint64_t order_offset_ = 0;
};

}  // namespace lbsim::models
