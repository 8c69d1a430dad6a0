// A request in flight, its call stack, and the pool that recycles requests so memory follows what
// is in flight, not how many requests a run simulates.
//
// A request climbs from station to station (the client's end, a balancer, a server) and its reply
// comes back down the same way: each station it reaches pushes a frame on the request's stack and
// pops it when the reply leaves, so a reply retraces its path by construction (models/requests/
// router.hpp). A call from one service to another is a request of its own whose bottom frame is
// the caller, so calls nest to any depth while each stack stays small and fixed in size.
#pragma once

#include "engine/event_queue.hpp"
#include "engine/sim_time.hpp"

#include <cstdint>
#include <vector>

namespace lbsim::models {

using engine::SimTime;

inline constexpr uint32_t kNoServer = UINT32_MAX;
inline constexpr uint32_t kNoRequest = UINT32_MAX;
using RequestId = uint32_t;  // index into the RequestPool
using NodeId = uint32_t;     // a network node (unused without a network)

// HTTP statuses a request can end with (docs/model.md, "Statuses").
enum Status : uint16_t {
  kOk = 200,
  kInternalError = 500,  // a call the request made failed, and the service had no answer without it
  kBadGateway = 502,     // its server failed it (a crash, or it was not running) and no retry saved it
  kUnavailable = 503,    // refused: a full queue, no eligible server, or the balancer's limits
  kClientClosed = 499,   // nginx's: the client gave up and its server dropped the request (cancel_on_timeout)
};

// Why a request ended as it did, where its status alone does not say (a gateway's retries, its
// access log's response flags, and the run's counts read it).
enum Cause : uint8_t {
  kCauseNone = 0,
  kCauseOverflow,     // a circuit breaker or a balancer's own limits refused it (Envoy UO)
  kCauseNoHealthy,    // its service had no server in rotation (UH)
  kCauseRateLimited,  // a gateway's rate limit refused it, whatever its status (RL)
  kCauseConnectFailure,  // its server was not running (UF): a 502
  kCauseReset,        // its server failed while it had it (UR): a 502
  kCauseNoRoute,      // a gateway had no route for it (NR), whatever its not_found status
  kCauseAuthDenied,   // a gateway's auth refused it (UAEX), whatever its status
};

class Station;

// One station a request has reached and its reply must pass back through.
struct Frame {
  Station* station = nullptr;
  uint32_t slot = 0;     // the station's own: a client group, a chosen pool member, a server
  NodeId node = 0;       // where the station is, for the network
  SimTime since;         // the station's own: when the request was sent, dispatched, or arrived
};

// client's end + gateway + balancer + server, the deepest path one request takes.
inline constexpr uint8_t kMaxFrames = 4;

// The fields every request touches come first and its first frames right after them, so the
// common path (client, balancer, server and back) reads and writes three cache lines, not four.
struct Request {
  uint64_t sequence = 0;      // order of creation over the whole run (1, 2, ...), calls included
  SimTime sent;               // when the client (or the calling server) sent it
  SimTime work;               // service demand at speed 1.0 of the phase under way
  uint32_t client_group = 0;  // index into the system's client groups (a call: its client request's)
  uint32_t client = 0;        // index into that group's addresses
  uint32_t type = 0;          // index into the group's request mix
  uint32_t shape = 0;         // what it asks for: the system's table of request shapes
  uint32_t server = kNoServer;  // the server that took it last
  uint16_t status = kOk;
  uint8_t attempts = 0;       // servers tried that failed it (retries)
  uint8_t depth = 0;          // frames in use
  bool measured = false;      // sent after warm-up
  bool in_service = false;    // a core of `server` is serving it (a failure drops it)
  bool resident = false;      // at `server`: queued, in service, or waiting for its calls
  bool upward = false;        // travelling to its top frame's station (false: a reply coming back)
  // At a server, the endpoint's progress: the phase, the next call, the calls still out.
  uint8_t phase = 0;
  bool holds_core = false;    // a core stays taken while its calls are out
  bool call_failed = false;
  uint8_t client_attempt = 0; // which attempt of the user's request this is (0: the first; client retries)
  uint16_t next_call = 0;
  uint16_t calls_out = 0;
  uint32_t parent = kNoRequest; // the request whose call this is
  Frame frames[kMaxFrames];
  engine::EventHandle service_event;  // its completion, cancelled when its server fails
  SimTime dispatched;         // when its balancer sent it to its server
  SimTime server_time;        // at its last server: queueing, service and calls
  uint64_t parent_visit = 0;    // the parent's visit to its server when it made the call
  uint64_t visit = 0;           // the visit to its server its calls answer to (unique in the run; 0: none)
  // With a gateway: the resource id drawn from its type's `ids` (0: none), why it ended, whether it
  // is the CORS preflight its browser sends first, and whether its credentials are bad.
  uint32_t resource = 0;
  uint8_t cause = kCauseNone;
  bool preflight = false;
  bool bad_credentials = false;
  bool timed_out = false;     // the client gave up on this attempt: its answer is dropped (docs/clients.md)

  Frame& top() { return frames[depth - 1]; }
  const Frame& top() const { return frames[depth - 1]; }
  bool ok() const { return status == kOk; }

  // Back to the values of a new Request{}, field by field: assigning a whole Request{} compiles
  // to a `rep stos` that cost about 5% of a run without a network. Frames beyond `depth` are never
  // read, so they are left as they are. A new field goes here too (the size check below is the
  // reminder; tests/models/request_pool_test.cpp checks the values).
  void reset()
  {
    sequence = 0;
    client_group = client = type = shape = 0;
    server = kNoServer;
    parent = kNoRequest;
    parent_visit = visit = 0;
    sent = dispatched = work = server_time = SimTime{};
    service_event = engine::EventHandle{};
    status = kOk;
    attempts = depth = phase = 0;
    measured = in_service = resident = upward = holds_core = call_failed = false;
    next_call = calls_out = 0;
    resource = 0;
    cause = kCauseNone;
    preflight = bad_credentials = timed_out = false;
    client_attempt = 0;
  }
};
static_assert(sizeof(Request) == 216, "a new Request field must also be reset in Request::reset()");

class RequestPool {
public:
  RequestId acquire()
  {
    if (free_count_ > 0) {
      const RequestId id = free_[--free_count_];
      requests_[id].reset();
      return id;
    }
    requests_.emplace_back();
    free_.push_back(0);  // room for every request to come back, so release() never allocates
    return static_cast<RequestId>(requests_.size() - 1);
  }
  void release(RequestId id) { free_[free_count_++] = id; }
  Request& operator[](RequestId id) { return requests_[id]; }
  const Request& operator[](RequestId id) const { return requests_[id]; }
  size_t in_use() const { return requests_.size() - free_count_; }
  size_t capacity() const { return requests_.size(); }

private:
  std::vector<Request> requests_;
  std::vector<RequestId> free_;  // free_[0, free_count_): released ids, the last released first
  size_t free_count_ = 0;
};

}  // namespace lbsim::models
