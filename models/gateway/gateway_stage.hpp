// GatewayStage: one stage of the gateway's pipeline (cors, auth, rate_limit, cache; the contract's
// `pipeline` order). A stage sees each request the route lets it see, and either lets it go on,
// answers it, or holds it and asks to be resumed: after gateway CPU time, after a timer, or when a
// call to a service (an auth server, a limiter's store) is answered. Through GatewayApi a stage
// never touches the gateway's internals; docs/gateway.md describes each stage.
#pragma once

#include "engine/sim_time.hpp"
#include "models/requests/request.hpp"

#include <cstdint>
#include <string>

namespace lbsim::models {

struct GatewaySummary;

// A request's visit to the gateway, as stages see and mark it (the access log reads it).
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
  int32_t route = -1;
  uint16_t stage = 0;        // the pipeline stage it is at
  uint16_t status = 0;       // its answer, once known
  uint32_t flags = 0;
  uint32_t generation = 0;   // grows when a visit ends: late timers and answers are ignored
  uint16_t attempts = 0;     // upstream tries made
  CacheStatus cache = CacheStatus::none;
  const char* limiter = "";  // the first limiter that delayed or rejected it, by name ("" none)
  SimTime arrived;           // at the gateway
  SimTime upstream_start, upstream_time;
  uint64_t key = 0;          // a stage's key for the request (the cache's)
  bool entered[8] = {};      // the stages it entered, by pipeline position
};

// What a stage may ask of the gateway.
class GatewayApi {
public:
  virtual ~GatewayApi() = default;
  // Go on to the next stage (the upstream after the last).
  virtual void proceed(RequestId id) = 0;
  // The gateway answers the request now with `status` (the response flag `flag`, 0 for none),
  // sending `bytes` back to the client.
  virtual void answer(RequestId id, int status, uint32_t flag, double bytes = 0) = 0;
  // Spend `duration` of a gateway worker's time (FIFO with every other task), then resume this
  // stage with `token`.
  virtual void work(RequestId id, SimTime duration, uint32_t token) = 0;
  // Wait `delay`, then resume this stage with `token`.
  virtual void wait(RequestId id, SimTime delay, uint32_t token) = 0;
  // Call a service (shape: an index into the run's request shapes) and wait at most `timeout`
  // (0: no limit); the stage's on_call_answer follows with the call's status (504 on timeout).
  virtual void call(RequestId id, uint32_t shape, SimTime timeout, uint32_t token) = 0;
  virtual GatewayVisit& visit(RequestId id) = 0;
  virtual SimTime now() const = 0;
  virtual engine::SimTime measured_since() const = 0;
};

class GatewayStage {
public:
  virtual ~GatewayStage() = default;
  virtual const char* name() const = 0;
  // The request reached this stage: call proceed, answer, work, wait or call.
  virtual void on_request(RequestId id, Request& r) = 0;
  virtual void on_resume(RequestId, Request&, uint32_t /*token*/) {}
  virtual void on_call_answer(RequestId, Request&, int /*status*/, uint32_t /*token*/) {}
  // The gateway is about to answer a request that entered this stage (status and flags are in its
  // visit): fill a cache, free a concurrency slot, wake requests waiting on it.
  virtual void on_leave(RequestId, const Request&, GatewayVisit&) {}
  // The end of warm-up, and the figures for summary.json's `gateway` block.
  virtual void reset_measurement() {}
  virtual void summarize(GatewaySummary&, SimTime /*now*/) const {}
};

}  // namespace lbsim::models
