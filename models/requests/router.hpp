// Router: moves requests between stations along their call stacks (request.hpp). A station hands a
// request on with forward(), which pushes the next station's frame and carries the request there,
// and answers with reply(), which pops its own frame and carries the reply to the station below.
// So a reply always retraces the request's way, and no station needs to know who sent it.
#pragma once

#include "models/requests/request.hpp"
#include "models/requests/station.hpp"
#include "models/requests/transport.hpp"

#include <cassert>

namespace lbsim::models {

class Router final : public TransportListener {
public:
  explicit Router(RequestPool& requests) : requests_(requests) {}

  // Without a network (`direct`) everything arrives the instant it is sent, and the Router hands it
  // over itself rather than through DirectTransport's virtual call: the same behaviour, on the path
  // every request without a network takes four times (and a call the compiler can make directly
  // when the sender knows the receiving station's type).
  void set_transport(Transport& transport, bool direct)
  {
    transport_ = &transport;
    direct_ = direct;
  }

  // The request's first frame: where it starts and where its reply ends (the client's end, or the
  // server that made the call).
  static void start(Request& r, Station& station, uint32_t slot, NodeId node, SimTime since)
  {
    r.depth = 1;
    r.frames[0] = Frame{&station, slot, node, since};
  }
  // Sends the request on to `station`, carrying `bytes`; the station's on_request follows. `S` is
  // the station's own class when the sender knows it, or Station.
  template <class S>
  void forward(RequestId id, Request& r, S& station, uint32_t slot, NodeId node, SimTime since, double bytes)
  {
    assert(r.depth < kMaxFrames);
    const NodeId from = r.top().node;
    r.frames[r.depth++] = Frame{&station, slot, node, since};
    r.upward = true;
    if (direct_) station.on_request(id, r);
    else transport_->carry(id, from, node, bytes);
  }
  // The station on top is done: the reply (`bytes`, and the request's status) goes back down to
  // the station below, whose on_reply follows.
  void reply(RequestId id, Request& r, double bytes)
  {
    assert(r.depth >= 2);
    const NodeId from = r.top().node;
    --r.depth;
    r.upward = false;
    if (direct_) r.top().station->on_reply(id, r);
    else transport_->carry(id, from, r.top().node, bytes);
  }

  void on_carried(RequestId id) override
  {
    Request& r = requests_[id];
    if (r.upward) r.top().station->on_request(id, r);
    else r.top().station->on_reply(id, r);
  }

private:
  RequestPool& requests_;
  Transport* transport_ = nullptr;
  bool direct_ = false;
};

}  // namespace lbsim::models
