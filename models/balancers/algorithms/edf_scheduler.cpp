#include "models/balancers/algorithms/edf_scheduler.hpp"

#include <utility>

namespace lbsim::models {

void EdfScheduler::clear()
{
  heap_.clear();
  current_time_ = 0;
  order_offset_ = 0;
}

void EdfScheduler::build(std::span<const uint32_t> servers, std::span<const double> weights)
{
  clear();
  heap_.reserve(servers.size());
  for (std::size_t i = 0; i < servers.size(); ++i) {
    // With no picks to emulate, floor_picks is 0: the deadline is (0 + 1) / (w + 1e-13).
    const double weight = weights[i] + 1e-13;
    heap_.push_back(Entry{1.0 / weight, i, servers[i]});
  }
  order_offset_ = servers.size();
  for (std::size_t i = heap_.size() / 2; i-- > 0;) sift_down(i);
}

uint32_t EdfScheduler::pick_and_add(double weight)
{
  Entry& top = heap_.front();
  current_time_ = top.deadline;
  const uint32_t server = top.server;
  // Envoy pops and pushes; the heap's order depends only on (deadline, counter), so replacing the
  // top and sifting it down gives the same picks with one pass.
  top.deadline = current_time_ + 1.0 / weight;
  top.order = order_offset_++;
  sift_down(0);
  return server;
}

void EdfScheduler::sift_down(std::size_t i)
{
  const std::size_t n = heap_.size();
  Entry moving = heap_[i];
  for (;;) {
    std::size_t child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && heap_[child + 1].before(heap_[child])) ++child;
    if (!heap_[child].before(moving)) break;
    heap_[i] = heap_[child];
    i = child;
  }
  heap_[i] = moving;
}

}  // namespace lbsim::models
