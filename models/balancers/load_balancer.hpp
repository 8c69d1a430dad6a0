// LoadBalancer: a service's balancer as a station (docs/model.md, "The balancer"). A request that
// reaches it passes its front end (processing and max_connections, balancer_frontend.hpp), is
// given a server by the algorithm (or rides its layer-4 connection, connections.hpp) and is sent
// on; the reply comes back through it. It keeps the balancer's own view of its servers: active
// requests, what its health checks say (health_counter.hpp) and what passive detection has seen
// (passive_detector.hpp), and it retries a request whose server failed it on another server.
#pragma once

#include "models/balancers/backend_queue.hpp"
#include "models/balancers/balancer_frontend.hpp"
#include "models/balancers/algorithms/registry.hpp"
#include "models/balancers/balancer_pool.hpp"
#include "models/balancers/circuit_breaker.hpp"
#include "models/balancers/connections.hpp"
#include "models/balancers/health_counter.hpp"
#include "models/balancers/max_conns.hpp"
#include "models/balancers/outlier_detector.hpp"
#include "models/balancers/passive_detector.hpp"
#include "models/balancers/slow_start.hpp"
#include "models/requests/run_context.hpp"
#include "models/requests/station.hpp"

#include <memory>
#include <optional>
#include <vector>

namespace lbsim::models {

class Service;

// Told when passive detection takes a server out of rotation (the lifecycle logs it and brings
// the server back after fail_timeout).
class HealthListener {
public:
  virtual ~HealthListener() = default;
  virtual void on_passive_down(uint32_t server, const PassiveConfig& passive) = 0;
  // Outlier detection ejected the server for `length`, its `times`-th ejection.
  virtual void on_ejected(uint32_t server, SimTime length, int times) = 0;
};

class LoadBalancer final : public Station, private FrontendListener, private QueueListener, private SlowStartListener {
public:
  LoadBalancer(Service& service, const BalancerConfig& config, const BalancerRegistry& algorithms, RunContext& run,
               HealthListener& health);
  LoadBalancer(const LoadBalancer&) = delete;
  LoadBalancer& operator=(const LoadBalancer&) = delete;

  // Its handler comes after every other one, so that a run without a front end keeps the handler
  // numbers (and fingerprint) it had before front ends existed: the System builds it last.
  void build_frontend();

  void on_request(RequestId id, Request& r) override;
  void on_reply(RequestId id, Request& r) override;

  // The balancer's view of member `m`: in rotation when the operator keeps it there (`running`:
  // up, or failed without anyone knowing; not disabled), its health checks say up and passive
  // detection has not marked it down. Called after any of these changes.
  void refresh(uint32_t member);
  // An active check's result; true when it flips what the checks say.
  bool record_health(uint32_t member, bool success);
  // fail_timeout is over: passive detection lets the member back.
  void clear_passive(uint32_t member);
  // A server joins the pool (out of rotation until refresh()); `names` are every member's.
  void add_member(const ServerConfig& server, std::span<const std::string> names, bool checked);
  // Takes the member out of rotation or back (`state: down`, the timeline's disable and enable,
  // HAProxy's maintenance mode); false when it already was.
  bool set_disabled(uint32_t member, bool disabled);
  // Outlier detection's sweep (models/balancers/outlier_detector.hpp): ejections that are over
  // end; returns the servers back in rotation.
  std::vector<uint32_t> sweep_outliers(SimTime now);
  const OutlierDetector* outliers() const { return outliers_.get(); }
  const CircuitBreaker* breaker() const { return breaker_.get(); }

  const BalancerConfig& config() const { return config_; }
  const BalancerPool& pool() const { return pool_; }
  uint64_t retried() const { return retried_; }
  const BalancerFrontend* frontend() const { return frontend_.get(); }
  const ConnectionTable* connections() const { return connections_.get(); }
  // The backend queue of max_conns (null until a request first waited) and the requests refused
  // at once because every eligible server was full (`queue: false`).
  const BackendQueue* queue() const { return queue_.get(); }
  bool has_max_conns() const { return max_conns_.any(); }
  uint64_t refused_full() const { return refused_full_; }
  void reset_measurement(SimTime now);

private:
  void admitted(RequestId id, Request& r);  // past the circuit breaker
  void on_frontend_admitted(RequestId id) override;
  void on_frontend_refused(RequestId id) override;
  ServerChoice pick(const Request& r);
  void forward(RequestId id, Request& r, ServerChoice choice);
  void retry_or_fail(RequestId id, uint32_t failed_member);
  void passive_failure(uint32_t member);
  bool passive_enabled() const;
  // The reply leaves the service through its front door.
  void answer(RequestId id, Request& r, bool with_body);
  void release_breaker();
  // max_conns: the member's slots after its active count changed; a full member is out of
  // rotation, and one that frees a slot takes the oldest queued request.
  void track_slots(uint32_t member);
  void serve_queue(uint32_t member);
  void wait_or_refuse(RequestId id, Request& r);
  void on_queue_timeout(RequestId id) override;
  void refuse(RequestId id, Request& r, HopOutcome outcome);
  void on_ramp_weight(uint32_t member, int weight) override;
  // worker_processes: the worker that handles `r`, drawn uniformly per request from its sequence
  // number (so the reply finds it again without storing it), as SO_REUSEPORT's hash of each
  // connection's addresses and ports spreads connections over nginx's workers.
  uint32_t worker_of(const Request& r) const
  {
    const uint32_t workers = pool_.worker_count();
    if (workers == 1) return 0;
    uint64_t state = worker_seed_ ^ r.sequence;
    return static_cast<uint32_t>(((engine::splitmix64(state) >> 32) * workers) >> 32);  // workers <= 1024
  }

  Service& service_;
  BalancerConfig config_;
  RunContext& run_;
  HealthListener& health_listener_;
  BalancerPool pool_;
  std::unique_ptr<BalancerFrontend> frontend_;    // only with processing or max_connections
  std::unique_ptr<ConnectionTable> connections_;  // layer 4 only
  std::vector<HealthCounter> health_;
  std::vector<PassiveDetector> passive_;
  std::vector<bool> disabled_;  // by configuration (`state: down`) or the timeline
  MaxConns max_conns_;
  bool serving_queue_ = false;
  std::unique_ptr<BackendQueue> queue_;  // built when a request first waits
  uint64_t refused_full_ = 0;
  std::unique_ptr<SlowStart> slow_start_;  // only with a slow_start server
  std::unique_ptr<CircuitBreaker> breaker_;    // only with a circuit_breaker
  std::unique_ptr<OutlierDetector> outliers_;  // only with outlier_detection
  uint64_t retried_ = 0;
  uint64_t worker_seed_;
};

}  // namespace lbsim::models
