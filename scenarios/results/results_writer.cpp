#include "scenarios/results/results_writer.hpp"

#include "models/metrics/balance.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <stdexcept>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace lbsim::scenarios {

std::string percentile_key(double percentile)
{
  std::string digits = format_number(percentile);
  std::string key = "p";
  for (char c : digits)
    if (c != '.') key += c;
  return key;
}

std::string format_seconds(int64_t ns)
{
  std::string text;
  append_seconds(text, ns);
  return text;
}

std::string format_number(double value)
{
  std::string text;
  append_number(text, value);
  return text;
}

namespace {

nlohmann::ordered_json status_json(const models::StatusSummary& s)
{
  return {{"200", s.ok}, {"500", s.internal_error}, {"502", s.bad_gateway}, {"503", s.unavailable}};
}

// With a gateway: every status the clients got, 200, 500, 502 and 503 always among them.
nlohmann::ordered_json status_map_json(const models::StatusMap& statuses)
{
  models::StatusMap all = statuses;
  // The contract's keys are always there (services-and-gateway.md, "Results"), and any other status that occurred.
  for (int status : {200, 401, 404, 429, 500, 502, 503, 504}) all.emplace(status, 0);
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [status, n] : all) j[std::to_string(status)] = n;
  return j;
}

nlohmann::ordered_json latency_json(const models::LatencySummary& l)
{
  nlohmann::ordered_json j;
  j["mean"] = l.mean_s;
  for (const auto& [p, v] : l.percentiles_s) j[percentile_key(p)] = v;
  j["max"] = l.max_s;
  return j;
}

nlohmann::ordered_json services_json(const std::vector<models::ServiceSummary>& services)
{
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const models::ServiceSummary& s : services) {
    nlohmann::ordered_json endpoints = nlohmann::ordered_json::array();
    for (const models::EndpointSummary& e : s.endpoints)
      endpoints.push_back({{"method", e.method},
                           {"path", e.path},
                           {"arrived", e.arrived},
                           {"by_status", status_json(e.by_status)},
                           {"latency_s", latency_json(e.latency)}});
    out.push_back({{"name", s.name},
                   {"algorithm", s.algorithm},
                   {"servers", s.servers},
                   {"arrived", s.arrived},
                   {"completed", s.by_status.ok},
                   {"by_status", status_json(s.by_status)},
                   {"throughput_rps", s.throughput_rps},
                   {"utilization", s.utilization},
                   {"latency_s", latency_json(s.latency)},
                   {"calls", {{"made", s.calls}, {"failed", s.calls_failed}}},
                   {"retried", s.retried},
                   {"overflow", s.overflow},
                   {"retry_overflow", s.retry_overflow},
                   {"ejections", s.ejections},
                   {"zero_capacity_s", s.zero_capacity_s},
                   {"endpoints", endpoints}});
  }
  return out;
}

// {"server name": cost} in the servers' order, a name seen twice keeping its first place and its
// last value, as ordered_json's operator[] would; but that searches the keys one by one, so 100,000
// servers took 14 s (docs/benchmarks.md, W3): entries are appended and found by a hash map instead.
nlohmann::ordered_json per_server_costs(const std::vector<models::ServerSummary>& servers)
{
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  auto& entries = out.get_ref<nlohmann::ordered_json::object_t&>();
  using Entries = nlohmann::ordered_json::object_t::Container;
  entries.reserve(servers.size());
  std::unordered_map<std::string_view, std::size_t> place;
  place.reserve(servers.size());
  for (const auto& server : servers) {
    const auto [at, fresh] = place.try_emplace(server.name, entries.size());
    if (fresh)
      entries.Entries::emplace_back(server.name, server.cost);
    else
      (entries.begin() + static_cast<std::ptrdiff_t>(at->second))->second = server.cost;
  }
  return out;
}

// The analytic prediction beside the simulated values (docs/analytic.md): relative errors are
// (simulated - analytic) / analytic.
nlohmann::ordered_json analytic_json(const models::analytic::AnalyticPrediction& a, const models::RunSummary& s)
{
  using nlohmann::ordered_json;
  ordered_json j;
  if (!a.applies()) {
    j["model"] = nullptr;
    j["reason"] = a.reason;
    return j;
  }
  j["model"] = a.model;
  j["parameters"] = a.parameters;
  j["mean_s"] = a.mean_s;
  if (a.p99_s) j["p99_s"] = *a.p99_s;
  if (a.p_block) j["p_block"] = *a.p_block;
  if (a.throughput_per_s) j["throughput_rps"] = *a.throughput_per_s;
  j["relative_error_mean"] = models::analytic::relative_error(s.latency_mean_s, a.mean_s);
  for (const auto& [p, v] : s.latency_percentiles_s)
    if (p == 99.0 && a.p99_s) j["relative_error_p99"] = models::analytic::relative_error(v, *a.p99_s);
  if (a.throughput_per_s)
    j["relative_error_throughput"] = models::analytic::relative_error(s.throughput_rps, *a.throughput_per_s);
  // Present whenever the model predicts blocking, so that every run of a scenario has the same keys.
  if (a.p_block && *a.p_block > 0) {
    const double arrived = static_cast<double>(std::max<uint64_t>(s.arrived, 1));
    j["relative_error_p_block"] =
        models::analytic::relative_error(static_cast<double>(s.rejected) / arrived, *a.p_block);
  }
  if (!a.note.empty()) j["note"] = a.note;
  return j;
}

nlohmann::ordered_json routes_json(const std::vector<models::RouteSummary>& routes)
{
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const models::RouteSummary& r : routes) {
    nlohmann::ordered_json by_status = nlohmann::ordered_json::object();
    for (const auto& [status, n] : r.by_status) by_status[std::to_string(status)] = n;
    out.push_back({{"name", r.name},
                   {"arrived", r.arrived},
                   {"rate_rps", r.rate_rps},
                   {"by_status", by_status},
                   {"error_rate", r.error_rate},
                   {"rate_limited", r.rate_limited},
                   {"latency_s", latency_json(r.latency)},
                   {"upstream_s", {{"mean", r.upstream_mean_s}, {"p99", r.upstream_p99_s}}},
                   {"attempts", r.attempts_mean}});
  }
  return out;
}

nlohmann::ordered_json gateway_json(const models::GatewaySummary& g)
{
  using nlohmann::ordered_json;
  const models::BalancerSummary& b = g.station;
  ordered_json j = {{"name", b.name},
                    {"workers", b.workers},
                    {"max_connections", b.max_connections},
                    {"utilization", b.utilization},
                    {"mean_run_queue", b.mean_run_queue},
                    {"mean_backlog", b.mean_backlog},
                    {"mean_in_progress", b.mean_in_progress},
                    {"max_in_progress", b.max_in_progress},
                    {"rejected", b.rejected}};
  ordered_json limits = ordered_json::array();
  for (const models::RateLimitSummary& l : g.rate_limits)
    limits.push_back({{"name", l.name},
                      {"passed", l.passed},
                      {"delayed", l.delayed},
                      {"rejected", l.rejected},
                      {"mean_delay_s", l.mean_delay_s},
                      {"keys", l.keys},
                      {"memory_bytes", l.memory_bytes}});
  j["rate_limits"] = limits;
  if (g.cache)
    j["cache"] = {{"hits", g.cache->hits},
                  {"misses", g.cache->misses},
                  {"stale", g.cache->stale},
                  {"collapsed", g.cache->collapsed},
                  {"expired", g.cache->expired},
                  {"evictions", g.cache->evictions},
                  {"hit_ratio", g.cache->hit_ratio},
                  {"upstream_saved", g.cache->upstream_saved},
                  {"entries", g.cache->entries},
                  {"memory_bytes", g.cache->memory_bytes}};
  else
    j["cache"] = nullptr;
  if (g.auth)
    j["auth"] = {{"checks", g.auth->checks},
                 {"cache_hits", g.auth->cache_hits},
                 {"remote_calls", g.auth->remote_calls},
                 {"failures", g.auth->failures},
                 {"cpu_s", g.auth->cpu_s},
                 {"time_share", g.auth->time_share},
                 {"latency_share", g.auth->latency_share}};
  else
    j["auth"] = nullptr;
  if (g.cors)
    j["cors"] = {{"preflights", g.cors->preflights}, {"preflights_per_request", g.cors->preflights_per_request}};
  else
    j["cors"] = nullptr;
  j["retries"] = g.retries;
  j["retry_overflow"] = g.retry_overflow;
  j["timeouts"] = g.timeouts;
  j["overflow"] = g.overflow;
  j["ejections"] = g.ejections;
  j["aggregates"] = {{"complete", g.aggregates_complete}, {"partial", g.aggregates_partial},
                     {"failed", g.aggregates_failed}};
  j["busy_s"] = g.busy_s;
  return j;
}

}  // namespace

std::string summary_json(const models::RunSummary& s)
{
  using nlohmann::ordered_json;
  ordered_json j;
  j["scenario"] = s.scenario;
  j["seed"] = s.seed;
  j["simulated_s"] = s.simulated_s;
  j["end_time_s"] = s.end_time_s;
  j["requests"] = {{"arrived", s.arrived},   {"completed", s.completed},          {"rejected", s.rejected},
                   {"failed", s.failed},     {"in_flight_at_end", s.in_flight_at_end},
                   {"measured_in_flight_at_end", s.in_flight_measured_at_end},
                   {"in_flight_mean_age_s", s.in_flight_mean_age_s},
                   {"by_status", s.gateway ? status_map_json(s.by_status_all) : status_json(s.by_status)}};
  if (s.gateway) {
    j["requests"]["rate_limited"] = s.rate_limited;
    j["requests"]["unauthorized"] = s.unauthorized;
    j["requests"]["not_found"] = s.not_found;
    j["requests"]["timed_out"] = s.timed_out;
  }
  if (s.client) {
    j["requests"]["client_timed_out"] = s.client->timed_out;
    j["requests"]["late"] = s.client->late;
    j["requests"]["client_retried"] = s.client->retried;
  }
  j["throughput_rps"] = s.throughput_rps;
  if (!s.sessions.empty()) {
    ordered_json sessions = ordered_json::array();
    for (const models::SessionSummary& ss : s.sessions) {
      ordered_json one = {{"name", ss.client}, {"started", ss.started}, {"completed", ss.completed}};
      if (ss.lost) one["lost"] = *ss.lost;
      one["requests_mean"] = ss.requests_mean;
      one["time_s"] = latency_json(ss.time);
      sessions.push_back(std::move(one));
    }
    j["sessions"] = std::move(sessions);
  }
  if (s.client) {
    j["goodput_rps"] = s.client->goodput_rps;
    j["abandoned_work_s"] = s.client->abandoned_work_s;
  }

  ordered_json latency;
  latency["mean"] = s.latency_mean_s;
  for (const auto& [p, v] : s.latency_percentiles_s) latency[percentile_key(p)] = v;
  latency["max"] = s.latency_max_s;
  j["latency_s"] = latency;
  j["latency_split_s"] = {{"network_mean", s.latency_split.network_mean_s},
                          {"network_p99", s.latency_split.network_p99_s},
                          {"server_mean", s.latency_split.server_mean_s},
                          {"server_p99", s.latency_split.server_p99_s}};

  ordered_json servers = ordered_json::array();
  for (const auto& server : s.servers)
    servers.push_back({{"name", server.name},
                       {"completed", server.completed},
                       {"rejected", server.rejected},
                       {"utilization", server.utilization},
                       {"mean_queue", server.mean_queue},
                       {"cost", server.cost},
                       {"dropped", server.dropped},
                       {"turned_away", server.turned_away},
                       {"state", server.state}});
  j["servers"] = servers;
  {
    std::vector<uint64_t> completed;
    for (const auto& server : s.servers) completed.push_back(server.completed);
    const models::BalanceFigures b = models::balance_of(completed);
    j["balance"] = {{"max_over_mean", b.max_over_mean}, {"jain_index", b.jain_index}};
  }
  ordered_json links = ordered_json::array();
  for (const auto& link : s.links)
    links.push_back({{"name", link.name},
                     {"from", link.from},
                     {"to", link.to},
                     {"bandwidth_mbps", link.bandwidth_mbps},
                     {"utilization", link.utilization},
                     {"throughput_mbps", link.throughput_mbps},
                     {"bytes", link.bytes}});
  j["links"] = links;
  if (s.balancer) {
    const models::BalancerSummary& b = *s.balancer;
    j["balancer"] = {{"name", b.name},
                     {"algorithm", b.algorithm},
                     {"layer", b.layer},
                     {"workers", b.workers},
                     {"max_connections", b.max_connections},
                     {"utilization", b.utilization},
                     {"mean_run_queue", b.mean_run_queue},
                     {"mean_backlog", b.mean_backlog},
                     {"mean_in_progress", b.mean_in_progress},
                     {"max_in_progress", b.max_in_progress},
                     {"rejected", b.rejected},
                     {"connections_opened", b.connections_opened},
                     {"requests_per_connection", b.requests_per_connection}};
    if (b.has_max_conns) {
      if (b.queue)
        j["balancer"]["queue"] = {{"timeout_s", b.queue_timeout_s},   {"mean_length", b.queue_mean_length},
                                  {"max_length", b.queue_max_length}, {"queued", b.queued},
                                  {"timed_out", b.queue_timed_out},   {"mean_wait_s", b.queue_mean_wait_s},
                                  {"max_wait_s", b.queue_max_wait_s}};
      else
        j["balancer"]["refused_full"] = b.refused_full;
    }
  }
  j["services"] = services_json(s.services);
  if (s.gateway) {
    j["gateway"] = gateway_json(*s.gateway);
    j["routes"] = routes_json(s.routes);
  }
  j["cost"] = {{"total", s.cost_total},
               {"per_million_requests", s.completed ? s.cost_total * 1e6 / static_cast<double>(s.completed) : 0.0},
               {"per_server", per_server_costs(s.servers)}};
  j["availability"] = {{"served_share", s.availability.served_share},
                       {"zero_capacity_s", s.availability.zero_capacity_s},
                       {"failed", s.availability.failed},
                       {"retried", s.availability.retried}};
  j["lifecycle_events"] = s.lifecycle_events;
  if (s.slo_p99_s) {
    double p99 = 0;
    for (const auto& [p, v] : s.latency_percentiles_s)
      if (p == 99.0) p99 = v;
    j["slo"] = {{"p99_s", *s.slo_p99_s}, {"met", p99 <= *s.slo_p99_s}};
  }
  const double little_error = s.little_l > 0 ? (s.little_lambda_w - s.little_l) / s.little_l : 0.0;
  j["little_law"] = {{"mean_in_system", s.little_l},
                     {"arrival_rate_times_mean_time_in_system", s.little_lambda_w},
                     {"of_which_in_flight_at_end", s.little_in_flight_part},
                     {"relative_difference", little_error}};
  if (s.analytic) j["analytic"] = analytic_json(*s.analytic, s);
  if (!s.gateway_analytic.empty()) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const models::analytic::GatewayPrediction& p : s.gateway_analytic) {
      nlohmann::ordered_json g;
      g["quantity"] = p.quantity;
      if (!p.applies()) {
        g["model"] = nullptr;
        g["reason"] = p.reason;
      } else {
        g["model"] = p.model;
        g["parameters"] = p.parameters;
        g["analytic"] = p.analytic;
        g["simulated"] = p.simulated;
        g["relative_error"] = models::analytic::relative_error(p.simulated, p.analytic);
      }
      list.push_back(std::move(g));
    }
    j["analytic"]["gateway"] = std::move(list);
  }
  j["events"] = s.events;
  j["metrics"] = {{"interval_s", s.interval_s},
                  {"interval_chosen", s.interval_automatic ? "automatic" : "scenario"},
                  {"server_rows_every", s.server_rows_every}};
  j["fingerprint"] = s.fingerprint;
  j["stopped_early"] = s.stopped_early;
  if (s.not_sent_at_cap > 0) {  // only when the cap bit: other runs' files stay as they were
    j["max_in_flight"] = s.max_in_flight;
    j["not_sent_at_cap"] = s.not_sent_at_cap;
  }
  j["wall"] = {{"seconds", s.wall_seconds},
               {"events_per_second", s.wall_seconds > 0 ? static_cast<double>(s.events) / s.wall_seconds : 0.0}};
  return j.dump(2) + "\n";
}

std::string events_csv(const std::vector<models::LifecycleEvent>& events)
{
  std::string out = "time_s,kind,server,detail\n";
  for (const auto& e : events)
    out += format_seconds(e.time.ns()) + "," + csv_field(e.kind) + "," + csv_field(e.server) + "," +
           csv_field(e.detail) + "\n";
  return out;
}

void write_file_atomically(const std::string& path, const std::string& text)
{
  const std::string temporary = path + ".partial";
  std::FILE* f = std::fopen(temporary.c_str(), "wb");
  if (!f) throw std::runtime_error("cannot write " + temporary);
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  if (std::fclose(f) != 0 || !ok) throw std::runtime_error("failed to write " + temporary + " (disk full?)");
  std::filesystem::rename(temporary, path);
}

void write_summary_json(const models::RunSummary& summary, const std::string& path)
{
  write_file_atomically(path, summary_json(summary));
}

CsvTimeSeriesWriter::CsvTimeSeriesWriter(const std::string& dir, bool gateway_columns, bool client_columns)
    : gateway_columns_(gateway_columns), client_columns_(client_columns), timeseries_path_((std::filesystem::path(dir) / "timeseries.csv").string()),
      servers_path_((std::filesystem::path(dir) / "servers.csv").string()),
      links_path_((std::filesystem::path(dir) / "links.csv").string()),
      services_path_((std::filesystem::path(dir) / "services.csv").string())
{
  timeseries_ = std::fopen((timeseries_path_ + ".partial").c_str(), "wb");
  servers_ = std::fopen((servers_path_ + ".partial").c_str(), "wb");
  links_ = std::fopen((links_path_ + ".partial").c_str(), "wb");
  services_ = std::fopen((services_path_ + ".partial").c_str(), "wb");
  if (!timeseries_ || !servers_ || !links_ || !services_)
    throw std::runtime_error("cannot write the time series in " + dir);
  std::fputs("time_s,throughput_rps,latency_mean_s,latency_p50_s,latency_p99_s,in_flight,servers_up,arrived,completed,"
             "rejected,network_mean_s,server_mean_s,failed,servers_billed,cost",
             timeseries_);
  if (gateway_columns_) std::fputs(",status_2xx,status_4xx,status_429,status_5xx,cache_hit_ratio,preflights", timeseries_);
  if (client_columns_) std::fputs(",timed_out,late,retried,goodput_rps,abandoned_work_s", timeseries_);
  std::fputs("\n", timeseries_);
  std::fputs("time_s,server,state,utilization,queue,completed\n", servers_);
  std::fputs("time_s,link,utilization,throughput_mbps,bytes\n", links_);
  std::fputs("time_s,service,arrived,completed,errors,rejected,throughput_rps,latency_mean_s,latency_p99_s,"
             "utilization,calls\n",
             services_);
}

CsvTimeSeriesWriter::~CsvTimeSeriesWriter()
{
  if (timeseries_) std::fclose(timeseries_);
  if (servers_) std::fclose(servers_);
  if (links_) std::fclose(links_);
  if (services_) std::fclose(services_);
}

void CsvTimeSeriesWriter::on_service_interval(std::span<const models::ServiceIntervalRow> services)
{
  if (services.empty()) return;
  const int64_t time_ns = std::llround(services.front().time_s * 1e9);
  for (const auto& s : services) {
    line_.seconds(time_ns)
        .text(*s.service)
        .integer(s.arrived)
        .integer(s.completed)
        .integer(s.errors)
        .integer(s.rejected)
        .number(s.throughput_rps)
        .number(s.latency_mean_s)
        .number(s.latency_p99_s)
        .number(s.utilization)
        .integer(s.calls);
    write_ok_ &= line_.write_to(services_);
  }
}

void CsvTimeSeriesWriter::on_interval(const models::IntervalRow& row, std::span<const models::ServerIntervalRow> servers)
{
  const int64_t time_ns = std::llround(row.time_s * 1e9);  // interval ends are whole ns
  line_.seconds(time_ns)
      .number(row.throughput_rps)
      .number(row.latency_mean_s)
      .number(row.latency_p50_s)
      .number(row.latency_p99_s)
      .integer(row.in_flight)
      .integer(row.servers_up)
      .integer(row.arrived)
      .integer(row.completed)
      .integer(row.rejected)
      .number(row.network_mean_s)
      .number(row.server_mean_s)
      .integer(row.failed)
      .integer(row.servers_billed)
      .number(row.cost);
  if (gateway_columns_) {
    const models::GatewayIntervalCounts g = row.gateway.value_or(models::GatewayIntervalCounts{});
    line_.integer(g.status_2xx)
        .integer(g.status_4xx)
        .integer(g.status_429)
        .integer(g.status_5xx)
        .number(g.cache_lookups ? static_cast<double>(g.cache_hits) / static_cast<double>(g.cache_lookups) : 0.0)
        .integer(g.preflights);
  }
  if (client_columns_) {
    const models::ClientIntervalCounts c = row.client.value_or(models::ClientIntervalCounts{});
    line_.integer(c.timed_out).integer(c.late).integer(c.retried).number(c.goodput_rps).number(c.abandoned_work_s);
  }
  write_ok_ &= line_.write_to(timeseries_);
  for (const auto& s : servers) {
    line_.seconds(time_ns).text(*s.server).text(s.state).number(s.utilization).number(s.queue).integer(s.completed);
    write_ok_ &= line_.write_to(servers_);
  }
}

void CsvTimeSeriesWriter::on_link_interval(std::span<const models::LinkIntervalRow> links)
{
  if (links.empty()) return;
  const int64_t time_ns = std::llround(links.front().time_s * 1e9);
  for (const auto& l : links) {
    line_.seconds(time_ns).text(*l.link).number(l.utilization).number(l.throughput_bps * 1e-6).number(l.bytes);
    write_ok_ &= line_.write_to(links_);
  }
}

void CsvTimeSeriesWriter::close()
{
  const bool ok = write_ok_ && std::fflush(timeseries_) == 0 && std::fflush(servers_) == 0 && std::fflush(links_) == 0 &&
                  std::fflush(services_) == 0 && !std::ferror(timeseries_) && !std::ferror(servers_) &&
                  !std::ferror(links_) && !std::ferror(services_);
  const bool timeseries_closed = std::fclose(timeseries_) == 0;
  const bool servers_closed = std::fclose(servers_) == 0;
  const bool links_closed = std::fclose(links_) == 0;
  const bool services_closed = std::fclose(services_) == 0;
  const bool closed = timeseries_closed && servers_closed && links_closed && services_closed;
  timeseries_ = servers_ = links_ = services_ = nullptr;
  if (!ok || !closed) throw std::runtime_error("failed to write the time series (disk full?)");
  std::filesystem::rename(timeseries_path_ + ".partial", timeseries_path_);
  std::filesystem::rename(servers_path_ + ".partial", servers_path_);
  std::filesystem::rename(links_path_ + ".partial", links_path_);
  std::filesystem::rename(services_path_ + ".partial", services_path_);
}

}  // namespace lbsim::scenarios
