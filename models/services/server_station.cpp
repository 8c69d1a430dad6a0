#include "models/services/server_station.hpp"

#include "models/requests/call_request.hpp"
#include "models/services/service.hpp"

namespace lbsim::models {

ServerStation::ServerStation(Service& service, RunContext& run, DrainListener& drains)
    : service_(service), run_(run), drains_(drains), has_endpoints_(!service.config().endpoints.empty()),
      work_rng_(run.config.seed, "service:" + service.name() + ":work"),
      call_rng_(run.config.seed, "service:" + service.name() + ":calls")
{
}

SimTime ServerStation::draw(const engine::Distribution* d)
{
  return d ? SimTime::from_seconds(d->sample(work_rng_)) : SimTime::zero();
}

void ServerStation::on_request(RequestId id, Request& r)
{
  Frame& frame = r.top();
  const uint32_t server = frame.slot;
  frame.since = run_.sim.now();
  r.server = server;
  if (r.timed_out && r.parent == kNoRequest &&
      run_.config.clients[r.client_group].mix[r.type].cancel_on_timeout) [[unlikely]] {
    // Its client gave up on the way: the server drops it as it arrives (cancel_on_timeout).
    r.status = kClientClosed;
    run_.router.reply_empty(id, r);
    return;
  }
  const int32_t endpoint = has_endpoints_ ? run_.shape(r).endpoint : -1;
  if (front_door_ && service_.keeps_stats()) service_.stats().on_arrival(r, endpoint);
  if (endpoint >= 0) {
    const EndpointConfig& e = service_.config().endpoints[static_cast<size_t>(endpoint)];
    r.phase = kWork;
    r.work = draw(e.work.get());
    r.holds_core = e.hold_core && !e.calls.empty();
  }
  const Admission admission = run_.servers[server]->admit(id, !front_door_);
  if (admission == Admission::accepted) {
    run_.report(r, service_.index(), server, HopOutcome::dispatched);
    return;
  }
  r.holds_core = false;
  r.status = admission == Admission::unavailable ? kBadGateway : kUnavailable;
  if (admission == Admission::unavailable) r.cause = kCauseConnectFailure;
  run_.report(r, service_.index(), server,
                       admission == Admission::unavailable ? HopOutcome::unavailable : HopOutcome::rejected);
  if (front_door_ && service_.keeps_stats()) service_.stats().on_answer(r, endpoint, SimTime::zero());
  run_.router.reply_empty(id, r);
}

void ServerStation::abandon(RequestId id)
{
  Request& r = run_.requests[id];
  if (!run_.servers[r.server]->cancel(id)) return;
  r.status = kClientClosed;
  r.server_time = run_.sim.now() - r.top().since;
  run_.router.reply_empty(id, r);
}

void ServerStation::drop(RequestId id)
{
  Request& r = run_.requests[id];
  r.visit = 0;  // calls still out no longer find it waiting
  r.status = kBadGateway;
  r.cause = kCauseReset;
  r.server_time = run_.sim.now() - r.top().since;
  if (front_door_ && service_.keeps_stats()) service_.stats().on_answer(r, run_.shape(r).endpoint, r.server_time);
  run_.router.reply_empty(id, r);
}

void ServerStation::on_work_done(uint32_t /*server*/, RequestId id)
{
  Request& r = run_.requests[id];
  const int32_t endpoint = has_endpoints_ ? run_.shape(r).endpoint : -1;
  if (endpoint < 0 || r.phase == kWorkAfter) {
    finish(id);
    return;
  }
  const EndpointConfig& e = service_.config().endpoints[static_cast<size_t>(endpoint)];
  if (!e.calls.empty()) {
    r.phase = kCalls;
    r.next_call = 0;
    r.call_failed = false;
    r.visit = ++run_.visits;  // its calls answer to this visit only (a failure ends it)
    start_calls(id);
    return;
  }
  call_group_done(id);
}

// Issues the next group of calls; when none is made (their probabilities) or all came back at
// once, goes on to the next group.
void ServerStation::start_calls(RequestId id)
{
  for (;;) {
    Request& r = run_.requests[id];
    const int32_t endpoint = run_.shape(r).endpoint;
    const EndpointConfig& e = service_.config().endpoints[static_cast<size_t>(endpoint)];
    if (r.call_failed || r.next_call >= e.calls.size()) {
      call_group_done(id);
      return;
    }
    const size_t first = r.next_call;
    size_t end = first + 1;
    if (e.calls[first].parallel)
      while (end < e.calls.size() && e.calls[end].parallel) ++end;
    r.next_call = static_cast<uint16_t>(end);
    r.calls_out = 1;  // held until every call of the group is out, so none can complete it early
    const uint32_t server = r.server;
    const uint64_t visit = r.visit;
    const SimTime now = run_.sim.now();
    const uint32_t first_shape = run_.first_call_shape[service_.index()][static_cast<size_t>(endpoint)];
    for (size_t k = first; k < end; ++k) {
      const CallConfig& call = e.calls[k];
      if (call.probability < 1.0 && !(call_rng_.uniform01() < call.probability)) continue;
      ++run_.requests[id].calls_out;
      const RequestId cid = run_.requests.acquire();  // may move every request: no reference kept across it
      start_call_request(run_, cid, id, visit, first_shape + static_cast<uint32_t>(k), now);
      Request& c = run_.requests[cid];
      c.measured = run_.measuring;
      service_.stats().on_call(c.measured);
      Router::start(c, *this, server, run_.server_nodes[server], now);
      run_.services[call.service_index]->send(cid, c, call.request_bytes);
    }
    Request& again = run_.requests[id];
    if (--again.calls_out > 0) return;  // on_reply() goes on when they are back
  }
}

void ServerStation::on_reply(RequestId cid, Request& c)
{
  const RequestId parent = c.parent;
  const uint64_t visit = c.parent_visit;
  const bool ok = c.ok();
  if (!ok) service_.stats().on_call_failed(c.measured);
  run_.requests.release(cid);  // the call's end: the caller has its answer
  Request& p = run_.requests[parent];
  if (!p.resident || p.visit != visit) {  // its server failed meanwhile: nobody waits for it
    run_.control.on_call_done();
    return;
  }
  if (!ok) p.call_failed = true;
  if (--p.calls_out > 0) return;
  start_calls(parent);
}

void ServerStation::call_group_done(RequestId id)
{
  Request& r = run_.requests[id];
  if (r.call_failed) {
    r.status = kInternalError;
    finish(id);
    return;
  }
  const EndpointConfig& e = service_.config().endpoints[static_cast<size_t>(run_.shape(r).endpoint)];
  if (e.work_after) {
    r.phase = kWorkAfter;
    r.work = draw(e.work_after.get());
    run_.servers[r.server]->resume(id);
    return;
  }
  finish(id);
}

[[gnu::always_inline]] inline void ServerStation::finish(RequestId id)
{
  Request& r = run_.requests[id];
  const SimTime now = run_.sim.now();
  r.server_time = now - r.top().since;
  run_.servers[r.top().slot]->leave(id);
  const RequestShape& shape = run_.shape(r);
  if (front_door_ && service_.keeps_stats()) service_.stats().on_answer(r, shape.endpoint, r.server_time);
  run_.router.reply(id, r, [&] { return r.ok() ? shape.response_bytes : 0.0; });
}

}  // namespace lbsim::models
