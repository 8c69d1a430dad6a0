// Server's processor-sharing paths (`discipline: processor_sharing`; models/services/server.hpp,
// shared_cores.hpp): every admitted request in service at once, one scheduled event per server.
#include "models/services/server.hpp"

#include "models/services/server_station.hpp"

#include <algorithm>

namespace lbsim::models {

Admission Server::admit_shared(RequestId request)
{
  if (config_.queue_limit && shared_->size() >= static_cast<uint64_t>(config_.cores) + *config_.queue_limit) {
    ++rejected_;
    return Admission::queue_full;
  }
  ++resident_;
  Request& r = requests_[request];
  r.resident = true;
  r.holds_core = false;
  start_shared(request);
  return Admission::accepted;
}

void Server::start_shared(RequestId request)
{
  Request& r = requests_[request];
  r.server = index_;
  r.in_service = true;
  r.holds_core = false;
  station_.report_service_start(r);
  shared_->add(request, r.work.seconds(), sim_.now());
  busy_ = shared_->busy_cores();
  busy_time_.set(sim_.now(), busy_);
  reschedule_shared();
}

void Server::leave_shared(RequestId request)
{
  Request& r = requests_[request];
  r.resident = false;
  r.holds_core = false;
  --resident_;
  ++completed_;
  if (!handling_) notify_if_drained();
}

// The first request in tag order is done; what the station does with it (a reply, calls, or
// more work through resume()) comes before the next end is scheduled, once.
void Server::handle_shared()
{
  shared_end_ = {};
  const RequestId request = shared_->pop_first(sim_.now());
  Request& r = requests_[request];
  r.in_service = false;
  if (r.timed_out) [[unlikely]]
    abandoned_s_ += r.work.seconds() / config_.speed;
  busy_ = shared_->busy_cores();
  busy_time_.set(sim_.now(), busy_);
  handling_ = true;
  station_.on_work_done(index_, request);
  handling_ = false;
  reschedule_shared();
  notify_if_drained();
}

// One event per server: the end of the request with the least work left, at the current rate.
void Server::reschedule_shared()
{
  if (handling_) return;  // handle_shared() schedules once the station is done
  const SimTime now = sim_.now();
  if (shared_->empty()) {
    if (shared_end_.valid()) sim_.cancel(shared_end_);
    shared_end_ = {};
    return;
  }
  const SimTime at = shared_->next_end(now);
  if (shared_end_.valid()) {
    if (shared_end_.time == at) return;
    sim_.cancel(shared_end_);
  }
  shared_end_ = sim_.schedule_in(at - now, handler_, kSharedEnd, 0);
}

std::vector<RequestId> Server::fail_shared()
{
  if (shared_end_.valid()) sim_.cancel(shared_end_);
  shared_end_ = {};
  std::vector<RequestId> dropped = shared_->take_all(sim_.now());
  std::vector<RequestId> served = dropped;
  std::sort(served.begin(), served.end());
  for (const RequestId id : dropped) requests_[id].in_service = false;
  // Then those waiting for their calls (the pool is scanned: failures are rare).
  for (RequestId id = 0; id < requests_.capacity() && dropped.size() < resident_; ++id) {
    const Request& r = requests_[id];
    if (r.resident && r.server == index_ && !std::binary_search(served.begin(), served.end(), id))
      dropped.push_back(id);
  }
  forget_dropped(dropped);
  set_state(ServerState::failed);
  return dropped;
}

}  // namespace lbsim::models
