#include "cli/summary_table.hpp"

#include "cli/gateway_table.hpp"
#include "cli/text_line.hpp"

#include "models/metrics/balance.hpp"
#include "scenarios/results/results_writer.hpp"

#include <cmath>
#include <algorithm>
#include <cstdio>
#include <vector>

namespace lbsim::cli {

namespace {

std::string ms(double seconds) { return line("%.3f ms", seconds * 1e3); }

std::string percent(double relative) { return std::isfinite(relative) ? line("%+.2f%%", 100.0 * relative) : "n/a"; }

// The queueing model's prediction beside the simulated values (docs/analytic.md).
std::string analytic_section(const models::RunSummary& s)
{
  if (!s.analytic) return "";
  const models::analytic::AnalyticPrediction& a = *s.analytic;
  if (!a.applies()) return "\nanalytic     no analytic model applies: " + a.reason + "\n";
  std::string out = "\nanalytic     " + a.model + " (" + a.parameters + ")\n";
  auto row = [&](const char* what, const std::string& simulated, const std::string& analytic, double error) {
    out += line("             %-9s simulated %-14s analytic %-14s error %s\n", what, simulated.c_str(), analytic.c_str(),
                percent(error).c_str());
  };
  row("mean", ms(s.latency_mean_s), ms(a.mean_s), models::analytic::relative_error(s.latency_mean_s, a.mean_s));
  if (a.p99_s)
    for (const auto& [p, v] : s.latency_percentiles_s)
      if (p == 99.0) row("p99", ms(v), ms(*a.p99_s), models::analytic::relative_error(v, *a.p99_s));
  if (a.throughput_per_s)
    row("X", line("%.6g/s", s.throughput_rps), line("%.6g/s", *a.throughput_per_s),
        models::analytic::relative_error(s.throughput_rps, *a.throughput_per_s));
  if (a.p_block && s.arrived > 0) {
    const double blocked = static_cast<double>(s.rejected) / static_cast<double>(s.arrived);
    row("P(block)", line("%.6g", blocked), line("%.6g", *a.p_block), models::analytic::relative_error(blocked, *a.p_block));
  }
  if (!a.note.empty()) out += "             note: " + a.note + "\n";
  return out;
}

// The gateway's closed forms beside the simulated figures (docs/gateway.md, "Analytic figures").
std::string gateway_analytic_section(const models::RunSummary& s)
{
  std::string out;
  for (const models::analytic::GatewayPrediction& p : s.gateway_analytic) {
    if (!p.applies()) {
      out += line("  %-22s no closed form: %s\n", p.quantity.c_str(), p.reason.c_str());
      continue;
    }
    out += line("  %-22s simulated %-12.6g analytic %-12.6g error %s   %s (%s)\n", p.quantity.c_str(), p.simulated,
                p.analytic, percent(models::analytic::relative_error(p.simulated, p.analytic)).c_str(), p.model.c_str(),
                p.parameters.c_str());
  }
  return out.empty() ? out : "analytic     the gateway's closed forms\n" + out;
}

// The network's directed links; with many, the busiest (all of them are in summary.json).
std::string links_section(const models::RunSummary& s)
{
  constexpr size_t kMaxRows = 20;
  if (s.links.empty()) return "";
  std::vector<size_t> shown(s.links.size());
  for (size_t i = 0; i < shown.size(); ++i) shown[i] = i;
  if (shown.size() > kMaxRows) {
    std::stable_sort(shown.begin(), shown.end(),
                     [&](size_t a, size_t b) { return s.links[a].utilization > s.links[b].utilization; });
    shown.resize(kMaxRows);
    std::sort(shown.begin(), shown.end());
  }
  std::string out = "\n";
  out += line("%-24s %14s %16s %12s %16s\n", "link", "bandwidth", "throughput", "utilization", "bytes");
  for (size_t i : shown) {
    const models::LinkSummary& l = s.links[i];
    out += line("%-24s %9.6g Mbps %11.6g Mbps %11.2f%% %16.0f\n", l.name.c_str(), l.bandwidth_mbps, l.throughput_mbps,
                100.0 * l.utilization, l.bytes);
  }
  if (shown.size() < s.links.size())
    out += line("... and %zu more links (the busiest are shown; summary.json has them all)\n",
                s.links.size() - shown.size());
  return out;
}
// Each service (with several, or with endpoints): what reached it, how it answered, how long that
// took from its front door, and its endpoints when it has several.
std::string services_section(const models::RunSummary& s)
{
  const bool declared = !s.services.empty() && !s.services.front().endpoints.empty() &&
                        s.services.front().endpoints.front().path != "*";
  if (s.services.size() < 2 && !declared) return "";
  std::string out = "\n";
  out += line("%-22s %10s %10s %8s %8s %12s %12s %12s %8s\n", "service", "arrived", "200", "5xx", "503", "utilization",
              "mean", "p99", "calls");
  const auto p99_of = [](const models::LatencySummary& l) {
    for (const auto& [p, v] : l.percentiles_s)
      if (p == 99.0) return ms(v);
    return std::string("-");
  };
  for (const models::ServiceSummary& service : s.services) {
    out += line("%-22s %10llu %10llu %8llu %8llu %11.1f%% %12s %12s %8llu\n", service.name.c_str(),
                static_cast<unsigned long long>(service.arrived), static_cast<unsigned long long>(service.by_status.ok),
                static_cast<unsigned long long>(service.by_status.internal_error + service.by_status.bad_gateway),
                static_cast<unsigned long long>(service.by_status.unavailable), 100.0 * service.utilization,
                ms(service.latency.mean_s).c_str(), p99_of(service.latency).c_str(),
                static_cast<unsigned long long>(service.calls));
    if (service.endpoints.size() < 2) continue;
    for (const models::EndpointSummary& e : service.endpoints) {
      const std::string name = "  " + (e.method.empty() ? std::string() : e.method + " ") + e.path;
      out += line("%-22s %10llu %10llu %8llu %8llu %12s %12s %12s\n", name.c_str(),
                  static_cast<unsigned long long>(e.arrived), static_cast<unsigned long long>(e.by_status.ok),
                  static_cast<unsigned long long>(e.by_status.internal_error + e.by_status.bad_gateway),
                  static_cast<unsigned long long>(e.by_status.unavailable), "", ms(e.latency.mean_s).c_str(),
                  p99_of(e.latency).c_str());
    }
  }
  return out;
}
}  // namespace

std::string summary_table(const models::RunSummary& s)
{
  std::string out;
  out += line("scenario     %s (seed %llu)\n", s.scenario.c_str(), static_cast<unsigned long long>(s.seed));
  out += line("measured     %.3f s of simulated time, %llu events, fingerprint %s\n", s.simulated_s,
              static_cast<unsigned long long>(s.events), s.fingerprint.c_str());
  if (s.interval_automatic && (s.interval_s != 1.0 || s.server_rows_every > 1)) {
    out += line("time series  a row every %g s, chosen for this run's length (set metrics.interval to choose)", s.interval_s);
    if (s.server_rows_every > 1) out += line("; servers.csv every %u rows", s.server_rows_every);
    out += "\n";
  }
  out += line("requests     %llu arrived, %llu completed, %llu rejected (503), %llu failed\n",
              static_cast<unsigned long long>(s.arrived), static_cast<unsigned long long>(s.completed),
              static_cast<unsigned long long>(s.rejected), static_cast<unsigned long long>(s.failed));
  out += line("throughput   %.2f req/s\n", s.throughput_rps);
  if (s.client) {
    out += line("clients      %.2f req/s goodput (answers in time); %llu timed out, %llu late answers dropped, "
                "%llu retries\n",
                s.client->goodput_rps, static_cast<unsigned long long>(s.client->timed_out),
                static_cast<unsigned long long>(s.client->late), static_cast<unsigned long long>(s.client->retried));
    out += line("             %.3f server seconds of abandoned work (answers nobody waited for)\n",
                s.client->abandoned_work_s);
  }
  out += "latency      mean " + ms(s.latency_mean_s);
  for (const auto& [p, v] : s.latency_percentiles_s) out += "   " + scenarios::percentile_key(p) + " " + ms(v);
  out += "   max " + ms(s.latency_max_s) + "\n";
  if (!s.links.empty())
    out += "  of which    network mean " + ms(s.latency_split.network_mean_s) + "   p99 " +
           ms(s.latency_split.network_p99_s) + "   |   server mean " + ms(s.latency_split.server_mean_s) + "   p99 " +
           ms(s.latency_split.server_p99_s) + "\n";
  if (s.slo_p99_s) {
    double p99 = 0;
    for (const auto& [p, v] : s.latency_percentiles_s)
      if (p == 99.0) p99 = v;
    out += line("SLO          p99 <= %s: %s\n", ms(*s.slo_p99_s).c_str(), p99 <= *s.slo_p99_s ? "met" : "MISSED");
  }
  for (const models::SessionSummary& ss : s.sessions) {
    out += line("sessions     %s: %llu started, %llu completed, %.2f requests each", ss.client.c_str(),
                static_cast<unsigned long long>(ss.started), static_cast<unsigned long long>(ss.completed),
                ss.requests_mean);
    if (ss.lost) out += line("; %llu lost their state on a server", static_cast<unsigned long long>(*ss.lost));
    out += "\n             time mean " + ms(ss.time.mean_s);
    for (const auto& [p, v] : ss.time.percentiles_s) out += "   " + scenarios::percentile_key(p) + " " + ms(v);
    out += "   max " + ms(ss.time.max_s) + "\n";
  }
  if (s.in_flight_measured_at_end > 0 && s.in_flight_mean_age_s > s.latency_mean_s)
    out += line("in flight    %llu requests still in the system at the end, mean age %s: the latency figures count "
                "finished requests only\n",
                static_cast<unsigned long long>(s.in_flight_measured_at_end), ms(s.in_flight_mean_age_s).c_str());
  if (s.little_l > 0) {
    double difference = (s.little_lambda_w - s.little_l) / s.little_l;
    if (std::abs(difference) < 5e-9) difference = 0;  // rounding, not a sign to print
    out += line("Little's law L = %.4f, lambda*W = %.4f (%+.2f%%) over the measured requests, W their time in the "
                "system answered or not",
                s.little_l, s.little_lambda_w, 100.0 * difference);
    out += s.in_flight_measured_at_end > 0 ? line(" (%.4f of it from the %llu in flight at the end)\n", s.little_in_flight_part,
                                                  static_cast<unsigned long long>(s.in_flight_measured_at_end))
                                           : "\n";
  }
  if (s.cost_total > 0 && s.simulated_s > 0)
    out += line("cost         %.4f = %.4f per hour x %.4f h measured (prices are per hour, in the catalog's unit); "
                "%.4f per million requests\n",
                s.cost_total, s.cost_total * 3600.0 / s.simulated_s, s.simulated_s / 3600.0,
                s.completed ? s.cost_total * 1e6 / static_cast<double>(s.completed) : 0.0);
  if (s.failed > 0 || s.availability.zero_capacity_s > 0 || s.lifecycle_events > 0)
    out += line("availability %.4f%% served, %llu failed, %llu retried, %.1f s with no server up, %llu lifecycle "
                "events\n",
                100.0 * s.availability.served_share, static_cast<unsigned long long>(s.failed),
                static_cast<unsigned long long>(s.availability.retried), s.availability.zero_capacity_s,
                static_cast<unsigned long long>(s.lifecycle_events));
  out += "\n";
  out += line("%-16s %12s %10s %12s %12s\n", "server", "completed", "rejected", "utilization", "mean queue");
  for (const auto& server : s.servers)
    out += line("%-16s %12llu %10llu %11.1f%% %12.3f\n", server.name.c_str(),
                static_cast<unsigned long long>(server.completed), static_cast<unsigned long long>(server.rejected),
                100.0 * server.utilization, server.mean_queue);
  if (s.servers.size() > 1) {
    std::vector<uint64_t> completed;
    for (const auto& server : s.servers) completed.push_back(server.completed);
    const models::BalanceFigures b = models::balance_of(completed);
    out += line("balance      max/mean %.3f   Jain's index %.4f (completed requests per server)\n", b.max_over_mean,
                b.jain_index);
  }
  uint64_t server_completed = 0;
  for (const auto& server : s.servers) server_completed += server.completed;
  if (!s.servers.empty() && server_completed != s.completed)
    out += line("             (the servers completed %llu: all that left them after the warm-up, calls between services "
                "and requests sent during the warm-up included; the run's %llu are the clients' requests sent after it and "
                "answered, by a server or by a gateway)\n",
                static_cast<unsigned long long>(server_completed), static_cast<unsigned long long>(s.completed));
  if (s.balancer && (s.balancer->layer == 4 || s.balancer->utilization > 0 || s.balancer->max_connections > 0 ||
                     s.balancer->rejected > 0)) {
    const models::BalancerSummary& b = *s.balancer;
    out += line("balancer     %s, layer %d: utilization %.1f%% of %d worker(s), mean run queue %.3f, mean backlog %.3f, "
                "%llu rejected (503)\n",
                b.name.c_str(), b.layer, 100.0 * b.utilization, b.workers, b.mean_run_queue, b.mean_backlog,
                static_cast<unsigned long long>(b.rejected));
    if (b.max_connections > 0)
      out += line("             max_connections %llu: mean in progress %.3f, at most %llu\n",
                  static_cast<unsigned long long>(b.max_connections), b.mean_in_progress,
                  static_cast<unsigned long long>(b.max_in_progress));
    if (b.layer == 4)
      out += line("             %llu connections opened, %.2f requests per connection\n",
                  static_cast<unsigned long long>(b.connections_opened), b.requests_per_connection);
  }
  if (s.balancer && s.balancer->has_max_conns) {
    const models::BalancerSummary& b = *s.balancer;
    if (b.queue)
      out += line("queue        max_conns backend queue: mean length %.3f, at most %llu; %llu waited, mean %.4f s, "
                  "at most %.4f s; %llu timed out after %g s (503)\n",
                  b.queue_mean_length, static_cast<unsigned long long>(b.queue_max_length),
                  static_cast<unsigned long long>(b.queued), b.queue_mean_wait_s, b.queue_max_wait_s,
                  static_cast<unsigned long long>(b.queue_timed_out), b.queue_timeout_s);
    else
      out += line("queue        none (queue: false): %llu refused at once, every eligible server at max_conns (503)\n",
                  static_cast<unsigned long long>(b.refused_full));
  }
  out += gateway_table(s);
  out += services_section(s);
  out += links_section(s);
  out += analytic_section(s);
  out += gateway_analytic_section(s);
  if (s.not_sent_at_cap > 0)
    out += line("\nwarning: %llu arrivals were not sent because %llu requests were in flight (max_in_flight): the "
                "system could not keep up, and its queues grew until the cap; the figures above describe a "
                "system held at the cap\n",
                static_cast<unsigned long long>(s.not_sent_at_cap), static_cast<unsigned long long>(s.max_in_flight));
  if (s.stopped_early)
    out += "\nwarning: the run gave up before stop.requests completed: far more requests were refused than served\n";
  return out;
}

}  // namespace lbsim::cli
