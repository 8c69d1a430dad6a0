// A call's request: a new request made on behalf of another (a service calling a service, a
// gateway's try, branch or auth check). It belongs to the same client and request type, is
// numbered in the run's sequence and remembers its parent and the parent's visit, so a late
// answer to a visit that has ended can be told apart.
#pragma once

#include "models/requests/request.hpp"
#include "models/requests/run_context.hpp"

namespace lbsim::models {

inline void start_call_request(RunContext& run, RequestId cid, RequestId parent_id, uint32_t parent_visit,
                               uint32_t shape, SimTime now)
{
  Request& c = run.requests[cid];
  const Request& parent = run.requests[parent_id];
  c.sequence = ++run.created;
  c.client_group = parent.client_group;
  c.client = parent.client;
  c.type = parent.type;
  c.shape = shape;
  c.parent = parent_id;
  c.parent_visit = parent_visit;
  c.sent = now;
}

}  // namespace lbsim::models
