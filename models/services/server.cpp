#include "models/services/server.hpp"

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
               ServerListener& listener, ServerState initial)
    : index_(index), config_(config), sim_(sim), requests_(requests), listener_(listener),
      handler_(sim.add_handler(*this)), state_(initial), busy_time_(sim.now(), 0), queue_time_(sim.now(), 0),
      up_time_(sim.now(), initial == ServerState::up || initial == ServerState::draining ? 1 : 0),
      cost_since_(sim.now())
{
}

Admission Server::admit(RequestId request, bool in_transit)
{
  if (state_ != ServerState::up && !(in_transit && state_ == ServerState::draining)) {
    ++turned_away_;
    return Admission::unavailable;
  }
  if (busy_ < static_cast<uint32_t>(config_.cores)) {
    start_service(request);
    return Admission::accepted;
  }
  if (config_.queue_limit && queue_.size() >= *config_.queue_limit) {
    ++rejected_;
    return Admission::queue_full;
  }
  queue_.push_back(request);
  queue_time_.set(sim_.now(), static_cast<int64_t>(queue_.size()));
  return Admission::accepted;
}

void Server::start_service(RequestId request)
{
  Request& r = requests_[request];
  r.server = index_;
  r.in_service = true;
  ++busy_;
  busy_time_.set(sim_.now(), busy_);
  // At speed 1.0 the drawn demand is used as is, so no rounding enters the common case.
  const SimTime service = config_.speed == 1.0 ? r.work : SimTime::from_seconds(r.work.seconds() / config_.speed);
  r.service_event = sim_.schedule_in(service, handler_, 0, request);
}

void Server::handle(const engine::Event& event)
{
  const auto request = static_cast<RequestId>(event.arg);
  requests_[request].in_service = false;
  --busy_;
  ++completed_;
  if (!queue_.empty()) {
    const RequestId next = queue_.pop_front();
    queue_time_.set(sim_.now(), static_cast<int64_t>(queue_.size()));
    start_service(next);  // busy_ goes back up; the integral sees no gap
  } else {
    busy_time_.set(sim_.now(), busy_);
  }
  listener_.on_service_complete(index_, request);
  if (state_ == ServerState::draining && busy_ == 0 && queue_.empty()) listener_.on_drained(index_);
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
  std::vector<RequestId> dropped;
  // Requests in service carry the flag; the pool is scanned because failures are rare and a list of
  // them would cost every request a push and an erase.
  for (RequestId id = 0; id < requests_.capacity() && dropped.size() < busy_; ++id) {
    Request& r = requests_[id];
    if (!r.in_service || r.server != index_) continue;
    r.in_service = false;
    sim_.cancel(r.service_event);
    dropped.push_back(id);
  }
  while (!queue_.empty()) dropped.push_back(queue_.pop_front());
  busy_ = 0;
  busy_time_.set(sim_.now(), 0);
  queue_time_.set(sim_.now(), 0);
  dropped_ += dropped.size();
  set_state(ServerState::failed);
  return dropped;
}

bool Server::drain()
{
  set_state(ServerState::draining);
  return busy_ == 0 && queue_.empty();
}

void Server::resize(int cores, double speed, double price_per_hour, const std::string& size)
{
  accrue_cost(sim_.now());
  config_.cores = cores;
  config_.speed = speed;
  config_.price_per_hour = price_per_hour;
  config_.size = size;
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
  cost_ = 0;
  cost_since_ = now;
}

double Server::utilization(SimTime now) const { return busy_time_.average(now) / config_.cores; }
double Server::mean_queue(SimTime now) const { return queue_time_.average(now); }

}  // namespace lbsim::models
