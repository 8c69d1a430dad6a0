#include "models/gateway/gateway.hpp"

#include "models/gateway/stages/stages.hpp"
#include "models/requests/call_request.hpp"
#include "models/services/service.hpp"

#include <algorithm>

namespace lbsim::models {

namespace {
// Work tokens on the front end's workers: 0 is the admission's processing; a stage's work carries
// its pipeline position (+1) in the top byte; the aggregate's merge has the top bit.
constexpr uint32_t kMergeToken = 0x80000000u;
uint32_t stage_token(uint16_t position, uint32_t token) { return ((position + 1u) << 24) | (token & 0xffffffu); }
}  // namespace

class Gateway::FrontendEnd final : public FrontendListener {
public:
  explicit FrontendEnd(Gateway& gateway) : gateway_(gateway) {}
  void on_frontend_admitted(RequestId id) override { gateway_.admitted(id); }
  void on_frontend_refused(RequestId id) override { gateway_.refused(id); }
  void on_frontend_work_done(RequestId id, uint32_t token) override { gateway_.work_done(id, token); }

private:
  Gateway& gateway_;
};

Gateway::Gateway(const GatewayConfig& config, RunContext& run, GatewayShapes shapes)
    : config_(config), run_(run), shapes_(std::move(shapes)),
      backoff_rng_(run.config.seed, "gateway:" + config.name + ":retries"),
      merge_rng_(run.config.seed, "gateway:" + config.name + ":merge"), routes_(config.routes.size())
{
  for (int i = 0; i < config_.instances; ++i) {
    BalancerConfig& fe = frontend_configs_.emplace_back();
    fe.name = config_.instances == 1 ? config_.name : config_.name + "#" + std::to_string(i + 1);
    fe.processing = config_.processing;
    fe.workers = config_.workers;
    fe.max_connections = config_.max_connections;
    fe.backlog = config_.backlog;
  }
  GatewayApi& api = *this;
  for (const GatewayConfig::Stage stage : config_.pipeline) {
    switch (stage) {
      case GatewayConfig::Stage::cors: stages_.push_back(make_cors_stage(config_, run_, api)); break;
      case GatewayConfig::Stage::auth: stages_.push_back(make_auth_stage(config_, run_, api, shapes_.auth)); break;
      case GatewayConfig::Stage::rate_limit:
        stages_.push_back(make_rate_limit_stage(config_, run_, api, shapes_.store));
        break;
      case GatewayConfig::Stage::cache: stages_.push_back(make_cache_stage(config_, run_, api)); break;
    }
  }
  tries_out_.assign(run_.config.services.size(), 0);
  retries_out_.assign(run_.config.services.size(), 0);
}

Gateway::~Gateway() = default;

void Gateway::build()
{
  handler_ = run_.sim.add_handler(*this);
  for (size_t i = 0; i < frontend_configs_.size(); ++i) {
    frontend_ends_.push_back(std::make_unique<FrontendEnd>(*this));
    frontends_.push_back(
        std::make_unique<BalancerFrontend>(frontend_configs_[i], run_.config.seed, run_.sim, *frontend_ends_.back()));
  }
}

void Gateway::grow_tables(size_t id)
{
  if (id < visits_.size()) return;
  const size_t n = std::max<size_t>(run_.requests.capacity(), id + 1);
  visits_.resize(n);
  calls_.resize(n);
  waiting_for_.resize(n, WaitFor::none);
  wait_token_.resize(n, 0);
}

const RouteConfig& Gateway::route(const GatewayVisit& v) const { return config_.routes[static_cast<size_t>(v.route)]; }

void Gateway::on_request(RequestId id, Request& r)
{
  grow_tables(id);
  const SimTime now = run_.sim.now();
  r.top().since = now;
  GatewayVisit& v = visits_[id];
  v = GatewayVisit{};
  v.number = ++visit_numbers_;
  v.arrived = now;
  // A client keeps reaching the replica its address hashes to (its keep-alive connections).
  const uint64_t mixed = uint64_t{run_.client_address(r)} * 0x9E3779B97F4A7C15ull;
  v.instance = static_cast<uint16_t>((mixed >> 32) % frontends_.size());
  v.route = run_.config.clients[r.client_group].mix[r.type].route;
  if (r.measured) {
    if (r.preflight) {
      ++preflights_;
      ++interval_.preflights;
    } else {
      ++requests_;
      if (v.route >= 0) ++routes_[static_cast<size_t>(v.route)].arrived;
    }
  }
  // A preflight takes no `processing`: the cors stage spends its own.
  frontends_[v.instance]->arrive(id, !r.preflight);
}

void Gateway::refused(RequestId id)
{
  Request& r = run_.requests[id];
  if (r.measured) ++overflow_;
  answer(id, kUnavailable, GatewayVisit::kOverflow, 0);
}

void Gateway::admitted(RequestId id)
{
  GatewayVisit& v = visits_[id];
  if (v.route < 0) {
    answer(id, config_.not_found, GatewayVisit::kNoRoute, 0);
    return;
  }
  v.stage = 0;
  run_stage(id);
}

// The request goes through the pipeline's stages that apply to it, then upstream.
void Gateway::run_stage(RequestId id)
{
  GatewayVisit& v = visits_[id];
  const Request& r = run_.requests[id];
  while (v.stage < stages_.size()) {
    GatewayStage& stage = *stages_[v.stage];
    if (stage.applies(r, v)) {
      v.entered = static_cast<uint8_t>(v.entered | (1u << v.stage));
      stage.on_request(id, r, v);
      return;
    }
    ++v.stage;
  }
  start_upstream(id);
}

void Gateway::proceed(RequestId id)
{
  ++visits_[id].stage;
  run_stage(id);
}

void Gateway::work(RequestId id, SimTime duration, uint32_t token)
{
  const GatewayVisit& v = visits_[id];
  frontends_[v.instance]->work(id, duration, stage_token(v.stage, token));
}

void Gateway::work_done(RequestId id, uint32_t token)
{
  GatewayVisit& v = visits_[id];
  if (v.number == 0) return;
  if (token == kMergeToken) {
    answer(id, kOk, 0, v.response_bytes);
    return;
  }
  const uint16_t position = static_cast<uint16_t>((token >> 24) - 1);
  stages_[position]->on_resume(id, run_.requests[id], v, token & 0xffffffu);
}

void Gateway::wait(RequestId id, SimTime delay, uint32_t token)
{
  GatewayVisit& v = visits_[id];
  waiting_for_[id] = WaitFor::stage;
  wait_token_[id] = token;
  v.wait_timer = run_.sim.schedule_in(delay, handler_, kWaitOver, timer_arg(id, v.number & 0xffffffffu));
}

void Gateway::wake(RequestId id, uint32_t token)
{
  GatewayVisit& v = visits_[id];
  run_.sim.cancel(v.wait_timer);
  v.wait_timer = {};
  waiting_for_[id] = WaitFor::none;
  stages_[v.stage]->on_resume(id, run_.requests[id], v, token);
}

void Gateway::call(RequestId id, uint32_t shape, SimTime timeout, uint32_t token, SimTime work)
{
  GatewayVisit& v = visits_[id];
  if (timeout > SimTime::zero()) {
    waiting_for_[id] = WaitFor::stage_call;
    wait_token_[id] = token;
    v.wait_timer = run_.sim.schedule_in(timeout, handler_, kWaitOver, timer_arg(id, v.number & 0xffffffffu));
  }
  send_call(id, shape, CallKind::stage, v.stage, token, SimTime::zero(), work);
}

void Gateway::handle(const engine::Event& event)
{
  if (event.kind() == kFrontendWork) return;  // never scheduled here: the front ends have their own handlers
  on_timer(event);
}

void Gateway::on_timer(const engine::Event& event)
{
  if (event.kind() == kPerTryTimeout) {
    const RequestId cid = static_cast<RequestId>(event.arg & 0xffffffffu);
    Call& call = calls_[cid];
    if (call.kind != CallKind::attempt) return;
    GatewayVisit& v = visits_[call.parent];
    if (v.number != call.visit || call.seq != v.call_seq) return;
    // Envoy resets the try: it no longer counts as active, and its late answer is dropped.
    const uint32_t service = run_.shapes[run_.requests[cid].shape].service;
    --tries_out_[service];
    if (call.index > 0) --retries_out_[service];
    call.kind = CallKind::none;
    ++v.call_seq;
    v.try_child = kNoRequest;
    try_done(call.parent, 504, kCauseNone, 0);
    return;
  }
  const RequestId id = static_cast<RequestId>(event.arg & 0xffffffffu);
  GatewayVisit& v = visits_[id];
  if (stale(event, v)) return;
  if (event.kind() == kRouteTimeout) {
    v.route_timer = {};
    if (run_.requests[id].measured) ++timeouts_;
    if (route(v).aggregate) {
      finish_aggregate(id, true);
      return;
    }
    ++v.call_seq;  // the try out now is abandoned
    upstream_failed(id, 504, GatewayVisit::kUpstreamTimeout);
    return;
  }
  // kWaitOver
  v.wait_timer = {};
  const WaitFor what = waiting_for_[id];
  waiting_for_[id] = WaitFor::none;
  switch (what) {
    case WaitFor::backoff: start_try(id); return;
    case WaitFor::stage: stages_[v.stage]->on_resume(id, run_.requests[id], v, wait_token_[id]); return;
    case WaitFor::stage_call:
      ++v.call_seq;  // its late answer is dropped
      stages_[v.stage]->on_call_answer(id, run_.requests[id], v, 504, wait_token_[id]);
      return;
    case WaitFor::none: return;
  }
}

RequestId Gateway::send_call(RequestId id, uint32_t shape, CallKind kind, uint16_t index, uint32_t token,
                             SimTime per_try_timeout, std::optional<SimTime> work)
{
  const RequestId cid = run_.requests.acquire();  // may move every request: no reference kept across it
  grow_tables(cid);
  const SimTime now = run_.sim.now();
  const GatewayVisit& v = visits_[id];
  start_call_request(run_, cid, id, v.number, shape, now);
  Request& c = run_.requests[cid];
  const Request& p = run_.requests[id];
  c.measured = p.measured;
  c.work = work ? *work : p.work;  // a service without endpoints serves the client's own work
  c.resource = p.resource;
  Call& call = calls_[cid];
  call = Call{id, v.number, v.call_seq, kind, index, token, {}};
  if (kind == CallKind::attempt) {
    visits_[id].try_child = cid;
    if (per_try_timeout > SimTime::zero())
      call.per_try_timer = run_.sim.schedule_in(per_try_timeout, handler_, kPerTryTimeout, timer_arg(cid, 0));
  }
  Router::start(c, *this, v.instance, node_, now);
  const RequestShape& s = run_.shapes[shape];
  run_.services[s.service]->send(cid, c, s.request_bytes);  // may answer at once (a refusal)
  return cid;
}

void Gateway::on_reply(RequestId cid, Request& c)
{
  const Call call = calls_[cid];
  calls_[cid].kind = CallKind::none;
  const RequestShape& shape = run_.shapes[c.shape];
  const uint16_t status = c.status;
  const uint8_t cause = c.cause;
  const double bytes = c.ok() ? shape.response_bytes : 0.0;
  if (call.kind == CallKind::attempt) {
    --tries_out_[shape.service];
    if (call.index > 0) --retries_out_[shape.service];
    run_.sim.cancel(call.per_try_timer);
  }
  run_.requests.release(cid);  // the call's end: the gateway has its answer
  GatewayVisit& v = visits_[call.parent];
  if (call.kind == CallKind::none || v.number != call.visit || call.seq != v.call_seq) {
    run_.control.on_call_done();  // nobody waits for it any more
    return;
  }
  switch (call.kind) {
    case CallKind::attempt:
      v.try_child = kNoRequest;
      try_done(call.parent, status, cause, bytes);
      return;
    case CallKind::branch: branch_done(call.parent, call.index, status == kOk, bytes); return;
    case CallKind::stage:
      if (waiting_for_[call.parent] == WaitFor::stage_call) {
        run_.sim.cancel(v.wait_timer);
        v.wait_timer = {};
        waiting_for_[call.parent] = WaitFor::none;
      }
      stages_[call.index]->on_call_answer(call.parent, run_.requests[call.parent], v, status, call.token);
      return;
    case CallKind::none: return;
  }
}

void Gateway::answer(RequestId id, int status, uint32_t flag, double bytes)
{
  Request& r = run_.requests[id];
  GatewayVisit& v = visits_[id];
  const SimTime now = run_.sim.now();
  v.status = static_cast<uint16_t>(status);
  v.flags |= flag;
  r.status = static_cast<uint16_t>(status);
  // With a network, the response time splits at the gateway: the client's legs are network time,
  // everything from the gateway's arrival to its answer (the services behind it too) server time.
  r.server_time = now - v.arrived;
  if (v.flags & GatewayVisit::kRateLimited) r.cause = kCauseRateLimited;
  if (v.flags & GatewayVisit::kNoRoute) r.cause = kCauseNoRoute;
  if (v.flags & GatewayVisit::kAuthDenied) r.cause = kCauseAuthDenied;
  for (size_t pos = stages_.size(); pos-- > 0;)
    if (v.entered & (1u << pos)) stages_[pos]->on_leave(id, r, v);
  if (v.upstream) {
    v.upstream = false;
    v.upstream_time = now - v.upstream_start;
  }
  if (r.measured) {
    if (v.cache != GatewayVisit::CacheStatus::none && v.cache != GatewayVisit::CacheStatus::bypass) {
      ++interval_.cache_lookups;
      if (v.cache == GatewayVisit::CacheStatus::hit || v.cache == GatewayVisit::CacheStatus::stale ||
          v.cache == GatewayVisit::CacheStatus::updating)
        ++interval_.cache_hits;
    }
    // Upstream time and tries per route; an aggregate's tries are the backends it called.
    const uint32_t tries = v.route >= 0 && route(v).aggregate ? v.next_branch : v.attempts;
    if (v.route >= 0 && tries > 0 && !r.preflight) {
      RouteStats& rs = routes_[static_cast<size_t>(v.route)];
      ++rs.went_upstream;
      rs.attempts += tries;
      rs.upstream.record(v.upstream_time.ns());
    }
  }
  if (access_log_) {
    const RequestType& type = run_.config.clients[r.client_group].mix[r.type];
    AccessLogRow row;
    row.time_s = v.arrived.seconds();
    row.client = run_.client_address(r);
    static const std::string kOptions = "OPTIONS";
    row.method = r.preflight ? &kOptions : &type.method;
    row.path = &type.path;
    row.resource = r.resource;
    row.preflight = r.preflight;
    if (v.route >= 0) {
      const RouteConfig& rc = route(v);
      row.route = &rc.name;
      if (!rc.aggregate && v.attempts > 0) row.service = &rc.service;
    }
    row.status = status;
    row.flags = v.flags;
    row.bytes_in = r.preflight ? 0 : run_.shapes[r.shape].request_bytes;  // a preflight has no body
    row.bytes_out = bytes;
    row.duration_s = (now - v.arrived).seconds();
    row.upstream_s = v.attempts > 0 || v.branches_ok > 0 ? v.upstream_time.seconds() : -1;
    static const char* const kCacheText[] = {"", "HIT", "MISS", "STALE", "UPDATING", "BYPASS"};
    row.cache = kCacheText[static_cast<int>(v.cache)];
    // A cached route's request that its cache does not take (a method it does not cache) went
    // past it: nginx logs BYPASS.
    if (v.cache == GatewayVisit::CacheStatus::none && v.route >= 0 && route(v).cache && v.attempts > 0) row.cache = "BYPASS";
    row.attempts = v.attempts;
    row.limiter = v.limiter;
    access_log_->on_access(row);
  }
  const uint16_t instance = v.instance;
  end_visit(id, v);
  run_.router.reply(id, r, [bytes] { return bytes; });
  frontends_[instance]->leave();
}

void Gateway::upstream_failed(RequestId id, int status, uint32_t flag)
{
  GatewayVisit& v = visits_[id];
  v.flags |= flag;
  for (size_t pos = 0; pos < stages_.size(); ++pos)
    if ((v.entered & (1u << pos)) && stages_[pos]->on_upstream_error(id, run_.requests[id], v)) return;
  answer(id, status, 0, 0);
}

void Gateway::end_visit(RequestId id, GatewayVisit& v)
{
  run_.sim.cancel(v.route_timer);
  run_.sim.cancel(v.wait_timer);
  v.route_timer = v.wait_timer = {};
  waiting_for_[id] = WaitFor::none;
  if (v.try_child != kNoRequest) {
    run_.sim.cancel(calls_[v.try_child].per_try_timer);
    v.try_child = kNoRequest;
  }
  v.number = 0;
}

void Gateway::on_client_received(RequestId id, const Request& r)
{
  const GatewayVisit& v = visits_[id];
  if (!r.measured) return;
  const uint16_t s = r.status;
  if (s < 300) ++interval_.status_2xx;
  else if (s == 429) ++interval_.status_429;
  else if (s < 500) ++interval_.status_4xx;
  else ++interval_.status_5xx;
  if (v.route < 0) return;
  RouteStats& rs = routes_[static_cast<size_t>(v.route)];
  ++rs.by_status[s];
  if (r.cause == kCauseRateLimited) ++rs.rate_limited;
  rs.latency.record((run_.sim.now() - r.sent).ns());
}

GatewayIntervalCounts Gateway::close_interval()
{
  const GatewayIntervalCounts out = interval_;
  interval_ = GatewayIntervalCounts{};
  return out;
}

void Gateway::reset_measurement(SimTime now)
{
  for (auto& fe : frontends_) fe->reset_measurement(now);
  for (auto& stage : stages_) stage->reset_measurement(now);
  for (RouteStats& rs : routes_) rs.reset();
  retries_ = timeouts_ = overflow_ = retry_overflow_ = 0;
  aggregates_complete_ = aggregates_partial_ = aggregates_failed_ = 0;
  preflights_ = requests_ = 0;
  interval_ = GatewayIntervalCounts{};
}

GatewaySummary Gateway::summary(SimTime now) const
{
  GatewaySummary s;
  BalancerSummary& st = s.station;
  st.name = config_.name;
  st.algorithm = "gateway";
  st.workers = config_.workers;
  st.max_connections = config_.max_connections.value_or(0);
  for (const auto& fe : frontends_) {
    const FrontendSummary f = fe->summary(now);
    st.utilization += f.utilization / static_cast<double>(frontends_.size());
    st.mean_run_queue += f.mean_run_queue;
    st.mean_backlog += f.mean_backlog;
    st.mean_in_progress += f.mean_in_progress;
    st.max_in_progress = std::max(st.max_in_progress, f.max_in_progress);
    st.rejected += f.refused;
  }
  for (const auto& stage : stages_) stage->summarize(s, now);
  if (s.cors) {
    s.cors->preflights = preflights_;
    s.cors->preflights_per_request = requests_ ? static_cast<double>(preflights_) / static_cast<double>(requests_) : 0;
  }
  s.retries = retries_;
  s.timeouts = timeouts_;
  s.overflow = overflow_;
  s.retry_overflow = retry_overflow_;
  s.aggregates_complete = aggregates_complete_;
  s.aggregates_partial = aggregates_partial_;
  s.aggregates_failed = aggregates_failed_;
  double busy = 0;
  for (const auto& fe : frontends_) busy += fe->busy_seconds();
  s.busy_s = busy;
  if (s.auth && busy > 0) s.auth->time_share = s.auth->cpu_s / busy;
  return s;
}

std::vector<RouteSummary> Gateway::route_summaries(SimTime now, SimTime measured_since,
                                                   const std::vector<double>& percentiles) const
{
  std::vector<RouteSummary> out;
  const double window = (now - measured_since).seconds();
  for (size_t i = 0; i < routes_.size(); ++i) {
    const RouteStats& rs = routes_[i];
    RouteSummary& s = out.emplace_back();
    s.name = config_.routes[i].name;
    s.arrived = rs.arrived;
    s.rate_rps = window > 0 ? static_cast<double>(rs.arrived) / window : 0;
    s.by_status = rs.by_status;
    uint64_t answered = 0, errors = 0;
    for (const auto& [status, n] : rs.by_status) {
      answered += n;
      if (status >= 500) errors += n;
    }
    s.error_rate = answered ? static_cast<double>(errors) / static_cast<double>(answered) : 0;
    s.rate_limited = rs.rate_limited;
    s.latency.count = rs.latency.count();
    if (rs.latency.count()) {
      s.latency.mean_s = rs.latency.mean() * 1e-9;
      s.latency.max_s = static_cast<double>(rs.latency.max()) * 1e-9;
      for (double p : percentiles)
        s.latency.percentiles_s.emplace_back(p, static_cast<double>(rs.latency.quantile(p / 100.0)) * 1e-9);
    }
    if (rs.upstream.count()) {
      s.upstream_mean_s = rs.upstream.mean() * 1e-9;
      s.upstream_p99_s = static_cast<double>(rs.upstream.quantile(0.99)) * 1e-9;
    }
    s.attempts_mean = rs.went_upstream ? static_cast<double>(rs.attempts) / static_cast<double>(rs.went_upstream) : 0;
  }
  return out;
}

}  // namespace lbsim::models
