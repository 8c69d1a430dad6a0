// Station: a part of the system that requests pass through (the client's end, a balancer, a
// server; later a gateway). The Router (router.hpp) moves requests between stations: a station
// receives a request when it arrives and the reply when it comes back from the station it sent
// the request on to, and decides what happens next by calling the Router again.
#pragma once

#include "models/requests/request.hpp"

namespace lbsim::models {

class Station {
public:
  virtual ~Station() = default;
  // The request has arrived here: this station's frame is on top of its stack.
  virtual void on_request(RequestId id, Request& r) = 0;
  // The reply from the station this one sent the request on to came back: this station's frame is
  // on top again, and the request's status says how it went.
  virtual void on_reply(RequestId id, Request& r) = 0;
};

}  // namespace lbsim::models
