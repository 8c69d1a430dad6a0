// RunContext: what every part of one run shares: the clock, the requests, the router that moves
// them between stations, the table of request shapes, and who hears of each hop. The System builds
// it and hands it to the parts; nothing in it is global.
#pragma once

#include "engine/simulation.hpp"
#include "models/requests/hop_observer.hpp"
#include "models/requests/request.hpp"
#include "models/requests/request_shape.hpp"
#include "models/requests/router.hpp"
#include "models/services/server.hpp"
#include "models/system_config.hpp"

#include <memory>

#include <vector>

namespace lbsim::models {

class Service;

// When a run ends: told of every request that ends (models/system.cpp).
class RunControl {
public:
  virtual ~RunControl() = default;
  // A client's request has ended (answered, refused or failed) and been recycled.
  virtual void on_request_done(bool completed) = 0;
  // A call has ended and been recycled.
  virtual void on_call_done() = 0;
};

struct RunContext {
  RunContext(const SystemConfig& config_, engine::Simulation& sim_, HopObserver& hops_, RunControl& control_)
      : config(config_), sim(sim_), router(requests), hops(hops_), control(control_)
  {
  }
  RunContext(const RunContext&) = delete;
  RunContext& operator=(const RunContext&) = delete;

  const SystemConfig& config;
  engine::Simulation& sim;
  RequestPool requests;
  Router router;
  HopObserver& hops;
  RunControl& control;
  std::vector<RequestShape> shapes;         // client groups' mixes first (group by group), then calls
  std::vector<uint32_t> first_shape_of_group;
  std::vector<std::vector<uint32_t>> first_call_shape;  // per service, per endpoint: its calls' shapes
  std::vector<std::unique_ptr<Server>> servers;  // every service's, in creation order
  std::vector<NodeId> server_nodes;         // per server (all zero without a network)
  std::vector<Service*> services;
  uint64_t created = 0;                     // requests created so far (Request::sequence)
  uint64_t visits = 0;                      // server admissions so far (Request::visit)
  bool measuring = false;                   // after warm-up
  bool report_hops = false;                 // someone listens to `hops` (the trace, the step view)

  // The Hop is made only when someone listens (this runs once per request).
  void report(const Request& r, uint32_t service, uint32_t server, HopOutcome outcome) const
  {
    if (report_hops) hops.on_hop(Hop{r, service, server, outcome});
  }

  uint32_t client_address(const Request& r) const { return config.clients[r.client_group].addresses[r.client]; }
  const RequestShape& shape(const Request& r) const { return shapes[r.shape]; }
};

}  // namespace lbsim::models
