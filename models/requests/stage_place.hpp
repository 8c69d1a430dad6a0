// Where a request is between hops, for the GUI's animation: the stations it passes through and
// the stages of its way (models/requests/hop_observer.hpp tells them). Plain values, so the GUI's
// headers can hold them without the model's.
#pragma once

#include <cstdint>

namespace lbsim::models {

// A station a request passes through: a client group's end (index: the group), the gateway
// (index 0), a service's balancer (index: the service), a server (index: into System::servers()).
struct Place {
  enum Kind : uint8_t { client, gateway, balancer, server };
  Kind kind = client;
  uint32_t index = 0;
  bool operator==(const Place&) const = default;
};

enum class StageKind : uint8_t {
  departed,         // it leaves `from` for `to` (a reply: upward is false)
  arrived,          // it has reached `to`, coming from `from` (without a network, at once)
  service_started,  // a core of server `to` (== `from`) takes it: it leaves the server's queue
};
const char* to_string(StageKind kind);

}  // namespace lbsim::models
