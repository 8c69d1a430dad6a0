// LifecycleEvent: one row of events.csv: a scaling action, a failure, a recovery or a health
// transition (docs/results.md lists the kinds).
#pragma once

#include "engine/sim_time.hpp"

#include <string>

namespace lbsim::models {

struct LifecycleEvent {
  engine::SimTime time;
  std::string kind;    // add, up, drain, stopped, resize, restarted, fail, recover, health_down, ...
  std::string server;  // server (or group, or client group) it concerns
  std::string detail;  // free text: sizes, counts, metric values
};

}  // namespace lbsim::models
