// System: one runnable model built from a SystemConfig, as a small graph of parts on one
// Simulation: client groups send requests to services (each a balancer in front of servers that
// may call other services), a Router moves them from station to station over a Transport (direct,
// or the network), the ClientEnd is where they end, the Lifecycle changes the fleet, and the
// MetricsRecorder measures. The System builds the parts, wires them, and runs them to the
// configured stop; it decides no request's next hop. docs/architecture.md draws the picture.
#pragma once

#include "engine/fingerprint.hpp"
#include "engine/simulation.hpp"
#include "models/clients/client_attempts.hpp"
#include "models/clients/client_end.hpp"
#include "models/clients/client_group.hpp"
#include "models/clients/preflight_cache.hpp"
#include "models/gateway/gateway.hpp"
#include "models/metrics/lifecycle_event.hpp"
#include "models/metrics/metrics.hpp"
#include "models/metrics/run_summary.hpp"
#include "models/network/transfers.hpp"
#include "models/requests/hop_observer.hpp"
#include "models/requests/request.hpp"
#include "models/requests/router.hpp"
#include "models/requests/run_context.hpp"
#include "models/services/lifecycle.hpp"
#include "models/services/service.hpp"
#include "models/system_config.hpp"

#include <memory>
#include <string>
#include <vector>

namespace lbsim::models {

class BalancerRegistry;

class System final : private RequestSink, private HopObserver, private RunControl, private WarmupListener,
                     private AttemptSender, private MoveListener {
public:
  System(SystemConfig config, const BalancerRegistry& balancers);
  ~System() override;
  System(const System&) = delete;
  System& operator=(const System&) = delete;

  void set_time_series_sink(TimeSeriesSink* sink) { metrics_.set_sink(sink); }
  // An observer that wants_stages() also hears of every move between hops (the GUI's animation).
  void set_hop_observer(HopObserver* observer)
  {
    hop_observer_ = observer;
    run_.report_hops = hop_observer_ || stop_after_hops_;
    run_.router.set_move_listener(observer && observer->wants_stages() ? this : nullptr);
  }
  void add_observer(engine::SimObserver& observer) { sim_.add_observer(observer); }

  // Runs to the configured stop (duration after warm-up, or stop.requests completions).
  RunSummary run();
  // Runs until `hops` hops have been reported (the teaching trace and the step view), or until the
  // run is over (run_over()); returns whether the hops were reached. Called again past the end, it
  // returns false at once.
  bool run_until_hops(uint64_t hops);
  // Runs every event up to simulated time `until` (clamped to the configured end), so that an
  // observer sees everything that happens by then (the GUI's animation); returns run_over().
  bool run_until_time(SimTime until);
  // Nothing more can happen in this run: its duration is reached, stop.requests completed, or every
  // client group is scripted and done with nothing in flight.
  bool run_over() const;

  const SystemConfig& config() const { return config_; }
  const std::vector<std::unique_ptr<Server>>& servers() const { return run_.servers; }
  const std::vector<std::unique_ptr<Service>>& services() const { return services_; }
  const engine::Simulation& simulation() const { return sim_; }
  const Gateway* gateway() const { return gateway_.get(); }  // null without a gateway
  // The gateway's access log (lbsim run --access-log); set before run().
  void set_access_log(AccessLogSink* sink)
  {
    if (gateway_) gateway_->set_access_log(sink);
  }
  const Transfers* network() const { return network_.get(); }  // null without a network
  uint32_t client_address(const Request& r) const { return run_.client_address(r); }
  const RequestShape& shape(const Request& r) const { return run_.shape(r); }
  // The request `id` is the parent of calls; null when it is a client's request.
  const Request* parent(const Request& r) const
  {
    return r.parent == kNoRequest ? nullptr : &run_.requests[r.parent];
  }
  // Scaling actions, failures, recoveries and health transitions so far (events.csv).
  const std::vector<LifecycleEvent>& lifecycle_events() const { return lifecycle_.events(); }

private:
  void on_request_sent(RequestId id) override;
  void send_attempt(RequestId id) override;
  void dispatch(RequestId id, Request& r, SimTime now);
  void on_hop(const Hop& hop) override;
  void on_move(const Request& r, StageKind kind, const Frame& from, const Frame& to) override;
  Place place_of(const Frame& frame) const;
  void on_request_done(bool completed) override;
  void on_call_done() override;
  void on_warmup_end() override;
  GatewayShapes build_shapes();
  void build_network();
  void start();
  void stop_if_finished();
  bool traffic_done() const;  // every group scripted and done, nothing in flight
  RunSummary summarize(double wall_seconds) const;

  SystemConfig config_;
  engine::Simulation sim_;
  engine::FingerprintObserver fingerprint_;
  RunContext run_;  // the requests and the router, and what the parts share
  MetricsRecorder metrics_;  // handler 0
  Lifecycle lifecycle_;      // handler 1; the servers, clients, network and front ends come after
  std::vector<std::unique_ptr<Service>> services_;
  std::vector<std::unique_ptr<ClientGroup>> clients_;
  ClientEnd client_end_;
  std::unique_ptr<ClientAttempts> attempts_;  // with client timeouts or retries only
  std::unique_ptr<Gateway> gateway_;  // clients send to it when the scenario has one
  std::unique_ptr<PreflightCache> preflights_;
  std::vector<NodeId> region_nodes_;  // per client group
  std::unique_ptr<Transport> direct_;
  std::unique_ptr<Transfers> network_;
  HopObserver* hop_observer_ = nullptr;
  uint64_t hops_ = 0;
  uint64_t stop_after_hops_ = 0;  // 0 = no limit
  bool started_ = false;
  bool stopped_early_ = false;
};

}  // namespace lbsim::models
