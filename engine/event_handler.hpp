// Anything that receives events: a client's arrival process, a server, a health checker...
#pragma once

#include "engine/event_queue.hpp"

namespace lbsim::engine {

class EventHandler {
public:
  virtual ~EventHandler() = default;
  virtual void handle(const Event& event) = 0;
};

}  // namespace lbsim::engine
