// ServerStation: what the servers of one service do with a request (docs/services.md). A request
// that reaches a server is served its endpoint's `work`; then the endpoint's `calls` go out, in
// groups (consecutive parallel calls together, each sequential call alone), each call a request of
// its own to another service; when every call of the last group is back, `work_after` is served
// and the reply goes back. Without endpoints the request's own work (from the client's mix) is
// all there is. A call that fails makes the request fail with 500 once its group is back.
//
// While the calls are out the request keeps its core only with `hold_core` (a thread-per-request
// server); otherwise the core serves others, and the work after the calls waits its turn behind
// them (an event loop).
#pragma once

#include "engine/rng.hpp"
#include "models/requests/run_context.hpp"
#include "models/requests/station.hpp"
#include "models/services/server.hpp"

namespace lbsim::models {

class Service;

// Told when a draining server has emptied (the lifecycle stops or restarts it).
class DrainListener {
public:
  virtual ~DrainListener() = default;
  virtual void on_drained(uint32_t server) = 0;
};

class ServerStation final : public Station {
public:
  ServerStation(Service& service, RunContext& run, DrainListener& drains);
  ServerStation(const ServerStation&) = delete;
  ServerStation& operator=(const ServerStation&) = delete;

  // True when the service has no balancer: the server is its front door and keeps its statistics.
  void set_front_door(bool front_door) { front_door_ = front_door; }

  void on_request(RequestId id, Request& r) override;  // arrived at the server in its top frame's slot
  void on_reply(RequestId id, Request& r) override;    // one of this service's calls is back (`id` is the call)
  // From its servers (models/services/server.hpp): a request's demand is served; a draining
  // server has nothing left in service, waiting or waiting for its calls.
  void on_work_done(uint32_t server, RequestId id);
  void on_drained(uint32_t server) { drains_.on_drained(server); }
  // Its server failed: the request (resident there) fails, and the failure goes back as a reply.
  void drop(RequestId id);
  // Its client gave up and the request is to be dropped (cancel_on_timeout): if its server can
  // (waiting or in service), it goes back at once as a 499 nobody reads.
  void abandon(RequestId id);
  // A core of its server takes `r` (the server's frame on top): told to the animation only.
  void report_service_start(const Request& r) const
  {
    if (MoveListener* moves = run_.router.move_listener()) [[unlikely]]
      moves->on_move(r, StageKind::service_started, r.top(), r.top());
  }

private:
  enum Phase : uint8_t { kWork = 0, kCalls = 1, kWorkAfter = 2 };
  void start_calls(RequestId id);
  void call_group_done(RequestId id);
  void finish(RequestId id);
  SimTime draw(const engine::Distribution* d);

  Service& service_;
  RunContext& run_;
  DrainListener& drains_;
  bool front_door_ = false;
  bool has_endpoints_;
  engine::RngStream work_rng_;  // endpoints' work, drawn where it is served
  engine::RngStream call_rng_;  // calls' probabilities
};

}  // namespace lbsim::models
