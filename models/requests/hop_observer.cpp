#include "models/requests/hop_observer.hpp"

namespace lbsim::models {

const char* to_string(HopOutcome outcome)
{
  switch (outcome) {
    case HopOutcome::dispatched: return "dispatched";
    case HopOutcome::rejected: return "rejected";
    case HopOutcome::unavailable: return "unavailable";
    case HopOutcome::no_server: return "no_server";
    case HopOutcome::balancer_full: return "balancer_full";
    case HopOutcome::overflow: return "overflow";
    case HopOutcome::servers_full: return "servers_full";
    case HopOutcome::queue_timeout: return "queue_timeout";
  }
  return "?";
}

const char* to_string(StageKind kind)
{
  switch (kind) {
    case StageKind::departed: return "departed";
    case StageKind::arrived: return "arrived";
    case StageKind::service_started: return "service_started";
  }
  return "?";
}

}  // namespace lbsim::models
