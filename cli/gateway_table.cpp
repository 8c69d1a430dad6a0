#include "cli/gateway_table.hpp"

#include "cli/text_line.hpp"

#include <cstdio>

namespace lbsim::cli {

namespace {
unsigned long long u(uint64_t n) { return static_cast<unsigned long long>(n); }
std::string ms(double seconds) { return line("%.3f ms", seconds * 1e3); }
double p99_of(const models::LatencySummary& l)
{
  for (const auto& [p, v] : l.percentiles_s)
    if (p == 99.0) return v;
  return 0;
}
}  // namespace

std::string gateway_table(const models::RunSummary& s)
{
  if (!s.gateway) return "";
  const models::GatewaySummary& g = *s.gateway;
  std::string out = "\nstatuses    ";
  for (const auto& [status, n] : s.by_status_all) out += line(" %d: %llu", status, u(n));
  out += line("\n             %llu rate limited, %llu unauthorized, %llu not found, %llu timed out\n", u(s.rate_limited),
              u(s.unauthorized), u(s.not_found), u(s.timed_out));
  const models::BalancerSummary& b = g.station;
  out += line("gateway      %s: utilization %.1f%% of %d worker(s), mean run queue %.3f, %llu refused (503 UO)\n",
              b.name.c_str(), 100.0 * b.utilization, b.workers, b.mean_run_queue, u(b.rejected));
  out += line("             %llu retries (%llu not allowed by the budget), %llu timeouts (504), %llu overflow (UO), %llu "
              "ejections\n",
              u(g.retries), u(g.retry_overflow), u(g.timeouts), u(g.overflow), u(g.ejections));
  if (g.cache)
    out += line("  cache      hit ratio %.2f%%: %llu hits, %llu misses, %llu stale, %llu collapsed, %llu expired, %llu "
                "evictions; %llu requests not sent upstream\n",
                100.0 * g.cache->hit_ratio, u(g.cache->hits), u(g.cache->misses), u(g.cache->stale),
                u(g.cache->collapsed), u(g.cache->expired), u(g.cache->evictions), u(g.cache->upstream_saved));
  if (g.auth)
    out += line("  auth       %llu checks, %llu cache hits, %llu remote calls, %llu refused; %.3f s of CPU (%.1f%% of the "
                "gateway's busy time, %.1f%% of response time)\n",
                u(g.auth->checks), u(g.auth->cache_hits), u(g.auth->remote_calls), u(g.auth->failures), g.auth->cpu_s,
                100.0 * g.auth->time_share, 100.0 * g.auth->latency_share);
  if (g.cors)
    out += line("  cors       %llu preflights (%.3f%% of requests)\n", u(g.cors->preflights),
                100.0 * g.cors->preflights_per_request);
  for (const models::RateLimitSummary& l : g.rate_limits)
    out += line("  limit      %s: %llu passed, %llu delayed (mean %s), %llu rejected\n", l.name.c_str(), u(l.passed),
                u(l.delayed), ms(l.mean_delay_s).c_str(), u(l.rejected));
  if (g.aggregates_complete + g.aggregates_partial + g.aggregates_failed > 0)
    out += line("  aggregate  %llu complete, %llu partial, %llu failed\n", u(g.aggregates_complete),
                u(g.aggregates_partial), u(g.aggregates_failed));
  out += "\n";
  out += line("%-16s %10s %9s %9s %8s %8s %8s %7s %12s %12s %12s %8s\n", "route", "arrived", "rate/s", "2xx", "4xx",
              "429", "5xx", "errors", "mean", "p99", "upstream p99", "tries");
  for (const models::RouteSummary& r : s.routes) {
    uint64_t c2 = 0, c4 = 0, c429 = 0, c5 = 0;
    for (const auto& [status, n] : r.by_status) {
      if (status < 300) c2 += n;
      else if (status == 429) c429 += n;
      else if (status < 500) c4 += n;
      else c5 += n;
    }
    out += line("%-16s %10llu %9.2f %9llu %8llu %8llu %8llu %6.2f%% %12s %12s %12s %8.3f\n", r.name.c_str(), u(r.arrived),
                r.rate_rps, u(c2), u(c4), u(c429), u(c5), 100.0 * r.error_rate, ms(r.latency.mean_s).c_str(),
                ms(p99_of(r.latency)).c_str(), ms(r.upstream_p99_s).c_str(), r.attempts_mean);
  }
  return out;
}

}  // namespace lbsim::cli
