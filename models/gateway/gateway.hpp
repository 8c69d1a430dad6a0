// Gateway: the API gateway as a station (docs/gateway.md; the contract's "A request's life at the
// gateway"). A client's request that reaches it is admitted and processed by its front end (as a
// balancer's: max_connections, backlog, `processing` on `workers`), matched to its route (first in
// file order; none: 404 NR), passed through the pipeline's stages (cors, auth, rate_limit, cache,
// in the configured order), and sent upstream: to the route's service as a request of the gateway's
// own (a "try"), with the route's timeout, per-try timeout, retries with jittered backoff and a
// retry budget, or to several services at once (`aggregate`). The client's request waits at the
// gateway meanwhile, so the gateway can answer it on its own terms (a timeout, a partial merge)
// while a try is still out; a late answer finds the visit over and is dropped.
//
// Each replica (`instances`) has its own front end and its own instance-scoped state (limiters,
// caches); a client reaches the replica its address hashes to, as keep-alive connections behind an
// L4 balancer do.
#pragma once

#include "engine/event_handler.hpp"
#include "engine/latency_histogram.hpp"
#include "engine/rng.hpp"
#include "models/balancers/balancer_frontend.hpp"
#include "models/gateway/access_log.hpp"
#include "models/gateway/gateway_stage.hpp"
#include "models/gateway/route_stats.hpp"
#include "models/metrics/metrics.hpp"
#include "models/metrics/run_summary.hpp"
#include "models/requests/run_context.hpp"
#include "models/requests/station.hpp"

#include <deque>
#include <memory>
#include <optional>
#include <vector>

namespace lbsim::models {

// Where the gateway's own requests find their shapes in the run's table (RunContext::shapes).
struct GatewayShapes {
  uint32_t upstream_base = 0;             // + a client request's shape: its try's shape
  std::vector<uint32_t> first_branch;     // per route: its aggregate's first backend's shape
  uint32_t auth = UINT32_MAX;             // the introspection call
  std::vector<uint32_t> store;            // per rate limit: its store call (UINT32_MAX: none)
};

class Gateway final : public Station, public engine::EventHandler, public GatewayIntervals, private GatewayApi {
public:
  Gateway(const GatewayConfig& config, RunContext& run, GatewayShapes shapes);
  ~Gateway() override;
  Gateway(const Gateway&) = delete;
  Gateway& operator=(const Gateway&) = delete;

  // Its handler and its front ends' come after every other part's, as balancers' front ends do.
  void build();

  // Station: a client's request (or its browser's preflight) arrives; one of the gateway's own
  // requests (a try, a branch, a stage's call) comes back.
  void on_request(RequestId id, Request& r) override;
  void on_reply(RequestId id, Request& r) override;
  void handle(const engine::Event& event) override;

  // The answer reached the client (the route's figures count what the client saw).
  void on_client_received(RequestId id, const Request& r);

  const GatewayConfig& config() const { return config_; }
  NodeId node() const { return node_; }
  void set_node(NodeId node) { node_ = node; }
  void set_access_log(AccessLogSink* sink) { access_log_ = sink; }
  void reset_measurement(SimTime now);
  GatewaySummary summary(SimTime now) const;
  std::vector<RouteSummary> route_summaries(SimTime now, SimTime measured_since,
                                            const std::vector<double>& percentiles) const;
  // Answers by status class over the interval that ends now (timeseries.csv), and the cache's
  // lookups and the preflights over it.
  GatewayIntervalCounts close_interval() override;

private:
  class FrontendEnd;  // one replica's front-end listener
  enum TimerKind : uint32_t { kFrontendWork = 0, kRouteTimeout = 1, kPerTryTimeout = 2, kWaitOver = 3 };
  enum class CallKind : uint8_t { none, attempt, branch, stage };
  struct Call {  // one of the gateway's own requests out
    RequestId parent = kNoRequest;
    uint64_t visit = 0;
    uint16_t seq = 0;
    CallKind kind = CallKind::none;
    uint16_t index = 0;       // a branch's backend, a stage's position
    uint32_t token = 0;       // a stage call's token
    engine::EventHandle per_try_timer;
  };
  // Why a wait timer fires.
  enum class WaitFor : uint8_t { none, backoff, stage, stage_call };

  // GatewayApi
  void proceed(RequestId id) override;
  void answer(RequestId id, int status, uint32_t flag, double bytes) override;
  void work(RequestId id, SimTime duration, uint32_t token) override;
  void wait(RequestId id, SimTime delay, uint32_t token) override;
  void wake(RequestId id, uint32_t token) override;
  void call(RequestId id, uint32_t shape, SimTime timeout, uint32_t token, SimTime work) override;
  GatewayVisit& visit(RequestId id) override { return visits_[id]; }
  const Request& request(RequestId id) const override { return run_.requests[id]; }
  const RouteConfig& route(const GatewayVisit& v) const override;
  SimTime now() const override { return run_.sim.now(); }
  bool measuring() const override { return run_.measuring; }

  void admitted(RequestId id);
  void refused(RequestId id);
  void work_done(RequestId id, uint32_t token);
  void run_stage(RequestId id);
  // Upstream (upstream.cpp).
  void start_upstream(RequestId id);
  void start_try(RequestId id);
  void try_done(RequestId id, uint16_t status, uint8_t cause, double bytes);
  bool retriable(const RouteConfig& route, const Request& r, uint16_t status, uint8_t cause) const;
  bool retry_allowed(const RetryPolicy& policy, uint32_t service) const;
  SimTime backoff(const RetryPolicy& policy, uint16_t retry);
  void start_branch(RequestId id, uint16_t backend);
  void branch_done(RequestId id, uint16_t backend, bool ok, double bytes);
  void finish_aggregate(RequestId id, bool timed_out);
  // Sends one of the gateway's own requests for request `id`; it may be answered before this
  // returns (a refusal), so the caller keeps no reference to the visit across it.
  RequestId send_call(RequestId id, uint32_t shape, CallKind kind, uint16_t index, uint32_t token,
                      SimTime per_try_timeout, std::optional<SimTime> work = std::nullopt);
  // An upstream failure: a stage may still answer it (stale-if-error), else `status` goes back.
  void upstream_failed(RequestId id, int status, uint32_t flag);
  void grow_tables(size_t id);
  void on_timer(const engine::Event& event);
  void end_visit(RequestId id, GatewayVisit& v);
  static uint64_t timer_arg(RequestId id, uint64_t stamp) { return id | (stamp << 32); }
  bool stale(const engine::Event& event, const GatewayVisit& v) const
  {
    return v.number == 0 || (v.number & 0xffffffffu) != (event.arg >> 32);
  }

  const GatewayConfig& config_;
  RunContext& run_;
  GatewayShapes shapes_;
  engine::HandlerId handler_ = 0;
  NodeId node_ = 0;
  std::vector<BalancerConfig> frontend_configs_;  // the replicas' front ends, as a balancer's
  std::vector<std::unique_ptr<FrontendEnd>> frontend_ends_;
  std::vector<std::unique_ptr<BalancerFrontend>> frontends_;  // per replica
  std::vector<std::unique_ptr<GatewayStage>> stages_;          // in pipeline order
  // Per request id; deques, so a reference to a visit stays valid while the tables grow.
  std::deque<GatewayVisit> visits_;  // the client's requests at the gateway
  std::deque<Call> calls_;           // the gateway's own requests
  std::vector<WaitFor> waiting_for_;  // per request id: what its wait timer is for
  std::vector<uint32_t> wait_token_;  // per request id: the token its wait resumes with
  engine::RngStream backoff_rng_;
  engine::RngStream merge_rng_;
  std::vector<uint32_t> tries_out_, retries_out_;  // per service: the gateway's tries and retries out
  std::vector<RouteStats> routes_;
  AccessLogSink* access_log_ = nullptr;
  uint64_t visit_numbers_ = 0;
  uint64_t retries_ = 0, timeouts_ = 0, overflow_ = 0, retry_overflow_ = 0;
  uint64_t aggregates_complete_ = 0, aggregates_partial_ = 0, aggregates_failed_ = 0;
  uint64_t preflights_ = 0, requests_ = 0;
  GatewayIntervalCounts interval_;
};

}  // namespace lbsim::models
