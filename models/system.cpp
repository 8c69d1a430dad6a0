#include "models/system.hpp"

#include "models/balancers/algorithms/registry.hpp"

#include <chrono>

namespace lbsim::models {

namespace {
// Warm-up ends before anything else scheduled at the same instant.
constexpr int kWarmupEndPriority = -100;
// A run bounded by stop.requests gives up when this many times more requests were sent without
// completing, e.g. when every request is refused.
constexpr uint64_t kStopRequestsGiveUpFactor = 100;

// With a network, the transfer a request is making (Request::leg).
enum Leg : uint8_t {
  kToBalancer,    // client region -> balancer (or -> the only server, without a balancer)
  kToServer,      // balancer -> server
  kFromServer,    // server -> balancer
  kToClient,      // balancer (or the only server) -> client region
};
}  // namespace

System::System(SystemConfig config, const BalancerRegistry& balancers)
    : config_(std::move(config)), metrics_(config_.metrics, sim_, servers_), handler_(sim_.add_handler(*this)),
      lifecycle_rng_(config_.seed, "lifecycle"), no_capacity_(sim_.now(), 0)
{
  sim_.add_observer(fingerprint_);
  for (uint32_t i = 0; i < config_.servers.size(); ++i)
    servers_.push_back(std::make_unique<Server>(i, config_.servers[i], sim_, requests_, static_cast<ServerListener&>(*this)));
  if (config_.balancer) {
    std::vector<PoolMember> pool;
    for (const ServerConfig& s : config_.servers) pool.push_back(PoolMember{s.weight, 0, true});
    const BalancerConfig& b = *config_.balancer;
    BalancerOptions options;
    options.variant = b.variant;
    options.choices = b.choices;
    options.hash_key = b.hash_key;
    options.table_size = b.table_size;
    options.decay = b.decay;
    options.sticky_timeout = b.sticky_timeout;
    for (const ServerConfig& s : config_.servers) options.server_names.push_back(s.name);
    balancer_.emplace(*config_.balancer, balancers.create(config_.balancer->algorithm, options), std::move(pool),
                      config_.seed);
  }
  for (const ServerConfig& s : config_.servers) {
    server_names_.push_back(s.name);
    Life& life = life_.emplace_back();
    life.autoscaled = config_.autoscaling && config_.autoscaling->group == s.group;
    if (s.mtbf > SimTime::zero())
      life.failures = std::make_unique<engine::RngStream>(config_.seed, "server:" + s.name + ":failures");
    group_templates_.try_emplace(s.group, s);
    ++group_numbers_[s.group];
  }
  if (config_.autoscaling) autoscaler_.emplace(*config_.autoscaling);
  for (uint32_t i = 0; i < config_.clients.size(); ++i)
    clients_.push_back(std::make_unique<ClientGroup>(i, config_.clients[i], config_.seed, sim_, requests_,
                                                          static_cast<RequestSink&>(*this)));
  // Last, so that every other handler keeps the number it has without a network.
  if (config_.network) {
    network_ = std::make_unique<Transfers>(config_, sim_, static_cast<TransferListener&>(*this));
    metrics_.set_links(network_.get());
  }
  build_balancer_frontend();  // after the network: only with processing or max_connections (system_frontend.cpp)
}

System::~System() = default;

void System::start()
{
  if (started_) return;
  started_ = true;
  if (config_.warmup > SimTime::zero())
    sim_.schedule_at(config_.warmup, handler_, 0, 0, kWarmupEndPriority);
  else
    begin_measuring();
  for (auto& client : clients_) client->start();
  start_lifecycle();
}

void System::handle(const engine::Event& event)
{
  if (event.kind() != 0) {
    on_lifecycle_event(event);
    return;
  }
  begin_measuring();  // also resets the links, every server's counters and the front end's (system_frontend.cpp)
  no_capacity_.reset(sim_.now());
  for (Life& life : life_) life.busy_seen = life.up_seen = life.queue_seen = 0, life.completed_seen = 0;
}

void System::on_request_sent(RequestId id)
{
  Request& r = requests_[id];
  r.sequence = ++sent_;
  r.measured = metrics_.measuring();
  metrics_.on_sent(r);
  if (network_) {
    send_via_network(id);
    return;
  }

  if (frontend_) frontend_->arrive(id, frontend_needs_processing(r));  // system_frontend.cpp
  else dispatch_direct(id);

  // With a front end the trace counts dispatches instead (on_frontend_admitted).
  if (stop_after_sent_ && !frontend_ && sent_ >= stop_after_sent_) sim_.stop();
  if (config_.stop_requests && metrics_.arrived() > kStopRequestsGiveUpFactor * *config_.stop_requests + 1000) {
    stopped_early_ = true;
    sim_.stop();
  }
}

void System::dispatch_direct(RequestId id)
{
  Request& r = requests_[id];
  uint32_t server = 0;
  if (balancer_) {
    const ServerChoice choice = pick_server(r);
    server = choice ? *choice : kNoServer;
  }
  const Admission admission = server == kNoServer ? Admission::queue_full : servers_[server]->admit(id);
  if (dispatch_observer_) dispatch_observer_->on_dispatch(r, server, admission == Admission::accepted);
  if (admission == Admission::unavailable) {
    fail_request(id, server);
  } else if (admission == Admission::queue_full) {
    if (balancer_ && server != kNoServer) balancer_->release(server);
    metrics_.on_rejected(r);
    requests_.release(id);
    if (frontend_) frontend_->leave();
    stop_if_finished();
  }
}

void System::on_service_complete(uint32_t server, RequestId id)
{
  if (network_) {
    respond_via_network(id);
    return;
  }
  const Request& r = requests_[id];
  // Without a network the balancer dispatches a request the instant it is sent.
  if (balancer_) balancer_->on_response(server, sim_.now() - r.sent, sim_.now());
  if (autoscaler_) count_completion_for_autoscaler(server, r);
  metrics_.on_completed(r);
  requests_.release(id);
  if (frontend_) frontend_->leave();
  stop_if_finished();
  if (config_.stop_requests && metrics_.completed() >= *config_.stop_requests) sim_.stop();
}

// Scripted traffic ends: once every client group is done and nothing is in flight, nothing can
// happen any more but metrics ticks, so the run ends there instead of ticking forever.
void System::stop_if_finished()
{
  if (config_.duration && stop_after_sent_ == 0) return;  // a run with a duration measures all of it
  if (requests_.in_use() != 0) return;
  for (const auto& client : clients_)
    if (!client->exhausted()) return;
  sim_.stop();
}

// With a network a request's trip is a chain of transfers (models/network/transfers.hpp): to the
// balancer, to the server, service, back to the balancer, back to the client. A refusal (no
// server, or a full queue) comes back along the same way as a 503 of 0 bytes.
void System::send_via_network(RequestId id)
{
  Request& r = requests_[id];
  r.leg = kToBalancer;
  const RequestType& type = config_.clients[r.client_group].mix[r.type];
  network_->send(network_->path_in(r.client_group), type.request_bytes, id);
  if (config_.stop_requests && metrics_.arrived() > kStopRequestsGiveUpFactor * *config_.stop_requests + 1000) {
    stopped_early_ = true;
    sim_.stop();
  }
}

void System::on_transfer_done(RequestId id)
{
  Request& r = requests_[id];
  switch (r.leg) {
    case kToBalancer:
      if (frontend_) frontend_->arrive(id, frontend_needs_processing(r));
      else if (balancer_) dispatch_via_network(id);
      else {
        r.server = 0;
        arrive_at_server(id);
      }
      return;
    case kToServer: arrive_at_server(id); return;
    case kFromServer: {
      // The response (or the 503, or the failure) passes back through the balancer on its way to
      // the client; a failure may be retried from here.
      if (r.failed) {
        balancer_->release(r.server);
        passive_failure(r.server);
        retry_or_fail(id, r.server);
        return;
      }
      if (r.refused) balancer_->release(r.server);
      else balancer_->on_response(r.server, sim_.now() - r.dispatched, sim_.now());
      const RequestType& type = config_.clients[r.client_group].mix[r.type];
      r.leg = kToClient;
      network_->send(network_->path_out(r.client_group), r.refused ? 0.0 : type.response_bytes, id);
      if (frontend_) frontend_->leave();
      return;
    }
    case kToClient: {
      const bool refused = r.refused;
      if (r.failed) {
        metrics_.on_failed(r);
        requests_.release(id);
        stop_if_finished();
        return;
      }
      if (autoscaler_ && r.server != kNoServer) count_completion_for_autoscaler(r.server, r);
      if (refused) metrics_.on_rejected_via_network(r);
      else metrics_.on_completed_via_network(r);
      requests_.release(id);
      stop_if_finished();
      if (!refused && config_.stop_requests && metrics_.completed() >= *config_.stop_requests) sim_.stop();
      return;
    }
  }
}

void System::dispatch_via_network(RequestId id) { forward_via_network(id, pick_server(requests_[id])); }

// The balancer sends the request on to its chosen server, or, with no server, a 503 back to the client.
void System::forward_via_network(RequestId id, ServerChoice choice)
{
  Request& r = requests_[id];
  const RequestType& type = config_.clients[r.client_group].mix[r.type];
  if (!choice) {
    report_dispatch(r, kNoServer, false);
    r.refused = true;
    r.leg = kToClient;
    network_->send(network_->path_out(r.client_group), 0.0, id);
    if (frontend_) frontend_->leave();
    return;
  }
  r.server = *choice;
  r.dispatched = sim_.now();
  r.leg = kToServer;
  network_->send(network_->path_to_server(r.server), type.request_bytes, id);
}

// The balancer itself refused the request (max_connections and its backlog full): a 503 that
// goes straight back to the client.
void System::refuse_at_balancer(RequestId id)
{
  Request& r = requests_[id];
  if (!network_) {
    if (dispatch_observer_) dispatch_observer_->on_balancer_refused(r);
    metrics_.on_rejected(r);
    requests_.release(id);
    stop_if_finished();
    return;
  }
  if (dispatch_observer_) dispatch_observer_->on_balancer_refused(r);
  ++dispatched_;
  if (stop_after_sent_ && dispatched_ >= stop_after_sent_) sim_.stop();
  r.refused = true;
  r.leg = kToClient;
  network_->send(network_->path_out(r.client_group), 0.0, id);
}

void System::arrive_at_server(RequestId id)
{
  Request& r = requests_[id];
  r.at_server = sim_.now();
  const uint32_t server = r.server;
  const Admission admission = servers_[server]->admit(id, balancer_.has_value());
  report_dispatch(r, server, admission == Admission::accepted);
  if (admission == Admission::accepted) return;
  if (admission == Admission::unavailable) {
    fail_request(id, server);
    return;
  }
  r.refused = true;
  r.leg = balancer_ ? kFromServer : kToClient;
  network_->send(balancer_ ? network_->path_from_server(server) : network_->path_out(r.client_group), 0.0, id);
}

void System::respond_via_network(RequestId id)
{
  Request& r = requests_[id];
  r.server_time = sim_.now() - r.at_server;
  const RequestType& type = config_.clients[r.client_group].mix[r.type];
  r.leg = balancer_ ? kFromServer : kToClient;
  network_->send(balancer_ ? network_->path_from_server(r.server) : network_->path_out(r.client_group),
                 type.response_bytes, id);
}

void System::fail_request(RequestId id, uint32_t server)
{
  Request& r = requests_[id];
  if (network_) {
    // The failure (a reset connection) travels back like a 503 of 0 bytes.
    r.server = server;
    r.failed = true;
    r.leg = balancer_ ? kFromServer : kToClient;
    network_->send(balancer_ ? network_->path_from_server(server) : network_->path_out(r.client_group), 0.0, id);
    return;
  }
  if (!balancer_) {
    metrics_.on_failed(r);
    requests_.release(id);
    stop_if_finished();
    return;
  }
  balancer_->release(server);
  passive_failure(server);
  retry_or_fail(id, server);
}

// After a failed attempt (the balancer has released it): another server if retries remain.
void System::retry_or_fail(RequestId id, uint32_t failed_server)
{
  Request& r = requests_[id];
  if (r.attempts < config_.balancer->retries) {
    ++r.attempts;
    ++retried_;
    r.failed = false;
    const RequestType& type = config_.clients[r.client_group].mix[r.type];
    const ServerChoice choice =
        balancer_->choose_excluding(failed_server, client_address(r), type.path, sim_.now());
    if (network_) {
      forward_via_network(id, choice);
      return;
    }
    const Admission admission = choice ? servers_[*choice]->admit(id) : Admission::queue_full;
    if (admission == Admission::accepted) return;
    if (admission == Admission::unavailable) {
      fail_request(id, *choice);
      return;
    }
    if (choice) balancer_->release(*choice);
    metrics_.on_rejected(r);
    requests_.release(id);
    if (frontend_) frontend_->leave();
    stop_if_finished();
    return;
  }
  // The request leaves the balancer failed (its slot under max_connections is free again).
  if (frontend_) frontend_->leave();
  if (network_) {
    r.failed = true;
    r.leg = kToClient;
    network_->send(network_->path_out(r.client_group), 0.0, id);
    return;
  }
  metrics_.on_failed(r);
  requests_.release(id);
  stop_if_finished();
}

void System::report_dispatch(const Request& r, uint32_t server, bool accepted)
{
  if (dispatch_observer_) dispatch_observer_->on_dispatch(r, server, accepted);
  ++dispatched_;
  if (stop_after_sent_ && dispatched_ >= stop_after_sent_) sim_.stop();
}

void System::run_until_sent(uint64_t requests)
{
  stop_after_sent_ = requests;
  start();
  sim_.run();
}

RunSummary System::run()
{
  const auto wall_start = std::chrono::steady_clock::now();
  start();
  if (config_.duration)
    sim_.run_until(config_.warmup + *config_.duration);
  else
    sim_.run();
  metrics_.finish();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return summarize(wall);
}

RunSummary System::summarize(double wall_seconds) const
{
  const SimTime now = sim_.now();
  RunSummary s;
  s.scenario = config_.name;
  s.seed = config_.seed;
  s.end_time_s = now.seconds();
  s.simulated_s = metrics_.measuring() ? (now - metrics_.measure_start()).seconds() : 0.0;
  s.arrived = metrics_.arrived();
  s.completed = metrics_.completed();
  s.rejected = metrics_.rejected();
  s.failed = metrics_.failed();
  s.in_flight_at_end = requests_.in_use();
  s.throughput_rps = s.simulated_s > 0 ? static_cast<double>(s.completed) / s.simulated_s : 0.0;
  const engine::LatencyHistogram& h = metrics_.latency();
  s.latency_mean_s = h.mean() * 1e-9;
  s.latency_max_s = static_cast<double>(h.max()) * 1e-9;
  s.latency_min_s = static_cast<double>(h.min()) * 1e-9;
  for (double p : config_.metrics.percentiles)
    s.latency_percentiles_s.emplace_back(p, static_cast<double>(h.quantile(p / 100.0)) * 1e-9);
  if (config_.metrics.slo_p99) s.slo_p99_s = config_.metrics.slo_p99->seconds();
  for (const auto& server : servers_) {
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
    // No network: the whole response time is spent at the server.
    s.latency_split = {0.0, 0.0, s.latency_mean_s, static_cast<double>(h.quantile(0.99)) * 1e-9};
  }
  s.little_l = metrics_.mean_in_flight();
  // Without a network refused requests leave at once and never count in L, so lambda is the rate
  // of admitted ones. With a network a 503 travels back to the client, and the time refused
  // requests spent in the system is added.
  const double admitted_rate = s.simulated_s > 0 ? static_cast<double>(s.arrived - s.rejected) / s.simulated_s : 0.0;
  s.little_lambda_w = admitted_rate * s.latency_mean_s;
  if (network_ && s.simulated_s > 0) s.little_lambda_w += metrics_.rejected_time_s() / s.simulated_s;
  s.balancer = balancer_summary(now);  // system_frontend.cpp
  s.availability.served_share =
      s.arrived ? static_cast<double>(s.completed) / static_cast<double>(s.arrived) : 1.0;
  s.availability.zero_capacity_s = metrics_.measuring() ? no_capacity_.integral(now) : 0.0;
  s.availability.failed = s.failed;
  s.availability.retried = retried_;
  s.lifecycle_events = events_.size();
  s.events = sim_.events_processed();
  s.fingerprint = fingerprint_.hex();
  s.stopped_early = stopped_early_;
  s.wall_seconds = wall_seconds;
  return s;
}

}  // namespace lbsim::models
