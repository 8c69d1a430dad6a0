// Service: the unit requests are sent to, as Envoy's cluster is: a pool of servers (server_pool.hpp)
// behind the service's own balancer (with its health view, passive and outlier detection and
// circuit breaker, models/balancers/load_balancer.hpp), the endpoints it answers
// (server_station.hpp), and the autoscaler of its group when the scenario has one
// (docs/services.md, docs/scaling.md). Its front door is the balancer, or, for a lone server
// written without one, the server itself.
#pragma once

#include "models/balancers/algorithms/registry.hpp"
#include "models/balancers/load_balancer.hpp"
#include "engine/latency_histogram.hpp"
#include "models/metrics/service_stats.hpp"
#include "models/scaling/autoscaler.hpp"
#include "models/requests/run_context.hpp"
#include "models/services/server.hpp"
#include "models/services/server_pool.hpp"
#include "models/services/server_station.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lbsim::models {

class Service {
public:
  // The servers must already be in run.servers (a server's service and member say where it is).
  Service(uint32_t index, const ServiceConfig& config, RunContext& run, const BalancerRegistry& balancers,
          HealthListener& health, DrainListener& drains);
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // Sends request `id` (its sender's frame on top) to the front door, carrying `bytes`.
  void send(RequestId id, Request& r, double bytes)
  {
    const auto leg = [&] { return Router::Leg{entry_node_, bytes}; };
    if (balancer_) run_.router.forward(id, r, *balancer_, 0, run_.sim.now(), leg);
    else run_.router.forward(id, r, station_, pool_.server(0), run_.sim.now(), leg);
  }

  uint32_t index() const { return index_; }
  const ServiceConfig& config() const { return config_; }
  const std::string& name() const { return config_.name; }
  LoadBalancer* balancer() { return balancer_.get(); }
  const LoadBalancer* balancer() const { return balancer_.get(); }
  ServerStation& station() { return station_; }
  ServerPool& pool() { return pool_; }
  // Pool member -> server (an index into run.servers); members are never removed.
  const std::vector<uint32_t>& members() const { return pool_.members(); }

  // The autoscaler of the group `autoscaling` names, when it is one of this service's.
  bool autoscaled() const { return autoscaler_.has_value(); }
  const AutoscalingConfig& autoscaling() const { return autoscaler_->config(); }
  struct AutoscaleStep {
    int current = 0, desired = 0;  // servers of the group up or provisioning; what they should be
    std::optional<double> metric;  // the metric over the autoscaler's window, if it has one
  };
  // Measures the group since the last step and decides (models/scaling/autoscaler.hpp).
  AutoscaleStep autoscale(SimTime now);
  // A response from `server` reached whoever sent the request, `latency` after (latency_p99).
  void count_response(uint32_t server, SimTime latency);
  // Warm-up is over: the autoscaler measures from now.
  void reset_autoscaler();
  // False when the service's figures would repeat the run's own: its only service, without
  // endpoints or a network, sees every client request at the instant the client sends it and
  // answers at the instant the client gets the answer. The summary reads the run's figures then.
  bool keeps_stats() const { return keeps_stats_; }
  void set_keeps_stats(bool keeps) { keeps_stats_ = keeps; }
  ServiceStats& stats() { return stats_; }
  const ServiceStats& stats() const { return stats_; }
  NodeId node() const { return entry_node_; }
  void set_node(NodeId node) { entry_node_ = node; }
  // Time with no server of the service up, since the end of warm-up.
  engine::TimeWeightedCount& no_capacity() { return no_capacity_; }
  const engine::TimeWeightedCount& no_capacity() const { return no_capacity_; }

private:
  struct Seen {  // a group member's counters at the autoscaler's last step
    double busy = 0, up = 0, queue = 0;
    uint64_t completed = 0;
  };
  uint32_t index_;
  const ServiceConfig& config_;
  RunContext& run_;
  ServerPool pool_;
  std::optional<Autoscaler> autoscaler_;
  std::vector<Seen> seen_;                 // per member
  engine::LatencyHistogram autoscaler_latency_;  // latency_p99: this period's responses from the group
  ServiceStats stats_;
  ServerStation station_;
  std::unique_ptr<LoadBalancer> balancer_;
  NodeId entry_node_ = 0;
  bool keeps_stats_ = true;
  engine::TimeWeightedCount no_capacity_;
};

}  // namespace lbsim::models
