#include "models/metrics/metrics.hpp"

#include "models/services/service.hpp"

namespace lbsim::models {

namespace {
// Ticks run after every other event at the same instant, so a row sees that instant complete.
constexpr int kTickPriority = 100;
}  // namespace

MetricsRecorder::MetricsRecorder(const MetricsConfig& config, engine::Simulation& sim,
                                 const std::vector<std::unique_ptr<Server>>& servers)
    : config_(config), sim_(sim), servers_(servers), handler_(sim.add_handler(*this)), in_flight_(sim.now(), 0),
      measured_in_flight_(sim.now(), 0)
{
}

void MetricsRecorder::start_measuring()
{
  const SimTime now = sim_.now();
  measuring_ = true;
  measure_start_ = interval_start_ = server_rows_start_ = now;
  intervals_since_server_rows_ = 0;
  in_flight_.reset(now);
  measured_in_flight_.reset(now);
  abandoned_at_interval_start_ = 0;
  const size_t n = servers_.size();
  busy_at_interval_start_.assign(n, 0.0);
  queue_at_interval_start_.assign(n, 0.0);
  completed_at_interval_start_.assign(n, 0);
  server_rows_.resize(n);
  for (const auto& server : servers_) server->reset_measurement(now);
  if (services_) service_seen_.assign(services_->size(), {0.0, 0.0});
  if (links_) {
    links_->reset_link_measurement(now);
    link_bytes_at_interval_start_.assign(links_->link_count(), 0.0);
    link_rows_.resize(links_->link_count());
  }
  sim_.schedule_in(config_.interval, handler_, 0, 0, kTickPriority);
}

void MetricsRecorder::handle(const engine::Event&)
{
  emit_row(sim_.now() >= run_end_);
  if (sink_ && sink_->stop_requested()) {
    sim_.stop();  // stopped from outside (TimeSeriesSink::stop_requested): no further tick
    return;
  }
  // With nothing else pending, nothing can happen any more: ticking on would only make a run
  // without an end (or past its end) loop forever. Before a duration's end, the rows go on.
  if (sim_.pending_events() == 0 && (run_end_ == SimTime::max() || sim_.now() >= run_end_)) return;
  sim_.schedule_in(config_.interval, handler_, 0, 0, kTickPriority);
}

void MetricsRecorder::finish()
{
  if (measuring_ && sim_.now() > interval_start_) emit_row(true);
  latency_.merge(interval_latency_);  // (nothing left after a row; kept for an interval of length 0)
  interval_latency_.clear();
}

void MetricsRecorder::emit_row(bool last)
{
  const SimTime now = sim_.now();
  const double seconds = (now - interval_start_).seconds();
  IntervalRow row;
  row.time_s = now.seconds();
  row.completed = interval_latency_.count();
  row.throughput_rps = seconds > 0 ? static_cast<double>(row.completed) / seconds : 0.0;
  row.latency_mean_s = interval_latency_.mean() * 1e-9;
  row.latency_p50_s = static_cast<double>(interval_latency_.quantile(0.50)) * 1e-9;
  row.latency_p99_s = static_cast<double>(interval_latency_.quantile(0.99)) * 1e-9;
  row.in_flight = static_cast<uint64_t>(in_flight_.value());
  row.arrived = interval_arrived_;
  row.events = sim_.events_processed();
  row.rejected = interval_rejected_;
  if (links_) {
    const double n = static_cast<double>(row.completed);
    row.server_mean_s = row.completed ? static_cast<double>(interval_server_ns_) * 1e-9 / n : 0.0;
    row.network_mean_s = row.completed ? static_cast<double>(interval_network_ns_) * 1e-9 / n : 0.0;
  } else {
    row.server_mean_s = row.latency_mean_s;
  }

  row.failed = interval_failed_;
  if (gateway_) row.gateway = gateway_->close_interval();
  if (client_side_) {
    double abandoned = 0;
    for (const auto& server : servers_) abandoned += server->abandoned_work_s();
    interval_client_.goodput_rps = seconds > 0 ? static_cast<double>(row.completed) / seconds : 0.0;
    interval_client_.abandoned_work_s = abandoned - abandoned_at_interval_start_;
    abandoned_at_interval_start_ = abandoned;
    // Throughput counts every 200 the clients received, the late ones too; goodput only those in time.
    row.throughput_rps = seconds > 0 ? static_cast<double>(row.completed + interval_client_.late) / seconds : 0.0;
    row.client = interval_client_;
    interval_client_ = {};
  }
  for (const auto& server : servers_) {
    const ServerState state = server->state();
    if (state == ServerState::up) ++row.servers_up;
    if (is_billed(state)) ++row.servers_billed;
    row.cost += server->cost(now);
  }
  const bool server_rows_due = last || ++intervals_since_server_rows_ >= config_.server_rows_every;
  fill_server_rows(now, server_rows_due);
  if (sink_) sink_->on_interval(row, server_rows_due ? std::span<const ServerIntervalRow>(server_rows_)
                                                     : std::span<const ServerIntervalRow>());
  if (links_) {
    if (link_rows_.size() < links_->link_count()) {  // links of servers added during the run start from zero
      link_bytes_at_interval_start_.resize(links_->link_count(), 0.0);
      link_rows_.resize(links_->link_count());
    }
    for (size_t i = 0; i < link_rows_.size(); ++i) {
      const double bytes = links_->link_bytes(i, now);
      LinkIntervalRow& out = link_rows_[i];
      out.time_s = row.time_s;
      out.link = &links_->link_name(i);
      out.bytes = bytes - link_bytes_at_interval_start_[i];
      out.throughput_bps = seconds > 0 ? out.bytes * 8 / seconds : 0.0;
      out.utilization = out.throughput_bps / links_->link_bandwidth_bps(i);
      link_bytes_at_interval_start_[i] = bytes;
    }
    if (sink_) sink_->on_link_interval(link_rows_);
  }
  if (services_) {
    service_rows_.resize(services_->size());
    for (size_t i = 0; i < services_->size(); ++i) {
      Service& service = *(*services_)[i];
      ServiceIntervalRow& out = service_rows_[i];
      out.time_s = row.time_s;
      out.service = &service.name();
      double busy = 0, capacity = 0;
      for (const uint32_t member : service.members()) {
        const Server& s = *servers_[member];
        busy += s.busy_core_seconds(now);
        capacity += s.up_seconds(now) * s.config().cores;
      }
      auto& seen = service_seen_[i];
      out.utilization = capacity - seen.second > 0 ? (busy - seen.first) / (capacity - seen.second) : 0.0;
      seen = {busy, capacity};
      const ServiceStats::Interval& in = service.stats().close_interval();
      out.calls = in.calls;
      if (!service.keeps_stats()) {  // the run's own figures are the service's (Service::keeps_stats)
        out.arrived = row.arrived;
        out.completed = row.completed;
        out.errors = row.failed;
        out.rejected = row.rejected;
        out.latency_mean_s = row.latency_mean_s;
        out.latency_p99_s = row.latency_p99_s;
      } else {
        out.arrived = in.arrived;
        out.completed = in.answered.ok;
        out.errors = in.answered.errors();
        out.rejected = in.answered.unavailable;
        out.latency_mean_s = in.latency.mean() * 1e-9;
        out.latency_p99_s = static_cast<double>(in.latency.quantile(0.99)) * 1e-9;
      }
      out.throughput_rps = seconds > 0 ? static_cast<double>(out.completed) / seconds : 0.0;
    }
    if (sink_) sink_->on_service_interval(service_rows_);
  }
  latency_.merge(interval_latency_);
  interval_latency_.clear();
  interval_server_ns_ = interval_network_ns_ = 0;
  interval_arrived_ = interval_rejected_ = interval_failed_ = 0;
  interval_start_ = now;
}

// Fills server_rows_ over the span since the previous server rows, when they are due.
void MetricsRecorder::fill_server_rows(SimTime now, bool due)
{
  if (server_rows_.size() < servers_.size()) {  // servers added during the run start from zero
    const size_t n = servers_.size();
    busy_at_interval_start_.resize(n, 0.0);
    queue_at_interval_start_.resize(n, 0.0);
    completed_at_interval_start_.resize(n, 0);
    server_rows_.resize(n);
  }
  if (!due) return;
  const double seconds = (now - server_rows_start_).seconds();
  const double time_s = now.seconds();
  for (size_t i = 0; i < servers_.size(); ++i) {
    const Server& s = *servers_[i];
    const double busy = s.busy_core_seconds(now);
    const double queue = s.queue_integral(now);
    ServerIntervalRow& out = server_rows_[i];
    out.time_s = time_s;
    out.server = &s.name();
    out.state = to_string(s.state());
    out.utilization = seconds > 0 ? (busy - busy_at_interval_start_[i]) / (seconds * s.config().cores) : 0.0;
    out.queue = seconds > 0 ? (queue - queue_at_interval_start_[i]) / seconds : 0.0;
    out.completed = s.completed() - completed_at_interval_start_[i];
    busy_at_interval_start_[i] = busy;
    queue_at_interval_start_[i] = queue;
    completed_at_interval_start_[i] = s.completed();
  }
  server_rows_start_ = now;
  intervals_since_server_rows_ = 0;
}

}  // namespace lbsim::models
