#include "models/metrics/metrics_schedule.hpp"

#include "models/clients/users.hpp"

#include <algorithm>
#include <cmath>

namespace lbsim::models {

namespace {

// Arrivals per second over the whole run; a script or trace counts its arrivals over its span.
double long_run_rate(const ClientGroupConfig& group)
{
  const ArrivalConfig& a = group.arrivals;
  if (!a.scripted()) return planning_rate_per_s(group);
  if (a.script.empty() || a.script.back().at <= SimTime{}) return 0;
  return static_cast<double>(a.script.size()) / a.script.back().at.seconds();
}

size_t servers_at_most(const SystemConfig& config)
{
  size_t n = 0;
  for (const ServiceConfig& service : config.services) n += service.servers.size();
  for (const TimelineAction& action : config.timeline)
    if (action.kind == TimelineAction::Kind::add) n += static_cast<size_t>(std::max(action.count, 0));
  if (config.autoscaling) n += static_cast<size_t>(std::max(config.autoscaling->max, 0));
  return std::max<size_t>(n, 1);
}

}  // namespace

double expected_measured_seconds(const SystemConfig& config)
{
  const double warmup = config.warmup.seconds();
  double end = config.duration ? warmup + config.duration->seconds() : 0.0;
  if (config.stop_requests) {
    double rate = 0;
    for (const ClientGroupConfig& group : config.clients) rate += long_run_rate(group);
    if (rate > 0) {
      const double by_requests = warmup + static_cast<double>(*config.stop_requests) / rate;
      end = end > 0 ? std::min(end, by_requests) : by_requests;
    }
  }
  if (end == 0)
    for (const ClientGroupConfig& group : config.clients)
      if (group.arrivals.scripted() && !group.arrivals.script.empty())
        end = std::max(end, group.arrivals.script.back().at.seconds());
  return std::max(0.0, end - warmup);
}

double round_up_to_1_2_5(double x)
{
  double decade = std::pow(10.0, std::floor(std::log10(x)));
  for (;;) {
    for (const double step : {1.0, 2.0, 5.0})
      if (step * decade >= x * (1 - 1e-12)) return step * decade;
    decade *= 10;
  }
}

void choose_metrics_schedule(SystemConfig& config)
{
  MetricsConfig& m = config.metrics;
  m.interval_automatic = true;
  m.interval = engine::seconds(1);
  m.server_rows_every = 1;
  const double span = expected_measured_seconds(config);
  if (!(span > 0) || !std::isfinite(span)) return;
  // (at most 10^9 s, far inside the int64 nanosecond clock)
  const double interval_s = std::clamp(round_up_to_1_2_5(span / kMaxAutomaticRows), 1.0, 1e9);
  m.interval = SimTime::from_ns(static_cast<int64_t>(interval_s * 1e9));
  const double rows = std::ceil(span / interval_s);
  const double server_rows = rows * static_cast<double>(servers_at_most(config));
  if (server_rows > kMaxAutomaticServerRows)
    m.server_rows_every = static_cast<uint32_t>(round_up_to_1_2_5(server_rows / kMaxAutomaticServerRows));
}

}  // namespace lbsim::models
