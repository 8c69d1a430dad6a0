#include "models/server.hpp"

namespace lbsim::models {

const char* to_string(ServerState state)
{
  switch (state) {
    case ServerState::up: return "up";
    case ServerState::failed: return "failed";
  }
  return "?";
}

Server::Server(uint32_t index, const ServerConfig& config, engine::Simulation& sim, RequestPool& requests,
               ServerListener& listener)
    : index_(index), config_(config), sim_(sim), requests_(requests), listener_(listener),
      handler_(sim.add_handler(*this)), busy_time_(sim.now(), 0), queue_time_(sim.now(), 0)
{
}

bool Server::accept(RequestId request)
{
  if (busy_ < static_cast<uint32_t>(config_.cores)) {
    start_service(request);
    return true;
  }
  if (config_.queue_limit && queue_.size() >= *config_.queue_limit) {
    ++rejected_;
    return false;
  }
  queue_.push_back(request);
  queue_time_.set(sim_.now(), static_cast<int64_t>(queue_.size()));
  return true;
}

void Server::start_service(RequestId request)
{
  Request& r = requests_[request];
  r.server = index_;
  r.service_start = sim_.now();
  ++busy_;
  busy_time_.set(sim_.now(), busy_);
  // At speed 1.0 the drawn demand is used as is, so no rounding enters the common case.
  const SimTime service = config_.speed == 1.0 ? r.work : SimTime::from_seconds(r.work.seconds() / config_.speed);
  sim_.schedule_in(service, handler_, 0, request);
}

void Server::handle(const engine::Event& event)
{
  const auto request = static_cast<RequestId>(event.arg);
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
}

void Server::reset_measurement(SimTime now)
{
  busy_time_.reset(now);
  queue_time_.reset(now);
  completed_ = 0;
  rejected_ = 0;
}

double Server::utilization(SimTime now) const { return busy_time_.average(now) / config_.cores; }
double Server::mean_queue(SimTime now) const { return queue_time_.average(now); }

}  // namespace lbsim::models
