// The System's balancer beyond the pick: layer-4 connections and the front end (processing time,
// max_connections), kept apart from system.cpp. Nothing here runs unless the scenario asks for it.
#include "models/system.hpp"

namespace lbsim::models {

void System::build_balancer_frontend()
{
  if (!config_.balancer) return;
  const BalancerConfig& b = *config_.balancer;
  if (b.layer == 4) connections_ = std::make_unique<ConnectionTable>(b.requests_per_connection);
  // Its handler comes last, so every other handler keeps the number it has without a front end.
  if (b.has_frontend())
    frontend_ = std::make_unique<BalancerFrontend>(b, config_.seed, sim_, static_cast<FrontendListener&>(*this));
}

void System::begin_measuring()
{
  metrics_.start_measuring();  // also resets the servers and the links
  if (frontend_) frontend_->reset_measurement(sim_.now());
  if (connections_) connections_->reset_measurement();
}

bool System::frontend_needs_processing(const Request& r) const
{
  // Layer 4 spends processing on the connection, not on the requests that ride it.
  return !(connections_ && connections_->has_open(client_address(r)));
}

ServerChoice System::pick_server(const Request& r)
{
  const uint32_t address = client_address(r);
  if (connections_) {
    if (const ServerChoice server = connections_->reuse(address, balancer_->pool())) {
      balancer_->assign(*server);
      return server;
    }
  }
  const RequestType& type = config_.clients[r.client_group].mix[r.type];
  const ServerChoice choice = balancer_->choose(address, type.path, sim_.now());
  if (connections_ && choice) connections_->open(address, *choice);
  return choice;
}

void System::on_frontend_admitted(RequestId id)
{
  if (network_) {
    dispatch_via_network(id);
    return;
  }
  dispatch_direct(id);
  // The trace stops after N dispatches (without a front end, N sends are N dispatches).
  ++dispatched_;
  if (stop_after_sent_ && dispatched_ >= stop_after_sent_) sim_.stop();
}

void System::on_frontend_refused(RequestId id)
{
  refuse_at_balancer(id);
  if (!network_) {
    ++dispatched_;
    if (stop_after_sent_ && dispatched_ >= stop_after_sent_) sim_.stop();
  }
}

std::optional<BalancerSummary> System::balancer_summary(SimTime now) const
{
  if (!config_.balancer) return std::nullopt;
  const BalancerConfig& b = *config_.balancer;
  BalancerSummary s;
  s.name = b.name;
  s.algorithm = b.algorithm;
  s.layer = b.layer;
  s.workers = b.workers;
  s.max_connections = b.max_connections.value_or(0);
  if (frontend_) {
    const FrontendSummary f = frontend_->summary(now);
    s.utilization = f.utilization;
    s.mean_run_queue = f.mean_run_queue;
    s.mean_backlog = f.mean_backlog;
    s.mean_in_progress = f.mean_in_progress;
    s.max_in_progress = f.max_in_progress;
    s.rejected = f.refused;
  }
  if (connections_) {
    s.connections_opened = connections_->opened();
    if (s.connections_opened > 0)
      s.requests_per_connection = static_cast<double>(connections_->opened() + connections_->reused()) /
                                  static_cast<double>(connections_->opened());
  }
  return s;
}

}  // namespace lbsim::models
