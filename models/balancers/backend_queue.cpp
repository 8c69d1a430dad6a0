#include "models/balancers/backend_queue.hpp"

#include <algorithm>

namespace lbsim::models {

BackendQueue::BackendQueue(SimTime timeout, engine::Simulation& sim, QueueListener& listener)
    : timeout_(timeout), sim_(sim), listener_(listener), handler_(sim.add_handler(*this)), length_(sim.now())
{
}

void BackendQueue::push(RequestId id)
{
  waiting_.push_back(Waiting{id, sim_.now()});
  ++queued_;
  length_.set(sim_.now(), static_cast<int64_t>(waiting_.size()));
  max_length_ = std::max<uint64_t>(max_length_, waiting_.size());
  arm();
}

RequestId BackendQueue::pop()
{
  const Waiting head = waiting_.pop_front();
  length_.set(sim_.now(), static_cast<int64_t>(waiting_.size()));
  left(head.since);
  return head.id;
}

void BackendQueue::left(SimTime since)
{
  const int64_t waited = (sim_.now() - since).ns();
  waited_ns_ += waited;
  max_wait_ns_ = std::max(max_wait_ns_, waited);
  ++left_;
}

// A timer for the head's deadline, unless one is pending (it re-arms for the new head when it fires).
void BackendQueue::arm()
{
  if (armed_ || waiting_.empty()) return;
  armed_ = true;
  sim_.schedule_at(waiting_.front().since + timeout_, handler_);
}

void BackendQueue::handle(const engine::Event& /*event*/)
{
  armed_ = false;
  const SimTime now = sim_.now();
  while (!waiting_.empty() && waiting_.front().since + timeout_ <= now) {
    ++timed_out_;
    listener_.on_queue_timeout(pop());
  }
  arm();
}

void BackendQueue::reset_measurement(SimTime now)
{
  length_.reset(now);
  max_length_ = waiting_.size();
  queued_ = timed_out_ = left_ = 0;
  waited_ns_ = max_wait_ns_ = 0;
}

QueueSummary BackendQueue::summary(SimTime now) const
{
  QueueSummary s;
  s.mean_length = length_.average(now);
  s.max_length = max_length_;
  s.queued = queued_;
  s.timed_out = timed_out_;
  s.mean_wait_s = left_ ? static_cast<double>(waited_ns_) * 1e-9 / static_cast<double>(left_) : 0.0;
  s.max_wait_s = static_cast<double>(max_wait_ns_) * 1e-9;
  return s;
}

}  // namespace lbsim::models
