// System: one runnable model built from a SystemConfig: clients, the balancer, servers, metrics,
// and the network when there is one, all on one Simulation. run() drives it to the configured stop
// and returns the run's summary.
#pragma once

#include "engine/fingerprint.hpp"
#include "engine/simulation.hpp"
#include "engine/rng.hpp"
#include "models/balancers/balancer_frontend.hpp"
#include "models/clients/client_group.hpp"
#include "models/balancers/connections.hpp"
#include "models/balancers/health_counter.hpp"
#include "models/balancers/passive_detector.hpp"
#include "models/metrics/lifecycle_event.hpp"
#include "models/balancers/load_balancer.hpp"
#include "models/metrics/metrics.hpp"
#include "models/requests/request.hpp"
#include "models/metrics/run_summary.hpp"
#include "models/scaling/autoscaler.hpp"
#include "models/services/server.hpp"
#include "models/system_config.hpp"
#include "models/network/transfers.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lbsim::models {

class BalancerRegistry;

// Told where each request went, in arrival order: the teaching trace and the GUI's step view.
class DispatchObserver {
public:
  virtual ~DispatchObserver() = default;
  // server is kNoServer when the balancer had no eligible server; accepted is false on a 503.
  // Without a network this is when the request is sent; with one, when it reaches its server (or
  // the balancer finds none), so requests of different regions may come in another order.
  virtual void on_dispatch(const Request& request, uint32_t server, bool accepted) = 0;
  // The balancer itself refused the request (max_connections and its backlog were full).
  virtual void on_balancer_refused(const Request& request) { on_dispatch(request, kNoServer, false); }
};

class System final : private RequestSink,
                     private ServerListener,
                     private TransferListener,
                     private FrontendListener,
                     private engine::EventHandler {
public:
  System(SystemConfig config, const BalancerRegistry& balancers);
  ~System() override;

  void set_time_series_sink(TimeSeriesSink* sink) { metrics_.set_sink(sink); }
  void set_dispatch_observer(DispatchObserver* observer) { dispatch_observer_ = observer; }
  void add_observer(engine::SimObserver& observer) { sim_.add_observer(observer); }

  // Runs to the configured stop (duration after warm-up, or stop.requests completions).
  RunSummary run();
  // Runs until `requests` requests have been dispatched (the teaching trace): sent, and with a
  // network arrived at their server.
  void run_until_sent(uint64_t requests);

  const SystemConfig& config() const { return config_; }
  const std::vector<std::unique_ptr<Server>>& servers() const { return servers_; }
  const engine::Simulation& simulation() const { return sim_; }
  const Transfers* network() const { return network_.get(); }  // null without a network
  const LoadBalancer* balancer() const { return balancer_ ? &*balancer_ : nullptr; }  // null without one
  uint32_t client_address(const Request& r) const { return config_.clients[r.client_group].addresses[r.client]; }
  // Scaling actions, failures, recoveries and health transitions so far (events.csv).
  const std::vector<LifecycleEvent>& lifecycle_events() const { return events_; }

private:
  void on_request_sent(RequestId id) override;
  void on_service_complete(uint32_t server, RequestId id) override;
  void on_drained(uint32_t server) override;
  void on_transfer_done(RequestId id) override;
  void send_via_network(RequestId id);
  void dispatch_via_network(RequestId id);
  void forward_via_network(RequestId id, ServerChoice choice);
  void arrive_at_server(RequestId id);
  void respond_via_network(RequestId id);
  void report_dispatch(const Request& r, uint32_t server, bool accepted);
  void dispatch_direct(RequestId id);
  void refuse_at_balancer(RequestId id);  // without a network: pick, and hand to the server
  // The balancer's layer 4, front end and connections (system_frontend.cpp).
  void build_balancer_frontend();
  void begin_measuring();
  bool frontend_needs_processing(const Request& r) const;
  ServerChoice pick_server(const Request& r);
  void on_frontend_admitted(RequestId id) override;
  void on_frontend_refused(RequestId id) override;
  std::optional<BalancerSummary> balancer_summary(SimTime now) const;
  void handle(const engine::Event& event) override;  // warm-up end and the lifecycle (kinds below)
  void count_completion_for_autoscaler(uint32_t server, const Request& r);

  // The lifecycle (system_lifecycle.cpp).
  struct Life {
    HealthCounter health;
    PassiveDetector passive;
    engine::EventHandle pending;  // provisioning or restart end, or the next random failure/repair
    std::optional<TimelineAction> resize;  // waiting for the server to drain
    std::unique_ptr<engine::RngStream> failures;  // random failures, when configured
    bool autoscaled = false;  // a member of the autoscaled group
    bool removed = false;     // scale-in chose it: it never comes back
    double busy_seen = 0, up_seen = 0, queue_seen = 0;  // autoscaler: values at its last tick
    uint64_t completed_seen = 0;
  };
  void start_lifecycle();
  void on_lifecycle_event(const engine::Event& event);
  void apply(const TimelineAction& action);
  uint32_t add_server(const std::string& group, SimTime delay);
  void remove_servers(const std::string& group, int count);
  void fail_server(uint32_t server, const std::string& cause);
  void recover_server(uint32_t server, const std::string& cause);
  void resize_server(uint32_t server, const TimelineAction& action);
  void set_server_state(uint32_t server, ServerState state);
  void update_eligibility(uint32_t server);
  void health_result(uint32_t server, bool success);
  void autoscale();
  void log(std::string kind, const std::string& server, std::string detail = {});
  // A request its server failed (dropped, or the server was down): retried or counted failed.
  void fail_request(RequestId id, uint32_t server);
  void passive_failure(uint32_t server);
  void retry_or_fail(RequestId id, uint32_t failed_server);
  std::optional<uint32_t> find_server(const std::string& name) const;
  bool passive_enabled() const;
  void start();
  void stop_if_finished();
  RunSummary summarize(double wall_seconds) const;

  SystemConfig config_;
  engine::Simulation sim_;
  engine::FingerprintObserver fingerprint_;
  RequestPool requests_;
  std::vector<std::unique_ptr<Server>> servers_;
  std::vector<std::unique_ptr<ClientGroup>> clients_;
  std::optional<LoadBalancer> balancer_;
  MetricsRecorder metrics_;
  std::unique_ptr<Transfers> network_;  // built last, only with a network
  std::unique_ptr<ConnectionTable> connections_;  // layer 4 only
  std::unique_ptr<BalancerFrontend> frontend_;    // built after the network, only when needed
  DispatchObserver* dispatch_observer_ = nullptr;
  engine::HandlerId handler_;
  uint64_t sent_ = 0;
  uint64_t stop_after_sent_ = 0;  // 0 = no limit
  uint64_t dispatched_ = 0;       // with a network: requests that reached their server or were refused
  bool started_ = false;
  bool stopped_early_ = false;

  std::vector<Life> life_;
  std::vector<std::string> server_names_;
  std::map<std::string, int> group_numbers_;  // highest number used in each group's names
  std::map<std::string, ServerConfig> group_templates_;
  std::optional<Autoscaler> autoscaler_;
  engine::LatencyHistogram autoscaler_latency_;  // latency_p99: this period's responses from the group
  engine::RngStream lifecycle_rng_;  // provisioning delays
  std::vector<LifecycleEvent> events_;
  engine::TimeWeightedCount no_capacity_;  // 1 while no server is up
  uint64_t retried_ = 0;
};

}  // namespace lbsim::models
