// The gateway's upstream side (docs/gateway.md, "Upstream"): tries to the route's service with
// Envoy's route timeout, per-try timeout, retry_on, jittered backoff and retry budget; or an
// aggregate's fan-out to several services (KrakenD).
#include "models/gateway/gateway.hpp"

#include "models/services/service.hpp"

#include <algorithm>

namespace lbsim::models {

void Gateway::start_upstream(RequestId id)
{
  GatewayVisit& v = visits_[id];
  const RouteConfig& rc = route(v);
  const SimTime now = run_.sim.now();
  v.upstream = true;
  v.upstream_start = now;
  const uint64_t stamp = v.number & 0xffffffffu;
  if (rc.aggregate) {
    const AggregateConfig& a = *rc.aggregate;
    if (a.timeout > SimTime::zero())
      v.route_timer = run_.sim.schedule_in(a.timeout, handler_, kRouteTimeout, timer_arg(id, stamp));
    v.branches_out = 1;  // held until every branch is out, so none can finish the aggregate early
    const uint16_t first_round = a.sequential ? 1 : static_cast<uint16_t>(a.backends.size());
    for (uint16_t k = 0; k < first_round; ++k) start_branch(id, k);
    GatewayVisit& again = visits_[id];
    again.next_branch = first_round;
    if (--again.branches_out == 0 && again.number != 0) finish_aggregate(id, false);
    return;
  }
  if (rc.timeout > SimTime::zero())
    v.route_timer = run_.sim.schedule_in(rc.timeout, handler_, kRouteTimeout, timer_arg(id, stamp));
  start_try(id);
}

void Gateway::start_try(RequestId id)
{
  GatewayVisit& v = visits_[id];
  const RouteConfig& rc = route(v);
  const Request& r = run_.requests[id];
  const uint32_t shape = shapes_.upstream_base + r.shape;
  const uint32_t service = run_.shapes[shape].service;
  const uint16_t retry = v.attempts;  // 0: the first try
  ++v.attempts;
  ++tries_out_[service];
  if (retry > 0) ++retries_out_[service];
  const SimTime per_try = rc.retries ? rc.retries->per_try_timeout : SimTime::zero();
  send_call(id, shape, CallKind::attempt, retry, 0, per_try);
}

// Envoy's retry_on, on what the try got back.
bool Gateway::retriable(const RouteConfig& rc, const Request& r, uint16_t status, uint8_t cause) const
{
  if (!rc.retries) return false;
  const RetryPolicy& p = *rc.retries;
  const std::string& method = run_.shapes[r.shape].method;
  const bool idempotent = method != "POST" && method != "PATCH";
  if (!idempotent && !p.non_idempotent) return false;
  if (cause == kCauseOverflow) return false;  // a circuit breaker's 503 UO is returned as it is
  if (p.on_5xx && status >= 500) return true;
  if (p.on_gateway_error && (status == 502 || status == 503 || status == 504)) return true;
  if (p.on_reset && (cause == kCauseReset || status == 504)) return true;
  if (p.on_connect_failure && cause == kCauseConnectFailure) return true;
  return false;
}

// Retries out at once to a service: the route's budget (budget_percent of the tries out, at least
// min_concurrency), or without one the service's max_retries circuit breaker (Envoy's 3 when the
// service sets none).
bool Gateway::retry_allowed(const RetryPolicy& p, uint32_t service) const
{
  if (p.budget_percent)
    return retries_out_[service] < std::max<double>(*p.budget_percent * tries_out_[service], p.budget_min_concurrency);
  const ServiceConfig& sc = run_.config.services[service];
  const uint64_t limit = sc.circuit_breaker ? sc.circuit_breaker->max_retries : 3;
  return retries_out_[service] < limit;
}

// Envoy's JitteredExponentialBackOffStrategy: the n-th retry waits a whole number of milliseconds
// drawn uniformly from [0, min(base x 2^(n-1), max)).
SimTime Gateway::backoff(const RetryPolicy& p, uint16_t retry)
{
  int64_t interval_ms = std::max<int64_t>(1, p.backoff_base.ns() / 1'000'000);
  const int64_t max_ms = std::max<int64_t>(1, p.backoff_max.ns() / 1'000'000);
  for (uint16_t k = 1; k < retry && interval_ms < max_ms; ++k) interval_ms *= 2;
  interval_ms = std::min(interval_ms, max_ms);
  return engine::milliseconds(static_cast<int64_t>(backoff_rng_.below(static_cast<uint64_t>(interval_ms))));
}

void Gateway::try_done(RequestId id, uint16_t status, uint8_t cause, double bytes)
{
  GatewayVisit& v = visits_[id];
  if (status == kOk) {
    answer(id, kOk, 0, bytes);
    return;
  }
  const RouteConfig& rc = route(v);
  const Request& r = run_.requests[id];
  uint32_t flag = 0;
  if (cause == kCauseOverflow) flag = GatewayVisit::kOverflow;
  else if (cause == kCauseNoHealthy) flag = GatewayVisit::kNoHealthy;
  else if (status == 504) flag = GatewayVisit::kUpstreamTimeout;
  else if (status == kBadGateway) flag = GatewayVisit::kUpstreamReset;
  if (retriable(rc, r, status, cause)) {
    const uint32_t service = run_.shapes[shapes_.upstream_base + r.shape].service;
    const RetryPolicy& p = *rc.retries;
    if (v.attempts <= p.max) {
      if (retry_allowed(p, service)) {
        if (r.measured) ++retries_;
        waiting_for_[id] = WaitFor::backoff;
        v.wait_timer = run_.sim.schedule_in(backoff(p, v.attempts), handler_, kWaitOver,
                                            timer_arg(id, v.number & 0xffffffffu));
        return;
      }
      if (r.measured) ++retry_overflow_;
    } else {
      flag |= GatewayVisit::kRetryLimit;
    }
  }
  if (status == 504 && r.measured) ++timeouts_;
  if (flag & GatewayVisit::kOverflow && r.measured) ++overflow_;
  upstream_failed(id, status, flag);
}

void Gateway::start_branch(RequestId id, uint16_t backend)
{
  GatewayVisit& v = visits_[id];
  const uint32_t shape = shapes_.first_branch[static_cast<size_t>(v.route)] + backend;
  ++v.branches_out;
  send_call(id, shape, CallKind::branch, backend, 0, SimTime::zero());
}

void Gateway::branch_done(RequestId id, uint16_t /*backend*/, bool ok, double bytes)
{
  GatewayVisit& v = visits_[id];
  if (ok) {
    ++v.branches_ok;
    v.response_bytes += bytes;
  }
  const AggregateConfig& a = *route(v).aggregate;
  // KrakenD's sequential proxy goes on only while the chain holds.
  if (a.sequential && ok && v.next_branch < a.backends.size()) {
    --v.branches_out;
    start_branch(id, v.next_branch++);
    return;
  }
  if (--v.branches_out > 0) return;
  finish_aggregate(id, false);
}

// Every branch is back, or the aggregate's timeout came first: KrakenD answers 200 when all parts
// arrived, 200 with what arrived when `partial` allows it (X-KrakenD-Completed: false), else 500.
void Gateway::finish_aggregate(RequestId id, bool timed_out)
{
  GatewayVisit& v = visits_[id];
  const AggregateConfig& a = *route(v).aggregate;
  const bool measured = run_.requests[id].measured;
  run_.sim.cancel(v.route_timer);
  v.route_timer = {};
  ++v.call_seq;  // branches still out are dropped when they come back
  v.branches_out = 0;
  v.upstream = false;
  v.upstream_time = run_.sim.now() - v.upstream_start;
  const bool complete = v.branches_ok == a.backends.size();
  const uint32_t flag = timed_out ? uint32_t{GatewayVisit::kUpstreamTimeout} : 0u;
  if (!complete && !(a.partial && v.branches_ok > 0)) {
    if (measured) ++aggregates_failed_;
    upstream_failed(id, kInternalError, flag);
    return;
  }
  if (measured) ++(complete ? aggregates_complete_ : aggregates_partial_);
  v.flags |= flag;
  if (a.merge_work) {
    frontends_[v.instance]->work(id, SimTime::from_seconds(a.merge_work->sample(merge_rng_)), 0x80000000u);
    return;
  }
  answer(id, kOk, 0, v.response_bytes);
}

}  // namespace lbsim::models
