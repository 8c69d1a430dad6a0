// Router: moves requests between stations along their call stacks (request.hpp). A station hands a
// request on with forward(), which pushes the next station's frame and carries the request there,
// and answers with reply(), which pops its own frame and carries the reply to the station below.
// So a reply always retraces the request's way, and no station needs to know who sent it.
#pragma once

#include "models/requests/request.hpp"
#include "models/requests/stage_place.hpp"
#include "models/requests/station.hpp"
#include "models/requests/transport.hpp"

#include <cassert>

namespace lbsim::models {

// Told of every move the Router makes, when someone listens (the System, for the GUI's
// animation): frames, not places, since only the System knows which station is which.
class MoveListener {
public:
  virtual ~MoveListener() = default;
  virtual void on_move(const Request& r, StageKind kind, const Frame& from, const Frame& to) = 0;
};

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
  // Null (the default) on every run but the animated one: one pointer test per move.
  void set_move_listener(MoveListener* listener) { moves_ = listener; }
  MoveListener* move_listener() const { return moves_; }

  // The request's first frame: where it starts and where its reply ends (the client's end, or the
  // server that made the call).
  static void start(Request& r, Station& station, uint32_t slot, NodeId node, SimTime since)
  {
    r.depth = 1;
    r.frames[0] = Frame{&station, slot, node, since};
  }
  // Where a request goes on the network, and what it carries there.
  struct Leg {
    NodeId node = 0;
    double bytes = 0;
  };
  // Sends the request on to `station`; the station's on_request follows. `S` is the station's own
  // class when the sender knows it, or Station. `leg()` gives the station's node and the bytes to
  // carry: asked only with a network (without one, nothing is carried and nodes do not matter).
  template <class S, class LegOf>
  void forward(RequestId id, Request& r, S& station, uint32_t slot, SimTime since, LegOf&& leg)
  {
    assert(r.depth < kMaxFrames);
    if (direct_) {
      r.frames[r.depth++] = Frame{&station, slot, 0, since};
      r.upward = true;
      if (moves_) [[unlikely]] report(r, true);
      station.on_request(id, r);
      return;
    }
    const Leg to = leg();
    const NodeId from = r.top().node;
    r.frames[r.depth++] = Frame{&station, slot, to.node, since};
    r.upward = true;
    if (moves_) [[unlikely]] report(r, false);
    transport_->carry(id, from, to.node, to.bytes);
  }
  // The station on top is done: the reply (its bytes, asked of `bytes()` only with a network, and
  // the request's status) goes back down to the station below, whose on_reply follows.
  template <class BytesOf>
  void reply(RequestId id, Request& r, BytesOf&& bytes)
  {
    assert(r.depth >= 2);
    --r.depth;
    r.upward = false;
    if (direct_) {
      if (moves_) [[unlikely]] report(r, true);
      r.top().station->on_reply(id, r);
      return;
    }
    if (moves_) [[unlikely]] report(r, false);
    transport_->carry(id, r.frames[r.depth].node, r.top().node, bytes());
  }
  // A reply without a body (a refusal, a failure).
  void reply_empty(RequestId id, Request& r)
  {
    reply(id, r, [] { return 0.0; });
  }

  void on_carried(RequestId id) override
  {
    Request& r = requests_[id];
    if (moves_) [[unlikely]] moves_->on_move(r, StageKind::arrived, leg_start(r), r.top());
    if (r.upward) r.top().station->on_request(id, r);
    else r.top().station->on_reply(id, r);
  }

private:
  // Where the move under way started: the frame below the top going up, the popped one coming down.
  static const Frame& leg_start(const Request& r) { return r.upward ? r.frames[r.depth - 2] : r.frames[r.depth]; }
  // The request has left its station (and, without a network, arrived at once).
  [[gnu::noinline]] void report(const Request& r, bool arrived) const
  {
    moves_->on_move(r, StageKind::departed, leg_start(r), r.top());
    if (arrived) moves_->on_move(r, StageKind::arrived, leg_start(r), r.top());
  }

  RequestPool& requests_;
  Transport* transport_ = nullptr;
  MoveListener* moves_ = nullptr;
  bool direct_ = false;
};

}  // namespace lbsim::models
