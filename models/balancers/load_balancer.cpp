#include "models/balancers/load_balancer.hpp"

#include "models/balancers/algorithms/backup_split.hpp"
#include "models/services/service.hpp"

#include <algorithm>

namespace lbsim::models {

namespace {
bool has_slow_start(const ServiceConfig& service)
{
  return std::any_of(service.servers.begin(), service.servers.end(),
                     [](const ServerConfig& s) { return s.slow_start > SimTime::zero(); });
}

BalancerOptions options_of(const BalancerConfig& b, const ServiceConfig& service)
{
  BalancerOptions options = b.options;
  for (const ServerConfig& s : service.servers) options.server_names.push_back(s.name);
  options.weights_in_sixteenths = has_slow_start(service);
  return options;
}

// With slow start the weights count sixteenths, so that a ramp can give a fraction of one.
int pool_weight(const ServerConfig& s, bool sixteenths) { return sixteenths ? SlowStart::full_weight(s.weight) : s.weight; }

std::vector<PoolMember> pool_of(const ServiceConfig& service)
{
  std::vector<PoolMember> pool;
  const bool sixteenths = has_slow_start(service);
  for (const ServerConfig& s : service.servers)
    pool.push_back(PoolMember{pool_weight(s, sixteenths), 0, !s.starts_down, s.backup, static_cast<uint32_t>(s.max_conns)});
  return pool;
}

std::unique_ptr<Balancer> algorithm_of(const BalancerConfig& b, const ServiceConfig& service,
                                       const BalancerRegistry& algorithms)
{
  const bool has_backups =
      std::any_of(service.servers.begin(), service.servers.end(), [](const ServerConfig& s) { return s.backup; });
  return create_for_pool(algorithms, b.algorithm, options_of(b, service), has_backups, b.backups);
}

std::vector<uint64_t> max_conns_of(const ServiceConfig& service)
{
  std::vector<uint64_t> limits;
  for (const ServerConfig& s : service.servers) limits.push_back(s.max_conns);
  return limits;
}

// worker_processes > 1: one more algorithm, with a state of its own, per further worker.
std::vector<std::unique_ptr<Balancer>> worker_algorithms(const BalancerConfig& b, const ServiceConfig& service,
                                                         const BalancerRegistry& algorithms)
{
  std::vector<std::unique_ptr<Balancer>> workers;
  for (int w = 1; w < b.worker_processes; ++w) workers.push_back(algorithm_of(b, service, algorithms));
  return workers;
}

std::vector<bool> starts_down(const ServiceConfig& service)
{
  std::vector<bool> down;
  for (const ServerConfig& s : service.servers) down.push_back(s.starts_down);
  return down;
}
}  // namespace

LoadBalancer::LoadBalancer(Service& service, const BalancerConfig& config, const BalancerRegistry& algorithms,
                           RunContext& run, HealthListener& health)
    : service_(service), config_(config), run_(run), health_listener_(health),
      pool_(config, algorithm_of(config, service.config(), algorithms), pool_of(service.config()), run.config.seed,
            worker_algorithms(config, service.config(), algorithms)),
      health_(service.config().servers.size()), passive_(service.config().servers.size()),
      disabled_(starts_down(service.config())), max_conns_(max_conns_of(service.config())),
      worker_seed_(engine::stable_hash("balancer:" + config.name + ":accept") ^ run.config.seed)
{
  for (uint32_t m = 0; m < disabled_.size(); ++m) max_conns_.set_usable(m, !disabled_[m]);  // as pool_of() starts them
  if (has_slow_start(service.config())) {
    slow_start_ = std::make_unique<SlowStart>(run.sim, static_cast<SlowStartListener&>(*this));
    for (const ServerConfig& s : service.config().servers) slow_start_->add_member(s.weight, s.slow_start, !s.starts_down);
  }
  if (config_.layer == 4) connections_ = std::make_unique<ConnectionTable>(config_.requests_per_connection);
  if (service.config().circuit_breaker) breaker_ = std::make_unique<CircuitBreaker>(*service.config().circuit_breaker);
  if (service.config().outlier_detection)
    outliers_ = std::make_unique<OutlierDetector>(*service.config().outlier_detection, service.config().servers.size());
}

void LoadBalancer::build_frontend()
{
  if (config_.has_frontend())
    frontend_ = std::make_unique<BalancerFrontend>(config_, run_.config.seed, run_.sim, static_cast<FrontendListener&>(*this));
}

void LoadBalancer::reset_measurement(SimTime now)
{
  if (frontend_) frontend_->reset_measurement(now);
  if (connections_) connections_->reset_measurement();
  if (breaker_) breaker_->reset_measurement();
  if (outliers_) outliers_->reset_measurement();
  if (queue_) queue_->reset_measurement(now);
  refused_full_ = 0;
}

void LoadBalancer::on_request(RequestId id, Request& r)
{
  if (service_.keeps_stats()) service_.stats().on_arrival(r, run_.shape(r).endpoint);
  if (breaker_) {
    switch (breaker_->admit(id)) {
      case CircuitBreaker::Admission::dispatch: break;
      case CircuitBreaker::Admission::pending: return;  // admitted() when a dispatched one is done
      case CircuitBreaker::Admission::overflow:
        run_.report(r, service_.index(), kNoServer, HopOutcome::overflow);
        r.status = kUnavailable;
        r.cause = kCauseOverflow;
        if (service_.keeps_stats()) service_.stats().on_answer(r, run_.shape(r).endpoint, SimTime::zero());
        run_.router.reply_empty(id, r);
        return;
    }
  }
  admitted(id, r);
}

void LoadBalancer::admitted(RequestId id, Request& r)
{
  if (!frontend_) {
    forward(id, r, pick(r));
    return;
  }
  // Layer 4 spends processing on the connection, not on the requests that ride it.
  frontend_->arrive(id, !(connections_ && connections_->has_open(run_.client_address(r))));
}

void LoadBalancer::on_frontend_admitted(RequestId id)
{
  Request& r = run_.requests[id];
  forward(id, r, pick(r));
}

// max_connections and the backlog were full: a 503 from the balancer itself.
void LoadBalancer::on_frontend_refused(RequestId id)
{
  Request& r = run_.requests[id];
  run_.report(r, service_.index(), kNoServer, HopOutcome::balancer_full);
  r.status = kUnavailable;
  r.cause = kCauseOverflow;
  if (service_.keeps_stats()) service_.stats().on_answer(r, run_.shape(r).endpoint, run_.sim.now() - r.top().since);
  run_.router.reply_empty(id, r);
  release_breaker();
}

[[gnu::always_inline]] inline ServerChoice LoadBalancer::pick(const Request& r)
{
  const uint32_t address = run_.client_address(r);
  if (connections_) {
    if (const ServerChoice server = connections_->reuse(address, pool_.pool())) {
      pool_.assign(*server, worker_of(r));
      return server;
    }
  }
  // HAProxy's assign_server(): while requests wait in the backend queue every server is full, so a
  // new request joins the queue without asking the algorithm, whose turn would otherwise move on.
  if (queue_ && !queue_->empty()) return std::nullopt;
  const ServerChoice choice = pool_.choose(address, run_.shape(r).path, run_.sim.now(), worker_of(r));
  if (connections_ && choice) connections_->open(address, *choice);
  return choice;
}

// Sends the request on to the chosen member's server, or, with none, a 503 back.
[[gnu::always_inline]] inline void LoadBalancer::forward(RequestId id, Request& r, ServerChoice choice)
{
  if (!choice) {
    if (max_conns_.any() && ((queue_ && !queue_->empty()) || max_conns_.only_full())) {
      wait_or_refuse(id, r);
      return;
    }
    run_.report(r, service_.index(), kNoServer, HopOutcome::no_server);
    if (breaker_ && r.attempts > 0) breaker_->retry_ended();
    r.status = kUnavailable;
    r.cause = kCauseNoHealthy;
    answer(id, r, false);
    return;
  }
  const uint32_t member = *choice;
  const uint32_t server = service_.members()[member];
  const SimTime now = run_.sim.now();
  r.top().slot = member;
  r.dispatched = now;
  if (max_conns_.any()) track_slots(member);
  run_.router.forward(id, r, service_.station(), server, now,
                      [&] { return Router::Leg{run_.server_nodes[server], run_.shape(r).request_bytes}; });
}

[[gnu::always_inline]] inline void LoadBalancer::answer(RequestId id, Request& r, bool with_body)
{
  if (service_.keeps_stats()) service_.stats().on_answer(r, run_.shape(r).endpoint, run_.sim.now() - r.top().since);
  run_.router.reply(id, r, [&] { return with_body && r.ok() ? run_.shape(r).response_bytes : 0.0; });
  if (frontend_) frontend_->leave();
  release_breaker();
}

// A request left: the circuit breaker's first waiting request, if any, takes its slot.
void LoadBalancer::release_breaker()
{
  if (!breaker_) return;
  const RequestId next = breaker_->release();
  if (next != kNoRequest) admitted(next, run_.requests[next]);
}

[[gnu::flatten]] void LoadBalancer::on_reply(RequestId id, Request& r)
{
  const uint32_t member = r.top().slot;
  if (breaker_ && r.attempts > 0) breaker_->retry_ended();
  if (outliers_ && outliers_->record(member, r.status >= kInternalError, run_.sim.now())) {
    refresh(member);
    health_listener_.on_ejected(service_.members()[member], outliers_->ejected_until(member) - run_.sim.now(),
                                outliers_->times_ejected(member));
  }
  if (r.status == kBadGateway) {  // the server failed it (a crash, or it was not running)
    pool_.release(member, worker_of(r));
    if (max_conns_.any()) track_slots(member);
    passive_failure(member);
    retry_or_fail(id, member);
    return;
  }
  if (r.status == kUnavailable) pool_.release(member, worker_of(r));
  else pool_.on_response(member, run_.sim.now() - r.dispatched, run_.sim.now(), worker_of(r));
  if (max_conns_.any()) track_slots(member);
  answer(id, r, true);
}

// After a failed attempt (its member released): another server if retries remain.
void LoadBalancer::retry_or_fail(RequestId id, uint32_t failed_member)
{
  Request& r = run_.requests[id];
  // A non-idempotent request (POST, PATCH) is not repeated unless the balancer is told it may be.
  const bool repeatable = config_.retry_non_idempotent || run_.shape(r).idempotent;
  const bool budget = !repeatable || !breaker_ || breaker_->retry_allowed();
  if (breaker_ && !budget && r.attempts < config_.retries) breaker_->count_retry_overflow();
  if (r.attempts < config_.retries && budget && repeatable) {
    if (breaker_) breaker_->retry_started();
    ++r.attempts;
    ++retried_;
    r.status = kOk;
    r.cause = kCauseNone;
    forward(id, r, pool_.choose_excluding(failed_member, run_.client_address(r), run_.shape(r).path, run_.sim.now(),
                                          worker_of(r)));
    return;
  }
  // The request leaves the balancer failed (its slot under max_connections is free again).
  if (frontend_) frontend_->leave();
  if (service_.keeps_stats()) service_.stats().on_answer(r, run_.shape(r).endpoint, run_.sim.now() - r.top().since);
  run_.router.reply_empty(id, r);
  release_breaker();
}

bool LoadBalancer::passive_enabled() const
{
  if (config_.passive) return config_.passive->max_fails > 0;
  return !config_.health_check;  // nginx's defaults when nothing else finds failures
}

void LoadBalancer::passive_failure(uint32_t member)
{
  if (!passive_enabled()) return;
  const PassiveConfig passive = config_.passive.value_or(PassiveConfig{});
  if (!passive_[member].record_failure(run_.sim.now(), passive)) return;
  health_listener_.on_passive_down(service_.members()[member], passive);
  refresh(member);
}

void LoadBalancer::refresh(uint32_t member)
{
  const ServerState state = run_.servers[service_.members()[member]]->state();
  const bool in_rotation = state == ServerState::up || state == ServerState::failed;
  const bool usable = in_rotation && !disabled_[member] && health_[member].up() && !passive_[member].down() &&
                      !(outliers_ && outliers_->ejected(member));
  max_conns_.set_usable(member, usable);
  if (slow_start_) slow_start_->set_in_rotation(member, usable);  // back in rotation: from a sixteenth
  // A full member stays eligible for an algorithm that passes over full members itself.
  pool_.set_eligible(member, pool_.algorithm_skips_full() ? usable : max_conns_.eligible(member));
  if (max_conns_.eligible(member)) serve_queue(member);
}

// The max_conns paths stay out of line: on_reply() is flattened, and inlining the queue (which forwards
// again) into it made the link-time optimiser run for many minutes.
[[gnu::noinline]] void LoadBalancer::track_slots(uint32_t member)
{
  if (!max_conns_.track(member, pool_.pool()[member].active)) return;
  if (pool_.algorithm_skips_full()) {
    if (max_conns_.eligible(member)) serve_queue(member);
  } else {
    refresh(member);
  }
}

// HAProxy's process_srv_queue(): a server with a free slot takes the oldest queued requests. The
// outermost call does the serving, so a request answered at once does not deepen the stack.
[[gnu::noinline]] void LoadBalancer::serve_queue(uint32_t member)
{
  if (!queue_ || serving_queue_) return;
  serving_queue_ = true;
  while (!queue_->empty() && max_conns_.eligible(member)) {
    const RequestId id = queue_->pop();
    pool_.assign(member, worker_of(run_.requests[id]));
    forward(id, run_.requests[id], member);
  }
  serving_queue_ = false;
}

[[gnu::noinline]] void LoadBalancer::wait_or_refuse(RequestId id, Request& r)
{
  if (!config_.queue) {
    ++refused_full_;
    refuse(id, r, HopOutcome::servers_full);
    return;
  }
  if (!queue_) queue_ = std::make_unique<BackendQueue>(config_.queue_timeout, run_.sim, static_cast<QueueListener&>(*this));
  queue_->push(id);
}

void LoadBalancer::on_queue_timeout(RequestId id) { refuse(id, run_.requests[id], HopOutcome::queue_timeout); }

// A 503 from the balancer's own limits: the request leaves without reaching a server.
[[gnu::noinline]] void LoadBalancer::refuse(RequestId id, Request& r, HopOutcome outcome)
{
  run_.report(r, service_.index(), kNoServer, outcome);
  if (breaker_ && r.attempts > 0) breaker_->retry_ended();
  r.status = kUnavailable;
  r.cause = kCauseOverflow;
  answer(id, r, false);
}

bool LoadBalancer::record_health(uint32_t member, bool success)
{
  const HealthCheckConfig& hc = *config_.health_check;
  if (!health_[member].record(success, hc.rise, hc.fall)) return false;
  refresh(member);
  return true;
}

void LoadBalancer::clear_passive(uint32_t member)
{
  passive_[member].clear();
  refresh(member);
}

std::vector<uint32_t> LoadBalancer::sweep_outliers(SimTime now)
{
  std::vector<uint32_t> back;
  if (!outliers_) return back;
  outliers_->sweep(now, [&](uint32_t member) {
    refresh(member);
    back.push_back(service_.members()[member]);
  });
  return back;
}

void LoadBalancer::add_member(const ServerConfig& server, std::span<const std::string> names, bool checked)
{
  if (outliers_) outliers_->add_member();
  // With a health check a new server gets requests only once `rise` checks have passed.
  health_.emplace_back(!checked);
  passive_.emplace_back();
  disabled_.push_back(server.starts_down);
  max_conns_.add_member(server.max_conns);
  // A new server ramps when it first enters rotation. It copies a group of the scenario, so a
  // slow_start of its own means the pool counts sixteenths already.
  if (slow_start_) slow_start_->add_member(server.weight, server.slow_start, false);
  pool_.add_member(pool_weight(server, slow_start_ != nullptr), server.backup, static_cast<uint32_t>(server.max_conns),
                   names);
}

void LoadBalancer::on_ramp_weight(uint32_t member, int weight) { pool_.set_weight(member, weight); }

bool LoadBalancer::set_disabled(uint32_t member, bool disabled)
{
  if (disabled_[member] == disabled) return false;
  disabled_[member] = disabled;
  refresh(member);
  return true;
}

}  // namespace lbsim::models
