#include "models/balancers/load_balancer.hpp"

#include "models/services/service.hpp"

namespace lbsim::models {

namespace {
BalancerOptions options_of(const BalancerConfig& b, const ServiceConfig& service)
{
  BalancerOptions options = b.options;
  for (const ServerConfig& s : service.servers) options.server_names.push_back(s.name);
  return options;
}

std::vector<PoolMember> pool_of(const ServiceConfig& service)
{
  std::vector<PoolMember> pool;
  for (const ServerConfig& s : service.servers) pool.push_back(PoolMember{s.weight, 0, true});
  return pool;
}
}  // namespace

LoadBalancer::LoadBalancer(Service& service, const BalancerConfig& config, const BalancerRegistry& algorithms,
                           RunContext& run, HealthListener& health)
    : service_(service), config_(config), run_(run), health_listener_(health),
      pool_(config, algorithms.create(config.algorithm, options_of(config, service.config())), pool_of(service.config()),
            run.config.seed),
      health_(service.config().servers.size()), passive_(service.config().servers.size())
{
  if (config_.layer == 4) connections_ = std::make_unique<ConnectionTable>(config_.requests_per_connection);
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
}

void LoadBalancer::on_request(RequestId id, Request& r)
{
  if (service_.keeps_stats()) service_.stats().on_arrival(r, run_.shape(r).endpoint);
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
  run_.report(Hop{r, service_.index(), kNoServer, HopOutcome::balancer_full});
  r.status = kUnavailable;
  if (service_.keeps_stats()) service_.stats().on_answer(r, run_.shape(r).endpoint, run_.sim.now() - r.top().since);
  run_.router.reply(id, r, 0.0);
}

[[gnu::always_inline]] inline ServerChoice LoadBalancer::pick(const Request& r)
{
  const uint32_t address = run_.client_address(r);
  if (connections_) {
    if (const ServerChoice server = connections_->reuse(address, pool_.pool())) {
      pool_.assign(*server);
      return server;
    }
  }
  const ServerChoice choice = pool_.choose(address, run_.shape(r).path, run_.sim.now());
  if (connections_ && choice) connections_->open(address, *choice);
  return choice;
}

// Sends the request on to the chosen member's server, or, with none, a 503 back.
[[gnu::always_inline]] inline void LoadBalancer::forward(RequestId id, Request& r, ServerChoice choice)
{
  if (!choice) {
    run_.report(Hop{r, service_.index(), kNoServer, HopOutcome::no_server});
    r.status = kUnavailable;
    answer(id, r, 0.0);
    return;
  }
  const uint32_t member = *choice;
  const uint32_t server = service_.members()[member];
  const SimTime now = run_.sim.now();
  r.top().slot = member;
  r.dispatched = now;
  run_.router.forward(id, r, service_.station(), server, run_.server_nodes[server], now, run_.shape(r).request_bytes);
}

[[gnu::always_inline]] inline void LoadBalancer::answer(RequestId id, Request& r, double bytes)
{
  if (service_.keeps_stats()) service_.stats().on_answer(r, run_.shape(r).endpoint, run_.sim.now() - r.top().since);
  run_.router.reply(id, r, bytes);
  if (frontend_) frontend_->leave();
}

[[gnu::flatten]] void LoadBalancer::on_reply(RequestId id, Request& r)
{
  const uint32_t member = r.top().slot;
  if (r.status == kBadGateway) {  // the server failed it (a crash, or it was not running)
    pool_.release(member);
    passive_failure(member);
    retry_or_fail(id, member);
    return;
  }
  if (r.status == kUnavailable) pool_.release(member);
  else pool_.on_response(member, run_.sim.now() - r.dispatched, run_.sim.now());
  answer(id, r, r.ok() ? run_.shape(r).response_bytes : 0.0);
}

// After a failed attempt (its member released): another server if retries remain.
void LoadBalancer::retry_or_fail(RequestId id, uint32_t failed_member)
{
  Request& r = run_.requests[id];
  if (r.attempts < config_.retries) {
    ++r.attempts;
    ++retried_;
    r.status = kOk;
    forward(id, r, pool_.choose_excluding(failed_member, run_.client_address(r), run_.shape(r).path, run_.sim.now()));
    return;
  }
  // The request leaves the balancer failed (its slot under max_connections is free again).
  if (frontend_) frontend_->leave();
  if (service_.keeps_stats()) service_.stats().on_answer(r, run_.shape(r).endpoint, run_.sim.now() - r.top().since);
  run_.router.reply(id, r, 0.0);
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
  pool_.set_eligible(member, in_rotation && health_[member].up() && !passive_[member].down());
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

void LoadBalancer::add_member(int weight, std::span<const std::string> names, bool checked)
{
  // With a health check a new server gets requests only once `rise` checks have passed.
  health_.emplace_back(!checked);
  passive_.emplace_back();
  pool_.add_member(weight, names);
}

}  // namespace lbsim::models
