// Server: `cores` parallel workers of relative `speed` in front of one FIFO queue.
//
// A request's service time is its work (demand at speed 1.0) divided by speed. When every core is
// busy the request waits; when `queue_limit` requests already wait, a new one is refused (503).
#pragma once

#include "engine/event_handler.hpp"
#include "engine/simulation.hpp"
#include "engine/time_weighted_count.hpp"
#include "models/fifo_queue.hpp"
#include "models/request.hpp"
#include "models/system_config.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace lbsim::models {

// Told when a server finishes a request (the balancer and the metrics listen through the system).
class ServerListener {
public:
  virtual ~ServerListener() = default;
  virtual void on_service_complete(uint32_t server, RequestId request) = 0;
};

enum class ServerState { up, failed };
const char* to_string(ServerState state);

class Server final : public engine::EventHandler {
public:
  Server(uint32_t index, const ServerConfig& config, engine::Simulation& sim, RequestPool& requests,
         ServerListener& listener);

  // Returns false (the request is refused with 503) when the queue is full.
  bool accept(RequestId request);
  void handle(const engine::Event& event) override;  // a service completion

  const ServerConfig& config() const { return config_; }
  const std::string& name() const { return config_.name; }
  ServerState state() const { return state_; }
  uint32_t busy_cores() const { return busy_; }
  size_t queue_length() const { return queue_.size(); }

  // Measurement: busy-core time and queue length integrated since the last reset.
  void reset_measurement(SimTime now);
  double utilization(SimTime now) const;  // mean busy cores / cores
  double mean_queue(SimTime now) const;
  double busy_core_seconds(SimTime now) const { return busy_time_.integral(now); }
  double queue_integral(SimTime now) const { return queue_time_.integral(now); }
  uint64_t completed() const { return completed_; }
  uint64_t rejected() const { return rejected_; }

private:
  void start_service(RequestId request);

  uint32_t index_;
  ServerConfig config_;
  engine::Simulation& sim_;
  RequestPool& requests_;
  ServerListener& listener_;
  engine::HandlerId handler_;
  ServerState state_ = ServerState::up;
  uint32_t busy_ = 0;
  FifoQueue<RequestId> queue_;
  engine::TimeWeightedCount busy_time_;
  engine::TimeWeightedCount queue_time_;
  uint64_t completed_ = 0;
  uint64_t rejected_ = 0;
};

}  // namespace lbsim::models
