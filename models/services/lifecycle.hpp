// Lifecycle: what happens to the servers of every service over a run (docs/model.md, "Server
// states"; docs/scaling.md): the timeline, random failures and repairs, provisioning, draining,
// resizing, active health checks, passive detection's timeouts and the autoscaler; and the end of
// warm-up, the first scheduled change of the run. None of it schedules an event unless the
// scenario uses it, so scenarios without these features keep their trajectories (and golden
// fingerprints).
#pragma once

#include "engine/event_handler.hpp"
#include "engine/latency_histogram.hpp"
#include "engine/rng.hpp"
#include "engine/time_weighted_count.hpp"
#include "models/balancers/load_balancer.hpp"
#include "models/clients/client_group.hpp"
#include "models/metrics/lifecycle_event.hpp"
#include "models/requests/run_context.hpp"
#include "models/scaling/autoscaler.hpp"
#include "models/services/server_station.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lbsim::models {

// Told when warm-up ends (the System starts measuring).
class WarmupListener {
public:
  virtual ~WarmupListener() = default;
  virtual void on_warmup_end() = 0;
};

class Lifecycle final : public engine::EventHandler, public HealthListener, public DrainListener {
public:
  // Registers its handler: build it right after the metrics, so handler numbers stay as they were.
  Lifecycle(RunContext& run, WarmupListener& warmup);

  // Where new servers' requests go and how the network learns of them; the clients whose rate the
  // timeline steps.
  void set_parts(std::vector<std::unique_ptr<ClientGroup>>* clients, Transport* transport)
  {
    clients_ = clients;
    transport_ = transport;
  }
  // Per server already in run.servers (call once they are all there).
  void add_initial_servers();
  void schedule_warmup_end(SimTime at);
  void start();  // schedules the timeline, random failures, health checks and the autoscaler
  void handle(const engine::Event& event) override;

  // HealthListener and DrainListener.
  void on_passive_down(uint32_t server, const PassiveConfig& passive) override;
  void on_ejected(uint32_t server, SimTime length, int times) override;
  void on_drained(uint32_t server) override;
  // A response from `server` reached whoever asked, `latency` after they sent it (latency_p99).
  void count_response(uint32_t server, SimTime latency);
  // Warm-up is over: the autoscaler's counters start from now.
  void reset_measurement(SimTime now);

  const std::vector<LifecycleEvent>& events() const { return events_; }
  // Time with some service having no server up, since the last reset.
  const engine::TimeWeightedCount& no_capacity() const { return no_capacity_; }
  bool has_autoscaler() const { return autoscaled_ != nullptr; }

private:
  struct Life {
    engine::EventHandle pending;  // provisioning or restart end, or the next random failure/repair
    std::optional<TimelineAction> resize;  // waiting for the server to drain
    std::unique_ptr<engine::RngStream> failures;  // random failures, when configured
    bool removed = false;     // scale-in chose it: it never comes back
  };
  void on_lifecycle_event(const engine::Event& event);
  void apply(const TimelineAction& action);
  uint32_t add_server(const std::string& group, SimTime delay);
  void remove_servers(const std::string& group, int count);
  void fail_server(uint32_t server, const std::string& cause);
  void recover_server(uint32_t server, const std::string& cause);
  void resize_server(uint32_t server, const TimelineAction& action);
  void set_server_state(uint32_t server, ServerState state);
  void refresh(uint32_t server);
  void health_result(uint32_t server, bool success);
  void autoscale();
  void log(std::string kind, const std::string& server, std::string detail = {});
  std::optional<uint32_t> find_server(const std::string& name) const;
  LoadBalancer* balancer_of(uint32_t server) const;
  const HealthCheckConfig* health_check_of(uint32_t server) const;

  RunContext& run_;
  WarmupListener& warmup_;
  engine::HandlerId handler_;
  std::vector<std::unique_ptr<ClientGroup>>* clients_ = nullptr;
  Transport* transport_ = nullptr;
  std::vector<Life> life_;
  std::map<std::string, uint32_t> service_of_group_;
  Service* autoscaled_ = nullptr;  // the service whose group `autoscaling` names
  engine::RngStream rng_;  // provisioning delays
  std::vector<LifecycleEvent> events_;
  engine::TimeWeightedCount no_capacity_;  // 1 while some service has no server up
};

}  // namespace lbsim::models
