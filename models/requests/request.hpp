// A request in flight, and the pool that recycles them so memory follows what is in flight,
// not how many requests a run simulates.
#pragma once

#include "engine/event_queue.hpp"
#include "engine/sim_time.hpp"

#include <cstdint>
#include <vector>

namespace lbsim::models {

using engine::SimTime;

inline constexpr uint32_t kNoServer = UINT32_MAX;
using RequestId = uint32_t;  // index into the RequestPool

struct Request {
  uint64_t sequence = 0;      // arrival order over the whole run (1, 2, ...)
  uint32_t client_group = 0;  // index into the system's client groups
  uint32_t client = 0;        // index into that group's addresses
  uint32_t type = 0;          // index into the group's request mix
  uint32_t server = kNoServer;
  SimTime sent;               // when the client sent it
  SimTime work;               // service demand at speed 1.0
  bool measured = false;      // sent after warm-up
  bool in_service = false;    // a core of `server` is serving it (a failure drops it)
  bool failed = false;        // with a network: a failure notice is on its way back
  uint8_t attempts = 0;       // servers tried that failed it (retries)
  // With a network (models/network/transfers.hpp): where the request is on its trip, and its times.
  uint8_t leg = 0;            // System::Leg of the transfer under way
  bool refused = false;       // a 503 is on its way back
  engine::EventHandle service_event;  // its completion, cancelled when its server fails
  SimTime dispatched;         // the balancer chose its server
  SimTime at_server;          // its last byte reached the server
  SimTime server_time;        // at the server: queueing and service

  // Back to the values of a new Request{}, field by field: assigning a whole Request{} compiles
  // to a `rep stos` that cost about 5% of a run without a network. A new field goes here too (the
  // size check below is the reminder; tests/models/request_pool_test.cpp checks the values).
  void reset()
  {
    sequence = 0;
    client_group = client = type = 0;
    server = kNoServer;
    sent = work = SimTime{};
    measured = in_service = failed = false;
    attempts = leg = 0;
    refused = false;
    service_event = engine::EventHandle{};
    dispatched = at_server = server_time = SimTime{};
  }
};
static_assert(sizeof(Request) == 88, "a new Request field must also be reset in Request::reset()");

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
