// The one interface through which anything outside the engine watches a run: metrics recorders,
// trace writers, fingerprints, the GUI. The engine never knows who is watching.
#pragma once

#include "engine/event_queue.hpp"

namespace lbsim::engine {

class SimObserver {
public:
  virtual ~SimObserver() = default;
  // Called just before the event's handler runs (the simulation's clock already reads event.time).
  virtual void on_event(const Event& event) = 0;
  // Called once when run_until / run returns.
  virtual void on_run_end(SimTime /*now*/) {}
};

}  // namespace lbsim::engine
