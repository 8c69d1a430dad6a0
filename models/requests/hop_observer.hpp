// Told where each request went, hop by hop: the teaching trace (`lbsim trace`) and the GUI's step
// view. A hop is a request reaching a server (or being refused on its way there) at one service;
// a call to another service is a request of its own, with its own hops.
#pragma once

#include "models/requests/request.hpp"
#include "models/requests/stage_place.hpp"

namespace lbsim::models {

enum class HopOutcome {
  dispatched,     // the server took it (started, or queued)
  rejected,       // the server's queue was full: 503
  unavailable,    // the server was not running: the request failed there
  no_server,      // the balancer had no eligible server: 503
  balancer_full,  // the balancer's max_connections and backlog were full: 503
  overflow,       // the service's circuit breaker was full (Envoy's UO): 503
  servers_full,   // every eligible server was at its max_conns, and no queue (nginx): 503
  queue_timeout,  // waited balancer.queue_timeout in the backend queue (HAProxy sQ): 503
};
const char* to_string(HopOutcome outcome);

struct Hop {
  const Request& request;
  uint32_t service = 0;
  uint32_t server = kNoServer;  // kNoServer for no_server and balancer_full
  HopOutcome outcome = HopOutcome::dispatched;
};

struct Stage {
  const Request& request;  // Request::sequence tells requests apart (ids are recycled)
  StageKind kind = StageKind::departed;
  Place from, to;
  bool upward = true;  // a request on its way up, or false: a reply coming back
};

class HopObserver {
public:
  virtual ~HopObserver() = default;
  // Without a network this is when the request is sent; with one, when it reaches its server (or
  // the balancer finds none), so requests of different regions may come in another order.
  virtual void on_hop(const Hop& hop) = 0;
  // Only when wants_stages(), asked once as the observer is set: ordinary runs and the trace
  // pay nothing for the stages but a pointer test.
  virtual bool wants_stages() const { return false; }
  virtual void on_stage(const Stage&) {}
};

}  // namespace lbsim::models
