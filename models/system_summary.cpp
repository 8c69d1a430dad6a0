// The numbers a run produces (RunSummary), read off its parts when it ends.
#include "models/system.hpp"

#include <algorithm>

namespace lbsim::models {

namespace {

LatencySummary latency_summary(const engine::LatencyHistogram& h, const std::vector<double>& percentiles)
{
  LatencySummary s;
  s.count = h.count();
  s.mean_s = h.mean() * 1e-9;
  s.max_s = static_cast<double>(h.max()) * 1e-9;
  for (double p : percentiles) s.percentiles_s.emplace_back(p, static_cast<double>(h.quantile(p / 100.0)) * 1e-9);
  return s;
}

StatusSummary status_summary(const StatusCounts& c)
{
  return StatusSummary{c.ok, c.internal_error, c.bad_gateway, c.unavailable};
}

std::optional<BalancerSummary> balancer_summary(const LoadBalancer& lb, SimTime now)
{
  const BalancerConfig& b = lb.config();
  BalancerSummary s;
  s.name = b.name;
  s.algorithm = b.algorithm;
  s.layer = b.layer;
  s.workers = b.workers;
  s.max_connections = b.max_connections.value_or(0);
  if (const BalancerFrontend* frontend = lb.frontend()) {
    const FrontendSummary f = frontend->summary(now);
    s.utilization = f.utilization;
    s.mean_run_queue = f.mean_run_queue;
    s.mean_backlog = f.mean_backlog;
    s.mean_in_progress = f.mean_in_progress;
    s.max_in_progress = f.max_in_progress;
    s.rejected = f.refused;
  }
  if (const ConnectionTable* connections = lb.connections()) {
    s.connections_opened = connections->opened();
    if (s.connections_opened > 0)
      s.requests_per_connection = static_cast<double>(connections->opened() + connections->reused()) /
                                  static_cast<double>(connections->opened());
  }
  if (lb.has_max_conns()) {
    s.has_max_conns = true;
    s.queue = b.queue;
    s.queue_timeout_s = b.queue_timeout.seconds();
    s.refused_full = lb.refused_full();
    if (const BackendQueue* queue = lb.queue()) {
      const QueueSummary q = queue->summary(now);
      s.queue_mean_length = q.mean_length;
      s.queue_max_length = q.max_length;
      s.queued = q.queued;
      s.queue_timed_out = q.timed_out;
      s.queue_mean_wait_s = q.mean_wait_s;
      s.queue_max_wait_s = q.max_wait_s;
    }
  }
  return s;
}

}  // namespace

RunSummary System::summarize(double wall_seconds) const
{
  const SimTime now = sim_.now();
  const std::vector<double>& percentiles = config_.metrics.percentiles;
  RunSummary s;
  s.scenario = config_.name;
  s.seed = config_.seed;
  s.end_time_s = now.seconds();
  s.simulated_s = metrics_.measuring() ? (now - metrics_.measure_start()).seconds() : 0.0;
  s.arrived = metrics_.arrived();
  s.completed = metrics_.completed();
  s.rejected = metrics_.rejected();
  s.failed = metrics_.failed();
  s.by_status = StatusSummary{s.completed, metrics_.internal_errors(), metrics_.count_of_status(kBadGateway), s.rejected};
  for (uint16_t status = 0; status < MetricsRecorder::kStatusSlots; ++status)
    if (const uint64_t n = metrics_.count_of_status(status)) s.by_status_all[status] = n;
  s.rate_limited = metrics_.rate_limited();
  s.unauthorized = metrics_.unauthorized();
  s.not_found = metrics_.not_found();
  s.timed_out = metrics_.timed_out();
  s.in_flight_at_end = run_.requests.in_use();
  s.throughput_rps = s.simulated_s > 0 ? static_cast<double>(s.completed) / s.simulated_s : 0.0;
  if (metrics_.client_side()) {
    ClientSideSummary c;
    c.timed_out = metrics_.client_timeouts();
    c.late = metrics_.late_answers();
    c.retried = metrics_.client_retries();
    c.goodput_rps = s.throughput_rps;
    for (const auto& server : run_.servers) c.abandoned_work_s += server->abandoned_work_s();
    s.throughput_rps = s.simulated_s > 0 ? static_cast<double>(s.completed + c.late) / s.simulated_s : 0.0;
    s.client = c;
  }
  for (const auto& client : clients_) {
    const ClientUsers* users = client->users();
    if (!users || !users->has_sessions()) continue;
    const SessionStats& st = users->sessions();
    SessionSummary ss;
    ss.client = client->config().name;
    ss.started = st.started;
    ss.completed = st.completed;
    if (client->config().session_state_on_server) ss.lost = st.lost;
    ss.requests_mean = st.completed ? static_cast<double>(st.requests) / static_cast<double>(st.completed) : 0.0;
    ss.time = latency_summary(st.time, percentiles);
    s.sessions.push_back(std::move(ss));
  }
  const engine::LatencyHistogram& h = metrics_.latency();
  s.latency_mean_s = h.mean() * 1e-9;
  s.latency_max_s = static_cast<double>(h.max()) * 1e-9;
  s.latency_min_s = static_cast<double>(h.min()) * 1e-9;
  for (double p : percentiles) s.latency_percentiles_s.emplace_back(p, static_cast<double>(h.quantile(p / 100.0)) * 1e-9);
  if (config_.metrics.slo_p99) s.slo_p99_s = config_.metrics.slo_p99->seconds();
  for (const auto& server : run_.servers) {
    ServerSummary ss;
    ss.name = server->name();
    ss.completed = server->completed();
    ss.rejected = server->rejected();
    ss.utilization = server->utilization(now);
    ss.mean_queue = server->mean_queue(now);
    ss.dropped = server->dropped();
    ss.turned_away = server->turned_away();
    ss.state = to_string(server->state());
    ss.cost = metrics_.measuring() ? server->cost(now) : 0.0;
    s.cost_total += ss.cost;
    s.servers.push_back(ss);
  }
  if (network_) {
    const engine::LatencyHistogram& net = metrics_.network_time();
    const engine::LatencyHistogram& srv = metrics_.server_time();
    s.latency_split = {net.mean() * 1e-9, static_cast<double>(net.quantile(0.99)) * 1e-9, srv.mean() * 1e-9,
                       static_cast<double>(srv.quantile(0.99)) * 1e-9};
    for (size_t i = 0; i < network_->links().size(); ++i) {
      const NetworkLinkInfo& info = network_->links()[i];
      const auto id = static_cast<LinkId>(i);
      LinkSummary ls;
      ls.name = info.name;
      ls.from = info.from;
      ls.to = info.to;
      ls.bandwidth_mbps = info.bandwidth_bps * 1e-6;
      ls.utilization = network_->flows().utilization(id, now);
      ls.throughput_mbps = network_->flows().throughput_bps(id, now) * 1e-6;
      ls.bytes = network_->flows().bytes_carried(id, now);
      s.links.push_back(std::move(ls));
    }
  } else {
    // No network: the whole response time is spent at the servers.
    s.latency_split = {0.0, 0.0, s.latency_mean_s, static_cast<double>(h.quantile(0.99)) * 1e-9};
  }
  // Little's law over one population, the measured requests: L their time-average number in the
  // system, lambda their arrival rate, W their mean time in it, whether they completed, were refused
  // or failed, and for those still in flight at the end up to the end. The two sides then measure
  // the same thing two ways (a time integral of a count against a sum over requests).
  s.little_l = metrics_.measured_mean_in_system();
  s.in_flight_measured_at_end = metrics_.measured_in_flight();
  const double in_flight_age_s = metrics_.measured_in_flight_age_s();
  s.in_flight_mean_age_s = s.in_flight_measured_at_end ? in_flight_age_s / static_cast<double>(s.in_flight_measured_at_end) : 0.0;
  if (s.simulated_s > 0) {
    s.little_lambda_w = (metrics_.ended_time_s() + in_flight_age_s) / s.simulated_s;
    s.little_in_flight_part = in_flight_age_s / s.simulated_s;
  }
  if (services_.size() == 1 && services_.front()->balancer())
    s.balancer = balancer_summary(*services_.front()->balancer(), now);
  uint64_t retried = 0;
  for (const auto& service : services_) {
    ServiceSummary ss;
    const ServiceConfig& c = service->config();
    const ServiceStats& stats = service->stats();
    ss.name = c.name;
    if (const LoadBalancer* lb = service->balancer()) {
      ss.algorithm = lb->config().algorithm;
      ss.retried = lb->retried();
      retried += ss.retried;
      if (const CircuitBreaker* breaker = lb->breaker()) {
        ss.overflow = breaker->overflow();
        ss.retry_overflow = breaker->retry_overflow();
      }
      if (const OutlierDetector* outliers = lb->outliers()) ss.ejections = outliers->ejections();
    }
    double busy = 0, capacity = 0;
    for (const uint32_t member : service->members()) {
      const Server& server = *run_.servers[member];
      ss.servers.push_back(server.name());
      busy += server.busy_core_seconds(now);
      capacity += server.up_seconds(now) * server.config().cores;
    }
    ss.utilization = capacity > 0 ? busy / capacity : 0.0;
    ss.calls = stats.calls();
    ss.calls_failed = stats.calls_failed();
    ss.zero_capacity_s = metrics_.measuring() ? service->no_capacity().integral(now) : 0.0;
    if (!service->keeps_stats()) {  // the run's own figures are the service's (Service::keeps_stats)
      ss.arrived = s.arrived;
      ss.by_status = s.by_status;
      ss.throughput_rps = s.throughput_rps;
      ss.latency = latency_summary(h, percentiles);
      EndpointSummary all;
      all.path = "*";
      all.arrived = s.arrived;
      all.by_status = s.by_status;
      all.latency = ss.latency;
      ss.endpoints.push_back(std::move(all));
      s.services.push_back(std::move(ss));
      continue;
    }
    ss.arrived = stats.arrived();
    ss.by_status = status_summary(stats.answered());
    ss.throughput_rps = s.simulated_s > 0 ? static_cast<double>(ss.by_status.ok) / s.simulated_s : 0.0;
    ss.latency = latency_summary(stats.latency(), percentiles);
    for (size_t e = 0; e < stats.endpoints().size(); ++e) {
      const EndpointStats& es = stats.endpoints()[e];
      EndpointSummary out;
      if (c.endpoints.empty()) {
        out.path = "*";
      } else {
        out.method = c.endpoints[e].method;
        out.path = c.endpoints[e].path;
      }
      out.arrived = es.arrived;
      out.by_status = status_summary(es.answered);
      engine::LatencyHistogram all = es.latency;
      all.merge(es.interval_latency);
      out.latency = latency_summary(all, percentiles);
      ss.endpoints.push_back(std::move(out));
    }
    s.services.push_back(std::move(ss));
  }
  if (gateway_) {
    s.gateway = gateway_->summary(now);
    for (const ServiceSummary& ss : s.services) s.gateway->ejections += ss.ejections;
    s.routes = gateway_->route_summaries(now, metrics_.measure_start(), percentiles);
  }
  s.availability.served_share =
      s.arrived ? static_cast<double>(s.completed) / static_cast<double>(s.arrived) : 1.0;
  s.availability.zero_capacity_s = metrics_.measuring() ? lifecycle_.no_capacity().integral(now) : 0.0;
  s.availability.failed = s.failed;
  s.availability.retried = retried;
  s.lifecycle_events = lifecycle_.events().size();
  s.events = sim_.events_processed();
  s.interval_s = config_.metrics.interval.seconds();
  s.interval_automatic = config_.metrics.interval_automatic;
  s.server_rows_every = config_.metrics.server_rows_every;
  s.max_in_flight = config_.max_in_flight;
  for (const auto& client : clients_) s.not_sent_at_cap += client->not_sent_at_cap();
  s.fingerprint = fingerprint_.hex();
  s.stopped_early = stopped_early_;
  s.wall_seconds = wall_seconds;
  return s;
}

}  // namespace lbsim::models
