#include "models/system.hpp"

#include "models/balancers/algorithms/registry.hpp"
#include "models/requests/http_method.hpp"

#include <chrono>

namespace lbsim::models {

namespace {
// A run bounded by stop.requests gives up when this many times more requests were sent without
// completing, e.g. when every request is refused.
constexpr uint64_t kStopRequestsGiveUpFactor = 100;
}  // namespace

// Handlers are numbered in the order they register, and the numbers are part of the fingerprint:
// metrics, lifecycle, servers, clients, the network, balancers' front ends. A run without a network
// or a front end has exactly the handlers it had before either existed.
System::System(SystemConfig config, const BalancerRegistry& balancers)
    : config_(std::move(config)), run_(config_, sim_, *this, *this),
      metrics_(config_.metrics, sim_, run_.servers), lifecycle_(run_, *this),
      client_end_(run_, metrics_, lifecycle_)
{
  sim_.add_observer(fingerprint_);
  GatewayShapes gateway_shapes = build_shapes();
  for (RequestShape& shape : run_.shapes) shape.idempotent = is_idempotent_method(shape.method);
  for (uint32_t i = 0; i < config_.services.size(); ++i) {
    services_.push_back(
        std::make_unique<Service>(i, config_.services[i], run_, balancers, lifecycle_, lifecycle_));
    run_.services.push_back(services_.back().get());
  }
  lifecycle_.add_initial_servers();
  metrics_.set_services(&run_.services);
  if (config_.gateway) {
    gateway_ = std::make_unique<Gateway>(*config_.gateway, run_, std::move(gateway_shapes));
    const std::optional<SimTime> max_age = config_.gateway->cors ? config_.gateway->cors->max_age : std::nullopt;
    preflights_ = std::make_unique<PreflightCache>(config_, max_age);
    client_end_.set_gateway(gateway_.get(), preflights_.get());
    metrics_.set_gateway(gateway_.get());
  }
  ArrivalRegistry arrivals;
  register_builtin_arrivals(arrivals);
  for (uint32_t i = 0; i < config_.clients.size(); ++i)
    clients_.push_back(std::make_unique<ClientGroup>(i, config_.clients[i], config_.seed, sim_, run_.requests,
                                                     static_cast<RequestSink&>(*this), arrivals));
  for (auto& client : clients_) client->set_in_flight_cap(config_.max_in_flight);
  std::vector<AnswerListener*> listeners;
  for (auto& client : clients_) listeners.push_back(client->users() ? client.get() : nullptr);
  client_end_.set_answer_listeners(listeners);
  build_network();
  if (services_.size() == 1 && config_.services.front().endpoints.empty() && !network_ && !gateway_)
    services_.front()->set_keeps_stats(false);
  // Last, so that every other handler keeps the number it has without a front end.
  for (Service* service : run_.services)
    if (LoadBalancer* balancer = service->balancer()) balancer->build_frontend();
  if (gateway_) gateway_->build();
  // After every other handler: a run without client timeouts or retries keeps its numbering.
  if (ClientAttempts::wanted(config_)) {
    attempts_ = std::make_unique<ClientAttempts>(run_, metrics_, static_cast<AttemptSender&>(*this));
    client_end_.set_attempts(attempts_.get());
    attempts_->set_answer_listeners(listeners);
    metrics_.set_client_side(true);
  }
}

System::~System() = default;

// Every request refers to its shape: the groups' mixes first, then every endpoint's calls, then
// the gateway's own requests (a try per client request shape, each aggregate's backends, the
// introspection call, each rate limit's store call).
GatewayShapes System::build_shapes()
{
  for (const ClientGroupConfig& group : config_.clients) {
    run_.first_shape_of_group.push_back(static_cast<uint32_t>(run_.shapes.size()));
    for (const RequestType& type : group.mix)
      run_.shapes.push_back(
          RequestShape{type.method, type.path, type.request_bytes, type.response_bytes, group.service, type.endpoint});
  }
  for (const ServiceConfig& service : config_.services) {
    std::vector<uint32_t>& firsts = run_.first_call_shape.emplace_back();
    for (const EndpointConfig& endpoint : service.endpoints) {
      firsts.push_back(static_cast<uint32_t>(run_.shapes.size()));
      for (const CallConfig& call : endpoint.calls)
        run_.shapes.push_back(RequestShape{call.method, call.path, call.request_bytes, call.response_bytes,
                                           call.service_index, call.endpoint});
    }
  }
  GatewayShapes g;
  if (!config_.gateway) return g;
  const GatewayConfig& gw = *config_.gateway;
  g.upstream_base = static_cast<uint32_t>(run_.shapes.size());
  for (const ClientGroupConfig& group : config_.clients)
    for (const RequestType& type : group.mix) {
      RequestShape up{type.method, type.upstream_path, type.request_bytes, type.response_bytes, 0, -1};
      if (type.route >= 0) {
        const RouteConfig& route = gw.routes[static_cast<size_t>(type.route)];
        up.service = route.service_index;
        up.endpoint = type.upstream_endpoint;
        up.request_bytes += route.request_headers_add_bytes;
      }
      run_.shapes.push_back(up);
    }
  for (const RouteConfig& route : gw.routes) {
    g.first_branch.push_back(static_cast<uint32_t>(run_.shapes.size()));
    if (route.aggregate)
      for (const AggregateBackend& b : route.aggregate->backends)
        run_.shapes.push_back(
            RequestShape{b.method, b.path, b.request_bytes, b.response_bytes, b.service_index, b.endpoint});
  }
  if (gw.auth.kind == AuthConfig::Kind::introspection) {
    g.auth = static_cast<uint32_t>(run_.shapes.size());
    run_.shapes.push_back(RequestShape{gw.auth.remote_method, gw.auth.remote_path, 0, 0, gw.auth.remote_service_index,
                                       gw.auth.remote_endpoint});
  }
  for (const RateLimitConfig& limit : gw.rate_limits) {
    g.store.push_back(UINT32_MAX);
    if (!limit.shared || limit.store_service.empty()) continue;
    g.store.back() = static_cast<uint32_t>(run_.shapes.size());
    run_.shapes.push_back(RequestShape{"POST", "/ratelimit", 0, 0, limit.store_service_index, limit.store_endpoint});
  }
  return g;
}

// Without a network every node is 0 and requests arrive the instant they are sent.
void System::build_network()
{
  region_nodes_.assign(config_.clients.size(), 0);
  run_.server_nodes.assign(run_.servers.size(), 0);
  if (!config_.network) {
    direct_ = std::make_unique<DirectTransport>(run_.router);
    run_.router.set_transport(*direct_, true);
    lifecycle_.set_parts(&clients_, direct_.get());
    return;
  }
  network_ = std::make_unique<Transfers>(config_, sim_, run_.router);
  run_.router.set_transport(*network_, false);
  lifecycle_.set_parts(&clients_, network_.get());
  metrics_.set_links(network_.get());
  for (size_t g = 0; g < config_.clients.size(); ++g) region_nodes_[g] = network_->node(config_.clients[g].region);
  for (size_t i = 0; i < run_.servers.size(); ++i) run_.server_nodes[i] = network_->node(run_.servers[i]->name());
  for (Service* service : run_.services) {
    const ServiceConfig& c = service->config();
    const NodeId entry = network_->node(c.balancer ? c.balancer->name : c.servers.front().name);
    service->set_node(entry);
    network_->add_entry(entry);
  }
  if (gateway_) {
    const NodeId node = network_->node(config_.gateway->name);
    gateway_->set_node(node);
    network_->add_entry(node);
  }
}

void System::start()
{
  if (started_) return;
  started_ = true;
  if (config_.duration) metrics_.set_run_end(config_.warmup + *config_.duration);
  if (config_.warmup > SimTime::zero())
    lifecycle_.schedule_warmup_end(config_.warmup);
  else
    on_warmup_end();
  for (auto& client : clients_) client->start();
  lifecycle_.start();
}

void System::on_warmup_end()
{
  const SimTime now = sim_.now();
  metrics_.start_measuring();  // also resets the servers and the links
  run_.measuring = true;
  for (Service* service : run_.services) {
    if (LoadBalancer* balancer = service->balancer()) balancer->reset_measurement(now);
    service->stats().reset();
    service->no_capacity().reset(now);
    if (service->autoscaled()) service->reset_autoscaler();
  }
  lifecycle_.reset_measurement(now);
  if (gateway_) gateway_->reset_measurement(now);
  for (auto& client : clients_) client->reset_measurement(now);
}

[[gnu::flatten]] void System::on_request_sent(RequestId id)
{
  Request& r = run_.requests[id];
  r.sequence = ++run_.created;
  r.measured = metrics_.measuring();
  r.shape = run_.first_shape_of_group[r.client_group] + r.type;
  metrics_.on_sent(r);
  if (attempts_) attempts_->on_sending(id, r);
  dispatch(id, r, r.sent);
  if (config_.stop_requests && metrics_.arrived() > kStopRequestsGiveUpFactor * *config_.stop_requests + 1000) {
    stopped_early_ = true;
    sim_.stop();
  }
}

// A client's request leaves: to the gateway, or to the service of its shape.
void System::dispatch(RequestId id, Request& r, SimTime now)
{
  Router::start(r, client_end_, r.client_group, region_nodes_[r.client_group], now);
  if (gateway_) {
    r.preflight = preflights_->needs_preflight(r, now);
    client_end_.send_to_gateway(id, r);
  } else {
    const RequestShape& shape = run_.shapes[r.shape];
    services_[shape.service]->send(id, r, shape.request_bytes);
  }
}

// Another attempt of a user request (ClientAttempts): a new sequence, not a new arrival.
void System::send_attempt(RequestId id)
{
  Request& r = run_.requests[id];
  r.sequence = ++run_.created;
  attempts_->on_sending(id, r);
  dispatch(id, r, sim_.now());
}

void System::on_hop(const Hop& hop)
{
  if (hop_observer_) hop_observer_->on_hop(hop);
  ++hops_;
  if (stop_after_hops_ && hops_ >= stop_after_hops_) sim_.stop();
}

// Only with an observer that wants the stages (set_hop_observer): a station is known by its address.
void System::on_move(const Request& r, StageKind kind, const Frame& from, const Frame& to)
{
  hop_observer_->on_stage(Stage{r, kind, place_of(from), place_of(to), r.upward});
}

Place System::place_of(const Frame& frame) const
{
  if (frame.station == &client_end_) return {Place::client, frame.slot};
  if (gateway_ && frame.station == gateway_.get()) return {Place::gateway, 0};
  for (const auto& service : services_) {
    if (frame.station == service->balancer()) return {Place::balancer, service->index()};
    if (frame.station == &service->station()) return {Place::server, frame.slot};
  }
  return {Place::client, 0};  // not reached: every station is one of these
}

void System::on_request_done(bool completed)
{
  stop_if_finished();
  if (completed && config_.stop_requests && metrics_.completed() >= *config_.stop_requests) sim_.stop();
}

void System::on_call_done() { stop_if_finished(); }

// Scripted traffic ends: once every client group is done and nothing is in flight, nothing can
// happen any more but metrics ticks, so the run ends there instead of ticking forever.
void System::stop_if_finished()
{
  if (config_.duration && stop_after_hops_ == 0) return;  // a run with a duration measures all of it
  if (traffic_done()) sim_.stop();
}

bool System::traffic_done() const
{
  if (run_.requests.in_use() != 0) return false;
  for (const auto& client : clients_)
    if (!client->exhausted()) return false;
  return true;
}

bool System::run_until_hops(uint64_t hops)
{
  stop_after_hops_ = hops;
  run_.report_hops = true;
  start();
  // Past the end only the metrics ticks are left, and they re-arm: running would never return.
  if (hops_ < hops && !run_over())
    sim_.run_until(config_.duration ? config_.warmup + *config_.duration : SimTime::max());
  return hops_ >= hops;
}

bool System::run_until_time(SimTime until)
{
  start();
  if (config_.duration) until = std::min(until, config_.warmup + *config_.duration);
  if (!run_over() && until > sim_.now()) sim_.run_until(until);
  return run_over();
}

bool System::run_over() const
{
  if (stopped_early_) return true;
  if (config_.duration && sim_.now() >= config_.warmup + *config_.duration) return true;
  if (config_.stop_requests && metrics_.completed() >= *config_.stop_requests) return true;
  return traffic_done();
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

}  // namespace lbsim::models
