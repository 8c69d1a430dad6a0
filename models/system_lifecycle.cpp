// The server lifecycle of a System: the timeline, random failures, provisioning, draining,
// resizing, the balancer's health view (active checks and passive detection), retries and the
// autoscaler. None of it schedules an event unless the scenario uses it, so scenarios without
// these features keep their trajectories (and golden fingerprints).
#include "models/system.hpp"

#include "engine/exponential.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace lbsim::models {

namespace {
// Event kinds on the system's handler (kind 0 is the end of warm-up).
enum LifecycleKind : uint32_t {
  kTimeline = 1,          // arg: index into config.timeline
  kProvisioned = 2,       // arg: server
  kRestarted = 3,         // arg: server (resize downtime over)
  kRandomFailure = 4,     // arg: server
  kRandomRepair = 5,      // arg: server
  kHealthCheck = 6,       // arg: server
  kHealthCheckFailed = 7, // arg: server (no answer within the timeout)
  kPassiveExpired = 8,    // arg: server
  kAutoscale = 9,
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

void System::log(std::string kind, const std::string& server, std::string detail)
{
  events_.push_back({sim_.now(), std::move(kind), server, std::move(detail)});
}

bool System::passive_enabled() const
{
  if (!balancer_) return false;
  const BalancerConfig& b = *config_.balancer;
  if (b.passive) return b.passive->max_fails > 0;
  return !b.health_check;  // nginx's defaults when nothing else finds failures
}

std::optional<uint32_t> System::find_server(const std::string& name) const
{
  for (uint32_t i = 0; i < server_names_.size(); ++i)
    if (server_names_[i] == name) return i;
  return std::nullopt;
}

void System::start_lifecycle()
{
  for (uint32_t i = 0; i < config_.timeline.size(); ++i)
    sim_.schedule_at(config_.timeline[i].at, handler_, kTimeline, i);
  for (uint32_t i = 0; i < servers_.size(); ++i) {
    if (life_[i].failures) life_[i].pending = sim_.schedule_in(exponential(*life_[i].failures, servers_[i]->config().mtbf), handler_, kRandomFailure, i);
    if (balancer_ && config_.balancer->health_check)
      sim_.schedule_in(config_.balancer->health_check->interval, handler_, kHealthCheck, i);
  }
  if (autoscaler_) sim_.schedule_in(autoscaler_->config().period, handler_, kAutoscale);
}

void System::on_lifecycle_event(const engine::Event& event)
{
  const auto server = static_cast<uint32_t>(event.arg);
  switch (event.kind()) {
    case kTimeline: apply(config_.timeline[event.arg]); return;
    case kProvisioned:
      life_[server].pending = {};
      set_server_state(server, ServerState::up);
      log("up", server_names_[server], "provisioned");
      if (life_[server].failures)
        life_[server].pending = sim_.schedule_in(exponential(*life_[server].failures, servers_[server]->config().mtbf),
                                                 handler_, kRandomFailure, server);
      return;
    case kRestarted: {
      life_[server].pending = {};
      const TimelineAction& a = *life_[server].resize;
      servers_[server]->resize(a.cores, a.speed, a.price_per_hour, a.size);
      life_[server].resize.reset();
      set_server_state(server, ServerState::up);
      log("restarted", server_names_[server],
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
      const Server& s = *servers_[server];
      if (s.state() == ServerState::stopped) return;  // removed: no more checks
      const HealthCheckConfig& hc = *config_.balancer->health_check;
      // A running server answers at once; a server that is not running does not answer, and the
      // check fails when its timeout expires.
      if (s.serving()) health_result(server, true);
      else sim_.schedule_in(hc.timeout, handler_, kHealthCheckFailed, server);
      sim_.schedule_in(hc.interval, handler_, kHealthCheck, server);
      return;
    }
    case kHealthCheckFailed: health_result(server, false); return;
    case kPassiveExpired:
      life_[server].passive.clear();
      log("passive_up", server_names_[server], "fail_timeout over");
      update_eligibility(server);
      return;
    case kAutoscale:
      autoscale();
      sim_.schedule_in(autoscaler_->config().period, handler_, kAutoscale);
      return;
    default: return;
  }
}

void System::apply(const TimelineAction& a)
{
  using Kind = TimelineAction::Kind;
  switch (a.kind) {
    case Kind::rate:
      for (auto& client : clients_)
        if (client->config().name == a.target) client->set_rate(a.rate_per_s);
      log("rate", a.target, format("%g/s", a.rate_per_s));
      return;
    case Kind::add: {
      log("scale_out", a.target, "timeline: +" + std::to_string(a.count));
      for (int k = 0; k < a.count; ++k) {
        const SimTime delay =
            a.provisioning_delay ? SimTime::from_seconds(a.provisioning_delay->sample(lifecycle_rng_)) : SimTime::zero();
        add_server(a.target, delay);
      }
      return;
    }
    case Kind::remove:
      log("scale_in", a.target, "timeline: -" + std::to_string(a.count));
      remove_servers(a.target, a.count);
      return;
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

uint32_t System::add_server(const std::string& group, SimTime delay)
{
  ServerConfig config = group_templates_.at(group);
  do config.name = group + "-" + std::to_string(++group_numbers_[group]);
  while (find_server(config.name));
  const auto index = static_cast<uint32_t>(servers_.size());
  servers_.push_back(std::make_unique<Server>(index, config, sim_, requests_, static_cast<ServerListener&>(*this),
                                              ServerState::provisioning));
  server_names_.push_back(config.name);
  Life& life = life_.emplace_back();
  life.autoscaled = autoscaler_ && autoscaler_->config().group == group;
  if (config.mtbf > SimTime::zero())
    life.failures = std::make_unique<engine::RngStream>(config_.seed, "server:" + config.name + ":failures");
  if (balancer_) {
    const bool checked = config_.balancer->health_check.has_value();
    // With a health check a new server gets requests only once `rise` checks have passed.
    life.health = HealthCounter(!checked);
    balancer_->add_member(config.weight, server_names_);
    if (checked) sim_.schedule_in(config_.balancer->health_check->interval, handler_, kHealthCheck, index);
  }
  log("add", config.name, "provisioning " + format("%g s", delay.seconds()));
  if (delay > SimTime::zero()) life.pending = sim_.schedule_in(delay, handler_, kProvisioned, index);
  else on_lifecycle_event(engine::Event::make(sim_.now(), 0, index, 0, kProvisioned));
  return index;
}

// Scale-in takes servers still provisioning first (nothing to drain), then the newest running ones.
void System::remove_servers(const std::string& group, int count)
{
  for (int pass = 0; pass < 2 && count > 0; ++pass) {
    const ServerState wanted = pass == 0 ? ServerState::provisioning : ServerState::up;
    for (uint32_t i = static_cast<uint32_t>(servers_.size()); i-- > 0 && count > 0;) {
      Server& s = *servers_[i];
      if (s.config().group != group || s.state() != wanted) continue;
      --count;
      if (wanted == ServerState::provisioning) {
        sim_.cancel(life_[i].pending);
        life_[i].pending = {};
        set_server_state(i, ServerState::stopped);
        log("stopped", s.name(), "removed while provisioning");
        continue;
      }
      sim_.cancel(life_[i].pending);  // no more random failures
      life_[i].pending = {};
      life_[i].removed = true;
      const bool idle = s.drain();
      set_server_state(i, ServerState::draining);
      log("drain", s.name(), std::to_string(s.busy_cores() + s.queue_length()) + " requests to finish");
      if (idle) on_drained(i);
    }
  }
}

void System::on_drained(uint32_t server)
{
  Life& life = life_[server];
  if (life.resize) {
    set_server_state(server, ServerState::restarting);
    log("restarting", server_names_[server], format("downtime %g s", life.resize->downtime.seconds()));
    life.pending = sim_.schedule_in(life.resize->downtime, handler_, kRestarted, server);
    return;
  }
  set_server_state(server, ServerState::stopped);
  log("stopped", server_names_[server], "drained");
}

// A resize is a restart: the server drains (its requests finish at the old size), is down for
// `downtime`, and comes back at the new size.
void System::resize_server(uint32_t server, const TimelineAction& a)
{
  Server& s = *servers_[server];
  if (s.state() != ServerState::up) {
    log("resize_skipped", s.name(), std::string("server is ") + to_string(s.state()));
    return;
  }
  life_[server].resize = a;
  const bool idle = s.drain();
  set_server_state(server, ServerState::draining);
  log("resize", s.name(),
      (a.size.empty() ? std::string{} : "to " + a.size + ", ") + std::to_string(a.cores) + " cores, speed " +
          format("%g", a.speed) + "; draining " + std::to_string(s.busy_cores() + s.queue_length()) + " requests");
  if (idle) on_drained(server);
}

void System::fail_server(uint32_t server, const std::string& cause)
{
  Server& s = *servers_[server];
  if (s.state() == ServerState::failed || s.state() == ServerState::stopped) return;
  sim_.cancel(life_[server].pending);
  life_[server].pending = {};
  life_[server].resize.reset();
  const std::vector<RequestId> dropped = s.fail();
  set_server_state(server, ServerState::failed);
  log("fail", s.name(), cause + "; " + std::to_string(dropped.size()) + " requests dropped");
  for (const RequestId id : dropped) fail_request(id, server);
  if (life_[server].failures)
    life_[server].pending = sim_.schedule_in(exponential(*life_[server].failures, s.config().mttr), handler_,
                                             kRandomRepair, server);
}

void System::recover_server(uint32_t server, const std::string& cause)
{
  Server& s = *servers_[server];
  if (s.state() != ServerState::failed) return;
  sim_.cancel(life_[server].pending);
  life_[server].pending = {};
  if (life_[server].removed) {  // it failed while draining for removal: repaired, it stays gone
    set_server_state(server, ServerState::stopped);
    log("stopped", s.name(), "repaired after its removal");
    return;
  }
  set_server_state(server, ServerState::up);
  log("recover", s.name(), cause);
  if (life_[server].failures)
    life_[server].pending = sim_.schedule_in(exponential(*life_[server].failures, s.config().mtbf), handler_,
                                             kRandomFailure, server);
}

void System::set_server_state(uint32_t server, ServerState state)
{
  servers_[server]->set_state(state);
  int64_t up = 0;
  for (const auto& s : servers_) up += s->state() == ServerState::up;
  no_capacity_.set(sim_.now(), up == 0 ? 1 : 0);
  update_eligibility(server);
}

// What the balancer believes: the operator's view (running, or failed without anyone knowing),
// the health checks' and passive detection's.
void System::update_eligibility(uint32_t server)
{
  if (!balancer_) return;
  const ServerState state = servers_[server]->state();
  const bool in_rotation = state == ServerState::up || state == ServerState::failed;
  balancer_->set_eligible(server, in_rotation && life_[server].health.up() && !life_[server].passive.down());
}

void System::health_result(uint32_t server, bool success)
{
  const HealthCheckConfig& hc = *config_.balancer->health_check;
  if (!life_[server].health.record(success, hc.rise, hc.fall)) return;
  log(success ? "health_up" : "health_down", server_names_[server],
      success ? std::to_string(hc.rise) + " checks passed" : std::to_string(hc.fall) + " checks failed");
  update_eligibility(server);
}

void System::passive_failure(uint32_t server)
{
  if (!passive_enabled()) return;
  const PassiveConfig passive = config_.balancer->passive.value_or(PassiveConfig{});
  if (!life_[server].passive.record_failure(sim_.now(), passive)) return;
  log("passive_down", server_names_[server], std::to_string(passive.max_fails) + " failed requests");
  update_eligibility(server);
  sim_.schedule_in(passive.fail_timeout, handler_, kPassiveExpired, server);
}

void System::autoscale()
{
  const AutoscalingConfig& ac = autoscaler_->config();
  const SimTime now = sim_.now();
  int ready = 0, provisioning = 0;
  double numerator = 0, denominator = 0;
  for (uint32_t i = 0; i < servers_.size(); ++i) {
    Life& life = life_[i];
    if (!life.autoscaled) continue;
    const Server& s = *servers_[i];
    ready += s.state() == ServerState::up;
    provisioning += s.state() == ServerState::provisioning;
    const double busy = s.busy_core_seconds(now), up = s.up_seconds(now), queue = s.queue_integral(now);
    const uint64_t completed = s.completed();
    switch (ac.metric) {
      case AutoscalingConfig::Metric::utilization:
        numerator += busy - life.busy_seen;
        denominator += (up - life.up_seen) * s.config().cores;
        break;
      case AutoscalingConfig::Metric::queue_length:
        numerator += queue - life.queue_seen;
        denominator += up - life.up_seen;
        break;
      case AutoscalingConfig::Metric::requests_per_server:
        numerator += static_cast<double>(completed - life.completed_seen);
        denominator += up - life.up_seen;
        break;
      case AutoscalingConfig::Metric::latency_p99: break;
    }
    life.busy_seen = busy, life.up_seen = up, life.queue_seen = queue, life.completed_seen = completed;
  }
  if (ac.metric == AutoscalingConfig::Metric::latency_p99) {
    autoscaler_->add_latency_sample(now, autoscaler_latency_);
    autoscaler_latency_.clear();
  } else {
    autoscaler_->add_sample(now, numerator, denominator);
  }
  const std::optional<double> metric = autoscaler_->metric(now);
  const int current = ready + provisioning;
  const int desired = autoscaler_->decide(now, metric, ready, current);
  if (desired == current) return;
  const std::string detail = (metric ? format("metric %.4g", *metric) : std::string("no metric")) + ", " +
                             std::to_string(current) + " -> " + std::to_string(desired) + " servers";
  if (desired > current) {
    log("scale_out", ac.group, "autoscaler: " + detail);
    for (int k = current; k < desired; ++k) {
      const SimTime delay = ac.provisioning_delay ? SimTime::from_seconds(ac.provisioning_delay->sample(lifecycle_rng_))
                                                  : SimTime::zero();
      add_server(ac.group, delay);
    }
  } else {
    log("scale_in", ac.group, "autoscaler: " + detail);
    remove_servers(ac.group, current - desired);
  }
}

void System::count_completion_for_autoscaler(uint32_t server, const Request& r)
{
  if (!autoscaler_ || !life_[server].autoscaled) return;
  if (autoscaler_->config().metric != AutoscalingConfig::Metric::latency_p99) return;
  autoscaler_latency_.record((sim_.now() - r.sent).ns());
}

}  // namespace lbsim::models
