// SessionStats: what a client group's sessions did in the measured window (docs/users.md,
// "Sessions in the results"). A session is a `sessions` user from arrival to leaving, or one pass
// of a closed user through its steps; its time runs from its first send to the end of its last
// request, think times included.
#pragma once

#include "engine/latency_histogram.hpp"

#include <cstdint>

namespace lbsim::models {

struct SessionStats {
  uint64_t started = 0;    // sessions that began in the measured window
  uint64_t completed = 0;  // of those, the ones that ended before the run did
  uint64_t lost = 0;       // session_state: server: of those, the ones a server other than their own answered
  uint64_t requests = 0;   // requests the completed sessions sent
  engine::LatencyHistogram time;  // of the completed sessions, in ns
};

}  // namespace lbsim::models
