#include "models/services/lifecycle.hpp"

#include "engine/exponential.hpp"
#include "models/services/service.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace lbsim::models {

namespace {
// Warm-up ends before anything else scheduled at the same instant.
constexpr int kWarmupEndPriority = -100;

// Event kinds on the lifecycle's handler.
enum LifecycleKind : uint32_t {
  kWarmupEnd = 0,
  kTimeline = 1,          // arg: index into config.timeline
  kProvisioned = 2,       // arg: server
  kRestarted = 3,         // arg: server (resize downtime over)
  kRandomFailure = 4,     // arg: server
  kRandomRepair = 5,      // arg: server
  kHealthCheck = 6,       // arg: server
  kHealthCheckFailed = 7, // arg: server (no answer within the timeout)
  kPassiveExpired = 8,    // arg: server
  kAutoscale = 9,
  kOutlierSweep = 10,     // arg: service
};

SimTime exponential(engine::RngStream& rng, SimTime mean)
{
  return SimTime::from_seconds(engine::standard_exponential(rng) * mean.seconds());
}

std::string format(const char* pattern, double value)
{
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, pattern, value);
  return buffer;
}
}  // namespace

Lifecycle::Lifecycle(RunContext& run, WarmupListener& warmup)
    : run_(run), warmup_(warmup), handler_(run.sim.add_handler(*this)), rng_(run.config.seed, "lifecycle"),
      no_capacity_(run.sim.now(), 0)
{
}

void Lifecycle::add_initial_servers()
{
  const SystemConfig& config = run_.config;
  for (const auto& server : run_.servers) {
    const ServerConfig& s = server->config();
    Life& life = life_.emplace_back();
    if (s.mtbf > SimTime::zero())
      life.failures = std::make_unique<engine::RngStream>(config.seed, "server:" + s.name + ":failures");
    service_of_group_.try_emplace(s.group, server->service());
  }
  for (Service* service : run_.services)
    if (service->autoscaled()) autoscaled_ = service;
}

void Lifecycle::log(std::string kind, const std::string& server, std::string detail)
{
  events_.push_back({run_.sim.now(), std::move(kind), server, std::move(detail)});
}

std::optional<uint32_t> Lifecycle::find_server(const std::string& name) const
{
  for (uint32_t i = 0; i < run_.servers.size(); ++i)
    if (run_.servers[i]->name() == name) return i;
  return std::nullopt;
}

LoadBalancer* Lifecycle::balancer_of(uint32_t server) const
{
  return run_.services[run_.servers[server]->service()]->balancer();
}

const HealthCheckConfig* Lifecycle::health_check_of(uint32_t server) const
{
  const LoadBalancer* balancer = balancer_of(server);
  return balancer && balancer->config().health_check ? &*balancer->config().health_check : nullptr;
}

void Lifecycle::schedule_warmup_end(SimTime at) { run_.sim.schedule_at(at, handler_, kWarmupEnd, 0, kWarmupEndPriority); }

void Lifecycle::start()
{
  engine::Simulation& sim = run_.sim;
  for (uint32_t i = 0; i < run_.config.timeline.size(); ++i) sim.schedule_at(run_.config.timeline[i].at, handler_, kTimeline, i);
  for (uint32_t i = 0; i < run_.servers.size(); ++i) {
    if (life_[i].failures)
      life_[i].pending = sim.schedule_in(exponential(*life_[i].failures, run_.servers[i]->config().mtbf), handler_,
                                         kRandomFailure, i);
    if (const HealthCheckConfig* hc = health_check_of(i)) sim.schedule_in(hc->interval, handler_, kHealthCheck, i);
  }
  if (autoscaled_) sim.schedule_in(autoscaled_->autoscaling().period, handler_, kAutoscale);
  for (const Service* service : run_.services)
    if (const auto& od = service->config().outlier_detection)
      sim.schedule_in(od->interval, handler_, kOutlierSweep, service->index());
}

void Lifecycle::reset_measurement(SimTime now) { no_capacity_.reset(now); }

void Lifecycle::handle(const engine::Event& event)
{
  if (event.kind() == kWarmupEnd) {
    warmup_.on_warmup_end();
    return;
  }
  on_lifecycle_event(event);
}

void Lifecycle::on_lifecycle_event(const engine::Event& event)
{
  engine::Simulation& sim = run_.sim;
  const auto server = static_cast<uint32_t>(event.arg);
  switch (event.kind()) {
    case kTimeline: apply(run_.config.timeline[event.arg]); return;
    case kProvisioned:
      life_[server].pending = {};
      set_server_state(server, ServerState::up);
      log("up", run_.servers[server]->name(), "provisioned");
      if (life_[server].failures)
        life_[server].pending = sim.schedule_in(exponential(*life_[server].failures, run_.servers[server]->config().mtbf),
                                                handler_, kRandomFailure, server);
      return;
    case kRestarted: {
      life_[server].pending = {};
      const TimelineAction& a = *life_[server].resize;
      run_.servers[server]->resize(a.cores, a.speed, a.price_per_hour, a.size);
      life_[server].resize.reset();
      set_server_state(server, ServerState::up);
      log("restarted", run_.servers[server]->name(),
          std::to_string(a.cores) + " cores, speed " + format("%g", a.speed) + (a.size.empty() ? "" : ", size " + a.size));
      return;
    }
    case kRandomFailure:
      life_[server].pending = {};
      fail_server(server, "random failure (mtbf)");
      return;
    case kRandomRepair:
      life_[server].pending = {};
      recover_server(server, "repaired (mttr)");
      return;
    case kHealthCheck: {
      const Server& s = *run_.servers[server];
      if (s.state() == ServerState::stopped) return;  // removed: no more checks
      const HealthCheckConfig& hc = *health_check_of(server);
      // A running server answers at once; a server that is not running does not answer, and the
      // check fails when its timeout expires.
      if (s.serving()) health_result(server, true);
      else sim.schedule_in(hc.timeout, handler_, kHealthCheckFailed, server);
      sim.schedule_in(hc.interval, handler_, kHealthCheck, server);
      return;
    }
    case kHealthCheckFailed: health_result(server, false); return;
    case kPassiveExpired:
      log("passive_up", run_.servers[server]->name(), "fail_timeout over");
      balancer_of(server)->clear_passive(run_.servers[server]->member());
      return;
    case kAutoscale:
      autoscale();
      sim.schedule_in(autoscaled_->autoscaling().period, handler_, kAutoscale);
      return;
    case kOutlierSweep: {
      Service& service = *run_.services[event.arg];
      for (const uint32_t back : service.balancer()->sweep_outliers(sim.now()))
        log("outlier_up", run_.servers[back]->name(), "ejection over");
      sim.schedule_in(service.config().outlier_detection->interval, handler_, kOutlierSweep, event.arg);
      return;
    }
    default: return;
  }
}

void Lifecycle::apply(const TimelineAction& a)
{
  using Kind = TimelineAction::Kind;
  switch (a.kind) {
    case Kind::rate:
      for (auto& client : *clients_)
        if (client->config().name == a.target) client->set_rate(a.rate_per_s);
      log("rate", a.target, format("%g/s", a.rate_per_s));
      return;
    case Kind::add: {
      log("scale_out", a.target, "timeline: +" + std::to_string(a.count));
      for (int k = 0; k < a.count; ++k) {
        const SimTime delay =
            a.provisioning_delay ? SimTime::from_seconds(a.provisioning_delay->sample(rng_)) : SimTime::zero();
        add_server(a.target, delay);
      }
      return;
    }
    case Kind::remove:
      log("scale_in", a.target, "timeline: -" + std::to_string(a.count));
      remove_servers(a.target, a.count);
      return;
    case Kind::enable:
    case Kind::disable: {
      const std::optional<uint32_t> server = find_server(a.target);
      if (!server || !balancer_of(*server)) return;
      const bool disable = a.kind == Kind::disable;
      if (balancer_of(*server)->set_disabled(run_.servers[*server]->member(), disable))
        log(disable ? "disable" : "enable", a.target, "timeline");
      return;
    }
    case Kind::fail:
    case Kind::recover:
    case Kind::resize: {
      const std::optional<uint32_t> server = find_server(a.target);
      if (!server) return;  // the loader checks names; a server added later may be named here
      if (a.kind == Kind::fail) fail_server(*server, "timeline");
      else if (a.kind == Kind::recover) recover_server(*server, "timeline");
      else resize_server(*server, a);
      return;
    }
  }
}

uint32_t Lifecycle::add_server(const std::string& group, SimTime delay)
{
  Service& service = *run_.services[service_of_group_.at(group)];
  const uint32_t index = service.pool().add_to_group(group, service.station(), ServerState::provisioning);
  const ServerConfig& config = run_.servers[index]->config();
  run_.server_nodes.push_back(transport_ ? transport_->add_server(config.name, group) : NodeId{0});
  Life& life = life_.emplace_back();
  if (config.mtbf > SimTime::zero())
    life.failures = std::make_unique<engine::RngStream>(run_.config.seed, "server:" + config.name + ":failures");
  if (LoadBalancer* balancer = service.balancer()) {
    const HealthCheckConfig* hc = health_check_of(index);
    std::vector<std::string> names;
    for (const uint32_t member : service.members()) names.push_back(run_.servers[member]->name());
    balancer->add_member(config, names, hc != nullptr);
    if (hc) run_.sim.schedule_in(hc->interval, handler_, kHealthCheck, index);
  }
  log("add", config.name, "provisioning " + format("%g s", delay.seconds()));
  if (delay > SimTime::zero()) life.pending = run_.sim.schedule_in(delay, handler_, kProvisioned, index);
  else on_lifecycle_event(engine::Event::make(run_.sim.now(), 0, index, 0, kProvisioned));
  return index;
}

// Scale-in takes servers still provisioning first (nothing to drain), then the newest running ones.
void Lifecycle::remove_servers(const std::string& group, int count)
{
  for (int pass = 0; pass < 2 && count > 0; ++pass) {
    const ServerState wanted = pass == 0 ? ServerState::provisioning : ServerState::up;
    for (uint32_t i = static_cast<uint32_t>(run_.servers.size()); i-- > 0 && count > 0;) {
      Server& s = *run_.servers[i];
      if (s.config().group != group || s.state() != wanted) continue;
      --count;
      if (wanted == ServerState::provisioning) {
        run_.sim.cancel(life_[i].pending);
        life_[i].pending = {};
        set_server_state(i, ServerState::stopped);
        log("stopped", s.name(), "removed while provisioning");
        continue;
      }
      run_.sim.cancel(life_[i].pending);  // no more random failures
      life_[i].pending = {};
      life_[i].removed = true;
      const bool idle = s.drain();
      set_server_state(i, ServerState::draining);
      log("drain", s.name(), std::to_string(s.resident()) + " requests to finish");
      if (idle) on_drained(i);
    }
  }
}

void Lifecycle::on_drained(uint32_t server)
{
  Life& life = life_[server];
  const std::string& name = run_.servers[server]->name();
  if (life.resize) {
    set_server_state(server, ServerState::restarting);
    log("restarting", name, format("downtime %g s", life.resize->downtime.seconds()));
    life.pending = run_.sim.schedule_in(life.resize->downtime, handler_, kRestarted, server);
    return;
  }
  set_server_state(server, ServerState::stopped);
  log("stopped", name, "drained");
}

// A resize is a restart: the server drains (its requests finish at the old size), is down for
// `downtime`, and comes back at the new size.
void Lifecycle::resize_server(uint32_t server, const TimelineAction& a)
{
  Server& s = *run_.servers[server];
  if (s.state() != ServerState::up) {
    log("resize_skipped", s.name(), std::string("server is ") + to_string(s.state()));
    return;
  }
  if (s.processor_sharing() && a.downtime == SimTime::zero()) {
    // Processor sharing, no downtime: a live change, the requests in service go on at the new rate.
    s.resize(a.cores, a.speed, a.price_per_hour, a.size);
    log("resize", s.name(),
        (a.size.empty() ? std::string{} : "to " + a.size + ", ") + std::to_string(a.cores) + " cores, speed " +
            format("%g", a.speed) + "; live, " + std::to_string(s.resident()) + " requests in service");
    return;
  }
  life_[server].resize = a;
  const bool idle = s.drain();
  set_server_state(server, ServerState::draining);
  log("resize", s.name(),
      (a.size.empty() ? std::string{} : "to " + a.size + ", ") + std::to_string(a.cores) + " cores, speed " +
          format("%g", a.speed) + "; draining " + std::to_string(s.resident()) + " requests");
  if (idle) on_drained(server);
}

void Lifecycle::fail_server(uint32_t server, const std::string& cause)
{
  Server& s = *run_.servers[server];
  if (s.state() == ServerState::failed || s.state() == ServerState::stopped) return;
  run_.sim.cancel(life_[server].pending);
  life_[server].pending = {};
  life_[server].resize.reset();
  const std::vector<RequestId> dropped = s.fail();
  set_server_state(server, ServerState::failed);
  log("fail", s.name(), cause + "; " + std::to_string(dropped.size()) + " requests dropped");
  ServerStation& station = run_.services[s.service()]->station();
  for (const RequestId id : dropped) station.drop(id);
  if (life_[server].failures)
    life_[server].pending = run_.sim.schedule_in(exponential(*life_[server].failures, s.config().mttr), handler_,
                                                 kRandomRepair, server);
}

void Lifecycle::recover_server(uint32_t server, const std::string& cause)
{
  Server& s = *run_.servers[server];
  if (s.state() != ServerState::failed) return;
  run_.sim.cancel(life_[server].pending);
  life_[server].pending = {};
  if (life_[server].removed) {  // it failed while draining for removal: repaired, it stays gone
    set_server_state(server, ServerState::stopped);
    log("stopped", s.name(), "repaired after its removal");
    return;
  }
  set_server_state(server, ServerState::up);
  log("recover", s.name(), cause);
  if (life_[server].failures)
    life_[server].pending = run_.sim.schedule_in(exponential(*life_[server].failures, s.config().mtbf), handler_,
                                                 kRandomFailure, server);
}

void Lifecycle::set_server_state(uint32_t server, ServerState state)
{
  Server& changed = *run_.servers[server];
  changed.set_state(state);
  Service& service = *run_.services[changed.service()];
  int64_t up = 0;
  for (const uint32_t member : service.members()) up += run_.servers[member]->state() == ServerState::up;
  service.no_capacity().set(run_.sim.now(), up == 0 ? 1 : 0);
  int64_t empty = 0;
  for (const Service* s : run_.services) empty += s->no_capacity().value();
  no_capacity_.set(run_.sim.now(), empty > 0 ? 1 : 0);
  refresh(server);
}

// What the balancer believes follows the server's state (models/balancers/load_balancer.hpp).
void Lifecycle::refresh(uint32_t server)
{
  if (LoadBalancer* balancer = balancer_of(server)) balancer->refresh(run_.servers[server]->member());
}

void Lifecycle::health_result(uint32_t server, bool success)
{
  const HealthCheckConfig& hc = *health_check_of(server);
  if (!balancer_of(server)->record_health(run_.servers[server]->member(), success)) return;
  log(success ? "health_up" : "health_down", run_.servers[server]->name(),
      success ? std::to_string(hc.rise) + " checks passed" : std::to_string(hc.fall) + " checks failed");
}

void Lifecycle::on_ejected(uint32_t server, SimTime length, int times)
{
  log("outlier_down", run_.servers[server]->name(),
      "consecutive 5xx: ejected for " + format("%g s", length.seconds()) + " (ejection " + std::to_string(times) + ")");
}

void Lifecycle::on_passive_down(uint32_t server, const PassiveConfig& passive)
{
  log("passive_down", run_.servers[server]->name(), std::to_string(passive.max_fails) + " failed requests");
  run_.sim.schedule_in(passive.fail_timeout, handler_, kPassiveExpired, server);
}

void Lifecycle::autoscale()
{
  const AutoscalingConfig& ac = autoscaled_->autoscaling();
  const Service::AutoscaleStep step = autoscaled_->autoscale(run_.sim.now());
  if (step.desired == step.current) return;
  const std::string detail = (step.metric ? format("metric %.4g", *step.metric) : std::string("no metric")) + ", " +
                             std::to_string(step.current) + " -> " + std::to_string(step.desired) + " servers";
  if (step.desired > step.current) {
    log("scale_out", ac.group, "autoscaler: " + detail);
    for (int k = step.current; k < step.desired; ++k) {
      const SimTime delay =
          ac.provisioning_delay ? SimTime::from_seconds(ac.provisioning_delay->sample(rng_)) : SimTime::zero();
      add_server(ac.group, delay);
    }
  } else {
    log("scale_in", ac.group, "autoscaler: " + detail);
    remove_servers(ac.group, step.current - step.desired);
  }
}

void Lifecycle::count_response(uint32_t server, SimTime latency)
{
  if (autoscaled_ && run_.servers[server]->service() == autoscaled_->index()) autoscaled_->count_response(server, latency);
}

}  // namespace lbsim::models
