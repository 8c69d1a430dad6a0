#include "models/services/server.hpp"

#include "models/services/server_station.hpp"

#include <algorithm>

namespace lbsim::models {

const char* to_string(ServerState state)
{
  switch (state) {
    case ServerState::provisioning: return "provisioning";
    case ServerState::up: return "up";
    case ServerState::draining: return "draining";
    case ServerState::restarting: return "restarting";
    case ServerState::failed: return "failed";
    case ServerState::stopped: return "stopped";
  }
  return "?";
}

// A failed machine is not billed: the provider replaces it (docs/model.md, cost).
bool is_billed(ServerState state)
{
  return state == ServerState::provisioning || state == ServerState::up || state == ServerState::draining ||
         state == ServerState::restarting;
}

Server::Server(uint32_t index, const ServerConfig& config, engine::Simulation& sim, RequestPool& requests,
               ServerStation& station, ServerState initial)
    : index_(index), config_(config), sim_(sim), requests_(requests), station_(station),
      handler_(sim.add_handler(*this)), state_(initial), busy_time_(sim.now(), 0), queue_time_(sim.now(), 0),
      up_time_(sim.now(), initial == ServerState::up || initial == ServerState::draining ? 1 : 0),
      cost_since_(sim.now())
{
  if (config.processor_sharing) shared_ = std::make_unique<SharedCores>(config.cores, config.speed, sim.now());
}

Admission Server::admit(RequestId request, bool in_transit)
{
  if (state_ != ServerState::up && !(in_transit && state_ == ServerState::draining)) {
    ++turned_away_;
    return Admission::unavailable;
  }
  if (shared_) return admit_shared(request);
  if (busy_ < static_cast<uint32_t>(config_.cores)) {
    ++resident_;
    requests_[request].resident = true;
    ++busy_;
    start_service(request);
    return Admission::accepted;
  }
  if (config_.queue_limit && queue_.size() >= *config_.queue_limit) {
    ++rejected_;
    return Admission::queue_full;
  }
  ++resident_;
  requests_[request].resident = true;
  queue_.push_back(request);
  queue_time_.set(sim_.now(), static_cast<int64_t>(queue_.size()));
  return Admission::accepted;
}

void Server::resume(RequestId request)
{
  Request& r = requests_[request];
  if (shared_) {
    start_shared(request);
    return;
  }
  if (r.holds_core) {
    r.holds_core = false;  // its core is freed when this work is done
    start_service(request);
    return;
  }
  if (busy_ < static_cast<uint32_t>(config_.cores)) {
    ++busy_;
    start_service(request);
    return;
  }
  queue_.push_back(request);
  queue_time_.set(sim_.now(), static_cast<int64_t>(queue_.size()));
}

// `busy_` already counts the core.
void Server::start_service(RequestId request)
{
  Request& r = requests_[request];
  r.server = index_;
  r.in_service = true;
  busy_time_.set(sim_.now(), busy_);
  station_.report_service_start(r);
  // At speed 1.0 the drawn demand is used as is, so no rounding enters the common case.
  const SimTime service = config_.speed == 1.0 ? r.work : SimTime::from_seconds(r.work.seconds() / config_.speed);
  r.service_event = sim_.schedule_in(service, handler_, 0, request);
}

void Server::free_core()
{
  if (!queue_.empty()) {
    const RequestId next = queue_.pop_front();
    queue_time_.set(sim_.now(), static_cast<int64_t>(queue_.size()));
    start_service(next);  // the core goes straight to the next request; the integral sees no gap
  } else {
    --busy_;
    busy_time_.set(sim_.now(), busy_);
  }
}

[[gnu::flatten]] void Server::handle(const engine::Event& event)
{
  if (event.kind() == kSharedEnd) {
    handle_shared();
    return;
  }
  const auto request = static_cast<RequestId>(event.arg);
  Request& r = requests_[request];
  r.in_service = false;
  if (r.timed_out) [[unlikely]]
    abandoned_s_ += r.work.seconds() / config_.speed;
  if (!r.holds_core) free_core();
  handling_ = true;
  station_.on_work_done(index_, request);
  handling_ = false;
  notify_if_drained();
}


bool Server::cancel(RequestId request)
{
  Request& r = requests_[request];
  if (!r.resident || r.server != index_) return false;
  const SimTime now = sim_.now();
  if (shared_) {
    if (!r.in_service) return false;
    abandoned_s_ += shared_->remove(request, r.work.seconds(), now) / config_.speed;
    r.in_service = false;
    busy_ = shared_->busy_cores();
    busy_time_.set(now, busy_);
    reschedule_shared();
  } else if (r.in_service) {
    sim_.cancel(r.service_event);
    const SimTime service = config_.speed == 1.0 ? r.work : SimTime::from_seconds(r.work.seconds() / config_.speed);
    abandoned_s_ += (now - (r.service_event.time - service)).seconds();
    r.in_service = false;
    free_core();
  } else if (queue_.erase(request)) {
    queue_time_.set(now, static_cast<int64_t>(queue_.size()));
  } else {
    return false;  // waiting for its calls
  }
  r.resident = r.holds_core = false;
  --resident_;
  ++cancelled_;
  if (!handling_) notify_if_drained();
  return true;
}

void Server::notify_if_drained()
{
  if (state_ == ServerState::draining && resident_ == 0) station_.on_drained(index_);
}

void Server::accrue_cost(SimTime now)
{
  if (is_billed(state_)) cost_ += config_.price_per_hour * (now - cost_since_).seconds() / 3600.0;
  cost_since_ = now;
}

double Server::cost(SimTime now) const
{
  return cost_ + (is_billed(state_) ? config_.price_per_hour * (now - cost_since_).seconds() / 3600.0 : 0.0);
}

void Server::set_state(ServerState state)
{
  accrue_cost(sim_.now());
  state_ = state;
  up_time_.set(sim_.now(), serving() ? 1 : 0);
}

std::vector<RequestId> Server::fail()
{
  if (shared_) return fail_shared();
  // In service first (in pool order), then the queue in order, then those waiting for their calls.
  // Residents carry flags; the pool is scanned because failures are rare and a list of residents
  // would cost every request a push and an erase.
  std::vector<RequestId> dropped, queued, waiting;
  while (!queue_.empty()) queued.push_back(queue_.pop_front());
  std::vector<RequestId> sorted_queue = queued;
  std::sort(sorted_queue.begin(), sorted_queue.end());
  const size_t outside_queue = resident_ - queued.size();
  for (RequestId id = 0; id < requests_.capacity() && dropped.size() + waiting.size() < outside_queue; ++id) {
    Request& r = requests_[id];
    if (!r.resident || r.server != index_) continue;
    if (r.in_service) {
      r.in_service = false;
      sim_.cancel(r.service_event);
      dropped.push_back(id);
    } else if (!std::binary_search(sorted_queue.begin(), sorted_queue.end(), id)) {
      waiting.push_back(id);
    }
  }
  dropped.insert(dropped.end(), queued.begin(), queued.end());
  dropped.insert(dropped.end(), waiting.begin(), waiting.end());
  forget_dropped(dropped);
  queue_time_.set(sim_.now(), 0);
  set_state(ServerState::failed);
  return dropped;
}

bool Server::drain()
{
  set_state(ServerState::draining);
  return resident_ == 0;
}

void Server::resize(int cores, double speed, double price_per_hour, const std::string& size)
{
  accrue_cost(sim_.now());
  config_.cores = cores;
  config_.speed = speed;
  config_.price_per_hour = price_per_hour;
  config_.size = size;
  if (shared_) {
    shared_->set_capacity(cores, speed, sim_.now());
    busy_ = shared_->busy_cores();
    busy_time_.set(sim_.now(), busy_);
    reschedule_shared();
  }
}

void Server::reset_measurement(SimTime now)
{
  busy_time_.reset(now);
  queue_time_.reset(now);
  up_time_.reset(now);
  completed_ = 0;
  rejected_ = 0;
  dropped_ = 0;
  turned_away_ = 0;
  cancelled_ = 0;
  abandoned_s_ = 0;
  cost_ = 0;
  cost_since_ = now;
}

double Server::utilization(SimTime now) const { return busy_time_.average(now) / config_.cores; }
double Server::mean_queue(SimTime now) const { return queue_time_.average(now); }

// After a failure: the dropped requests are no longer here, and nothing is busy.
void Server::forget_dropped(const std::vector<RequestId>& dropped)
{
  for (const RequestId id : dropped) {
    Request& r = requests_[id];
    r.resident = r.holds_core = false;
  }
  resident_ = 0;
  busy_ = 0;
  busy_time_.set(sim_.now(), 0);
  dropped_ += dropped.size();
}

}  // namespace lbsim::models
