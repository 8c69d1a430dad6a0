// GatewayStage: one stage of the gateway's pipeline (cors, auth, rate_limit, cache; the contract's
// `pipeline` order). A stage sees each request its route lets it see, and either lets it go on,
// answers it, or holds it and asks to be resumed: after gateway CPU time, after a timer, or when a
// call to a service (an auth server, a limiter's store) is answered. Through GatewayApi a stage
// never touches the gateway's internals; docs/gateway.md describes each stage.
#pragma once

#include "engine/event_queue.hpp"
#include "engine/sim_time.hpp"
#include "models/requests/request.hpp"

#include <cstdint>

namespace lbsim::models {

struct GatewaySummary;
struct RouteConfig;

// A request's visit to the gateway, as the gateway keeps it and stages mark it (the access log
// and the route figures read it).
struct GatewayVisit {
  enum Flag : uint32_t {  // Envoy's response flags
    kNoRoute = 1u << 0,          // NR: no route matched (404)
    kRateLimited = 1u << 1,      // RL
    kAuthDenied = 1u << 2,       // UAEX: auth refused it
    kOverflow = 1u << 3,         // UO: a circuit breaker or the gateway's own limits
    kUpstreamTimeout = 1u << 4,  // UT
    kNoHealthy = 1u << 5,        // UH: the service had no server for it
    kRetryLimit = 1u << 6,       // URX: retries exhausted
    kUpstreamReset = 1u << 7,    // UF/UR: the server failed it
  };
  enum class CacheStatus : uint8_t { none, hit, miss, stale, updating, bypass };

  uint64_t number = 0;       // unique in the run while the visit lasts; 0: over (late events find it so)
  int32_t route = -1;
  uint16_t stage = 0;        // the pipeline position it is at
  uint16_t status = 0;       // its answer, once known
  uint32_t flags = 0;
  uint16_t attempts = 0;     // upstream tries made
  uint16_t retries_running = 0;  // 1 while a retry (not the first try) is out
  uint16_t call_seq = 0;     // grows when the gateway gives up on its calls out (a timeout)
  uint16_t instance = 0;     // the gateway replica it reached
  uint8_t entered = 0;       // the pipeline positions it entered, as bits
  CacheStatus cache = CacheStatus::none;
  bool upstream = false;     // its tries or branches are out
  bool fills = false;        // its response is to be stored in the route's cache
  // An aggregate's fan-out.
  uint16_t branches_out = 0, branches_ok = 0, next_branch = 0;
  const char* limiter = "";  // the limiter that delayed or rejected it, by name ("" none)
  SimTime arrived;           // at the gateway
  SimTime upstream_start, upstream_time;
  SimTime auth_time;         // spent in the auth stage
  SimTime limit_delay;       // nginx's delay, the longest of its limiters'
  double response_bytes = 0;
  uint64_t key = 0;          // the cache's key for it
  uint32_t try_child = kNoRequest;  // the try out now
  engine::EventHandle route_timer;  // the route's (or the aggregate's) timeout
  engine::EventHandle wait_timer;   // a backoff, a delay, or a stage's wait or call timeout
};

// What a stage may ask of the gateway.
class GatewayApi {
public:
  virtual ~GatewayApi() = default;
  // Go on to the next stage (upstream after the last).
  virtual void proceed(RequestId id) = 0;
  // The gateway answers the request now with `status` and response flag `flag` (0 for none),
  // sending `bytes` back to the client.
  virtual void answer(RequestId id, int status, uint32_t flag, double bytes = 0) = 0;
  // Spend `duration` of one of the gateway's workers (FIFO with all their other work), then resume
  // this stage with `token`.
  virtual void work(RequestId id, SimTime duration, uint32_t token) = 0;
  // Wait `delay` (no worker is taken), then resume this stage with `token`.
  virtual void wait(RequestId id, SimTime delay, uint32_t token) = 0;
  // Resume this stage with `token` now, cancelling the wait in progress (a lock released early).
  virtual void wake(RequestId id, uint32_t token) = 0;
  // Call a service (`shape`: an index into the run's request shapes) and wait at most `timeout`
  // (0: no limit); the stage's on_call_answer follows with the call's status (504 on timeout).
  // `work` is the demand a server without endpoints serves (a store's `cost`).
  virtual void call(RequestId id, uint32_t shape, SimTime timeout, uint32_t token, SimTime work = {}) = 0;
  virtual GatewayVisit& visit(RequestId id) = 0;
  virtual const Request& request(RequestId id) const = 0;
  virtual const RouteConfig& route(const GatewayVisit& v) const = 0;
  virtual SimTime now() const = 0;
  virtual bool measuring() const = 0;
};

class GatewayStage {
public:
  virtual ~GatewayStage() = default;
  virtual const char* name() const = 0;
  // False when the stage has nothing to do for this request (its route has no cache, no limit...).
  virtual bool applies(const Request& r, const GatewayVisit& v) const = 0;
  // The request reached this stage: call proceed, answer, work, wait or call.
  virtual void on_request(RequestId id, const Request& r, GatewayVisit& v) = 0;
  virtual void on_resume(RequestId, const Request&, GatewayVisit&, uint32_t /*token*/) {}
  virtual void on_call_answer(RequestId, const Request&, GatewayVisit&, int /*status*/, uint32_t /*token*/) {}
  // The upstream failed the request (a 5xx after any retries): a stage may answer it instead
  // (a cache's stale copy, stale-if-error) and return true.
  virtual bool on_upstream_error(RequestId, const Request&, GatewayVisit&) { return false; }
  // The gateway is about to answer a request that entered this stage (its status and flags are in
  // the visit): fill a cache, free a concurrency slot, wake requests waiting on it.
  virtual void on_leave(RequestId, const Request&, GatewayVisit&) {}
  // The end of warm-up, and the figures for summary.json's `gateway` block.
  virtual void reset_measurement(SimTime) {}
  virtual void summarize(GatewaySummary&, SimTime /*now*/) const {}
};

}  // namespace lbsim::models
