#include "scenarios/run_estimate.hpp"

#include "models/clients/users.hpp"
#include "models/clients/client_attempts.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace lbsim::scenarios {

namespace {

// Events of one user request relative to one attempt without a timeout: with retries, up to
// 1 + max attempts (all of them when nothing bounds them: the overload retries feed; 1 + the
// budget's ratio, and its floor, with a budget); a timeout adds its timer to each attempt.
double client_attempts_factor(const models::RequestType& type, double type_rate)
{
  const models::ClientRetryConfig& r = type.retries;
  double attempts = 1.0 + r.max;
  if (r.max > 0 && r.budget_ratio) {
    const double floor = type_rate > 0 ? r.budget_min_per_second / type_rate : 0.0;
    attempts = 1.0 + std::min(static_cast<double>(r.max), *r.budget_ratio + floor);
  }
  const double timer = type.timeout > models::SimTime::zero() ? 1.0 / kEventsPerRequestVisit : 0.0;
  return attempts * (1.0 + timer);
}

double mean_of(const models::DistributionPtr& d) { return d ? d->mean() : 0.0; }

std::string figure(double v)
{
  char buffer[64];
  if (v >= 1e6)
    std::snprintf(buffer, sizeof buffer, "%.3g", v);
  else
    std::snprintf(buffer, sizeof buffer, "%.0f", v);
  return buffer;
}

// Adds what one request to `endpoint` of `service` (at `rate` per second) offers to that service
// and, through its calls, to the services it calls. `depth` guards against call cycles.
void offer(const models::SystemConfig& config, uint32_t service, int32_t endpoint, double rate, double direct_work,
           std::vector<ServiceLoad>& loads, int depth)
{
  if (service >= loads.size() || depth > 32 || rate <= 0) return;
  ServiceLoad& load = loads[service];
  load.arrival_rate_per_s += rate;
  load.demand += rate * direct_work;
  const auto& endpoints = config.services[service].endpoints;
  if (endpoint < 0 || static_cast<std::size_t>(endpoint) >= endpoints.size()) return;
  const models::EndpointConfig& e = endpoints[static_cast<std::size_t>(endpoint)];
  load.demand += rate * (mean_of(e.work) + mean_of(e.work_after));
  for (const models::CallConfig& call : e.calls)
    offer(config, call.service_index, call.endpoint, rate * call.probability, 0.0, loads, depth + 1);
}

}  // namespace

bool RunEstimate::overloaded() const
{
  return std::any_of(services.begin(), services.end(), [](const ServiceLoad& s) { return s.growth_per_s > 0; });
}

RunEstimate estimate_run(const models::SystemConfig& config)
{
  RunEstimate est;
  est.simulated_s = config.duration ? config.warmup.seconds() + config.duration->seconds() : 0.0;
  for (const models::ServiceConfig& s : config.services) {
    ServiceLoad& load = est.services.emplace_back();
    load.service = s.name;
    load.queue_limited = !s.servers.empty();
    for (const models::ServerConfig& server : s.servers) {
      load.capacity += server.cores * server.speed;
      load.queue_limited = load.queue_limited && server.queue_limit.has_value();
    }
  }

  // A script's requests spread over the whole run (or their own span, when the run is shorter).
  for (const models::ClientGroupConfig& group : config.clients)
    if (group.arrivals.scripted() && !group.arrivals.script.empty())
      est.simulated_s = std::max(est.simulated_s, group.arrivals.script.back().at.seconds());
  double rate_total = 0;
  double attempt_weight = 0;  // sum over request types of rate x events per request relative to one attempt
  for (const models::ClientGroupConfig& group : config.clients) {
    double rate = models::planning_rate_per_s(group);
    if (group.arrivals.scripted()) {
      const double count = static_cast<double>(group.arrivals.script.size());
      est.requests += count;
      rate = est.simulated_s > 0 ? count / est.simulated_s : 0.0;
    } else {
      est.requests += rate * est.simulated_s;
    }
    rate_total += rate;
    double share_total = 0;
    for (const models::RequestType& type : group.mix) share_total += type.share;
    for (const models::RequestType& type : group.mix) {
      const double type_rate = share_total > 0 ? rate * type.share / share_total : 0.0;
      attempt_weight += type_rate * client_attempts_factor(type, type_rate);
      if (config.gateway && type.route >= 0 && static_cast<std::size_t>(type.route) < config.gateway->routes.size()) {
        const models::RouteConfig& route = config.gateway->routes[static_cast<std::size_t>(type.route)];
        if (route.aggregate) {  // one request to each backend
          for (const models::AggregateBackend& backend : route.aggregate->backends)
            offer(config, backend.service_index, backend.endpoint, type_rate, 0.0, est.services, 0);
        } else {
          offer(config, route.service_index, type.upstream_endpoint, type_rate, mean_of(type.work), est.services, 0);
        }
        continue;
      }
      offer(config, group.service, type.endpoint, type_rate, mean_of(type.work), est.services, 0);
    }
  }
  if (config.stop_requests) {
    const double stop = static_cast<double>(*config.stop_requests);
    if (est.simulated_s == 0 || est.requests > stop) {
      est.requests = stop;
      if (rate_total > 0) est.simulated_s = stop / rate_total;
    }
  }

  // Closed users wait for their answers: their queues never hold more than the users, whatever
  // the load their planning rate (an upper bound) suggests.
  const bool closed_only = std::all_of(config.clients.begin(), config.clients.end(), [](const auto& g) {
    return g.arrivals.process == models::ArrivalConfig::Process::closed;
  });
  double visits_per_request = 0;
  for (ServiceLoad& load : est.services) {
    if (rate_total > 0) visits_per_request += load.arrival_rate_per_s / rate_total;
    if (!closed_only && load.capacity > 0 && load.demand > load.capacity && !load.queue_limited)
      load.growth_per_s = load.arrival_rate_per_s * (1.0 - load.capacity / load.demand);
    est.peak_in_flight += load.growth_per_s * est.simulated_s;
  }
  est.peak_in_flight = std::min(est.peak_in_flight, static_cast<double>(config.max_in_flight));
  const double ticks = config.metrics.interval.ns() > 0 ? est.simulated_s / config.metrics.interval.seconds() : 0.0;
  const double per_visit = kEventsPerRequestVisit * (config.network ? kNetworkEventsFactor : 1.0);
  // Client retries multiply the attempts, and each attempt with a timeout adds its timer.
  // (Exactly 1 without client timeouts or retries: the estimate of other runs does not move.)
  const bool client_side = models::ClientAttempts::wanted(config);
  const double attempts = client_side && rate_total > 0 && attempt_weight > 0 ? attempt_weight / rate_total : 1.0;
  est.events = est.requests * per_visit * std::max(visits_per_request, 1.0) * attempts + ticks;
  return est;
}

EstimateReport report_estimate(const RunEstimate& est, const models::SystemConfig& config)
{
  EstimateReport report;
  for (const ServiceLoad& load : est.services) {
    if (load.growth_per_s <= 0) continue;
    char buffer[512];
    std::snprintf(buffer, sizeof buffer,
                  "service \"%s\" is offered %.3g work-seconds per second and its servers do %.3g (load %.0f%%): "
                  "its queue grows by about %s requests per second, %s by the end of the run (at most "
                  "max_in_flight, %llu); add servers or a queue_limit, or lower the rate",
                  load.service.c_str(), load.demand, load.capacity, 100.0 * load.demand / load.capacity,
                  figure(load.growth_per_s).c_str(), figure(load.growth_per_s * est.simulated_s).c_str(),
                  static_cast<unsigned long long>(config.max_in_flight));
    report.warnings.emplace_back(buffer);
  }
  if (est.events > kMaxEventsWithoutForce) {
    report.error = "this run would handle about " + figure(est.requests) + " requests and " + figure(est.events) +
                   " events, beyond the " + figure(kMaxEventsWithoutForce) +
                   " lbsim starts without --force (about ten minutes at ten million events a second); shorten the "
                   "duration or lower the rate, or add --force to run it anyway";
  }
  return report;
}

}  // namespace lbsim::scenarios
