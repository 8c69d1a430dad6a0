// RunSummary: the numbers one run produces, before any file format.
#pragma once

#include "models/analytic/prediction.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lbsim::models {

struct ServerSummary {
  std::string name;
  uint64_t completed = 0;
  uint64_t rejected = 0;
  double utilization = 0;
  double mean_queue = 0;
  double cost = 0;
  uint64_t dropped = 0;       // in service or waiting when it failed
  uint64_t turned_away = 0;   // reached it while it was not running
  std::string state;          // at the end of the run
};

// Availability over the measured window (docs/results.md).
struct AvailabilitySummary {
  double served_share = 1;     // completed / arrived
  double zero_capacity_s = 0;  // time with no server up
  uint64_t failed = 0;         // requests failed by a server failure or a down server
  uint64_t retried = 0;        // retries made (each may have been rescued or failed again)
};

// One directed link of the network over the measured window (docs/network.md).
struct LinkSummary {
  std::string name;  // "tokyo->lb"
  std::string from, to;
  double bandwidth_mbps = 0;
  double utilization = 0;      // throughput / bandwidth
  double throughput_mbps = 0;  // bits carried / measured time
  double bytes = 0;            // carried in the measured window
};

// Response time = network time + server time (queueing and service at the server), over the
// completed measured requests. Without a network, network time is 0.
struct LatencySplit {
  double network_mean_s = 0, network_p99_s = 0;
  double server_mean_s = 0, server_p99_s = 0;
};

// The balancer over the measured window (docs/results.md): its front end (processing and
// connection limit, models/balancers/balancer_frontend.hpp) and its layer-4 connections.
struct BalancerSummary {
  std::string name, algorithm;
  int layer = 7;
  int workers = 1;
  uint64_t max_connections = 0;  // 0 = no limit
  double utilization = 0;        // of its workers; 0 without processing
  double mean_run_queue = 0;     // waiting for a worker
  double mean_backlog = 0;       // waiting beyond max_connections
  double mean_in_progress = 0;
  uint64_t max_in_progress = 0;
  uint64_t rejected = 0;         // 503s from the balancer itself
  uint64_t connections_opened = 0;          // layer 4: picks
  double requests_per_connection = 0;       // layer 4: requests / connections opened
  // Servers with max_conns (docs/results.md): the backend queue, and the 503s at once with
  // queue: false. Reported only when some server has max_conns.
  bool has_max_conns = false;
  bool queue = true;
  double queue_timeout_s = 0;
  double queue_mean_length = 0;
  uint64_t queue_max_length = 0;
  uint64_t queued = 0;            // requests that waited
  uint64_t queue_timed_out = 0;   // 503 after queue_timeout
  double queue_mean_wait_s = 0;   // of those that left the queue
  double queue_max_wait_s = 0;
  uint64_t refused_full = 0;      // queue: false: 503 at once, every eligible server full
};

// A latency distribution as the results report it.
struct LatencySummary {
  uint64_t count = 0;
  double mean_s = 0, max_s = 0;
  std::vector<std::pair<double, double>> percentiles_s;  // (percentile, seconds)
};

// Requests by HTTP status (docs/results.md).
struct StatusSummary {
  uint64_t ok = 0;              // 200
  uint64_t internal_error = 0;  // 500: a call failed
  uint64_t bad_gateway = 0;     // 502: the server failed it
  uint64_t unavailable = 0;     // 503: refused
};

// One endpoint of a service over the measured window.
struct EndpointSummary {
  std::string method, path;  // as declared ("" for any method); path "*" for a service without endpoints
  uint64_t arrived = 0;
  StatusSummary by_status;
  LatencySummary latency;    // of the 200s, from arrival at the service to the reply leaving it
};

// One service over the measured window (docs/results.md, "services").
struct ServiceSummary {
  std::string name, algorithm;  // algorithm "" without a balancer
  std::vector<std::string> servers;
  uint64_t arrived = 0;
  StatusSummary by_status;
  double throughput_rps = 0;    // 200s per second
  double utilization = 0;       // busy cores / cores over its servers while up or draining (a core held
                                // while its request's calls are out, hold_core, counts as busy)
  LatencySummary latency;
  uint64_t calls = 0, calls_failed = 0;  // calls its endpoints made, and those that failed
  uint64_t retried = 0;
  uint64_t overflow = 0;        // 503s of its circuit breaker (Envoy's UO)
  uint64_t retry_overflow = 0;  // retries its circuit breaker's max_retries did not allow
  uint64_t ejections = 0;       // servers its outlier detection ejected
  double zero_capacity_s = 0;   // time with none of its servers up
  std::vector<EndpointSummary> endpoints;
};

// Requests by HTTP status, for any status (the clients' and the routes').
using StatusMap = std::map<int, uint64_t>;

// One gateway route over the measured window: RED (rate, errors, duration).
struct RouteSummary {
  std::string name;
  uint64_t arrived = 0;
  double rate_rps = 0;
  StatusMap by_status;
  double error_rate = 0;        // 5xx answers / answers
  uint64_t rate_limited = 0;
  LatencySummary latency;       // every answer, from the client's send
  double upstream_mean_s = 0, upstream_p99_s = 0;  // from the first try to the upstream's answer
  double attempts_mean = 0;     // upstream tries per request that went upstream
};

struct RateLimitSummary {
  std::string name;
  uint64_t passed = 0, delayed = 0, rejected = 0;
  double mean_delay_s = 0;      // of the delayed ones
  uint64_t keys = 0;            // keys holding state at the end (every replica's)
  uint64_t memory_bytes = 0;    // their state's estimated heap bytes
};

struct CacheSummary {
  uint64_t hits = 0, misses = 0, stale = 0, collapsed = 0, expired = 0, evictions = 0;
  double hit_ratio = 0;         // hits (stale ones included) / lookups
  uint64_t upstream_saved = 0;  // requests answered without going upstream
  uint64_t entries = 0;         // stored responses at the end (every route's and replica's)
  uint64_t memory_bytes = 0;    // the caches' estimated heap bytes
};

struct AuthSummary {
  uint64_t checks = 0, cache_hits = 0, remote_calls = 0, failures = 0;
  double cpu_s = 0;             // gateway CPU spent on auth
  double time_share = 0;        // auth CPU / the gateway's busy time
  double latency_share = 0;     // time in auth / total response time of the answered requests
};

struct CorsSummary {
  uint64_t preflights = 0;
  double preflights_per_request = 0;
};

// The API gateway over the measured window (docs/results.md, "gateway").
struct GatewaySummary {
  BalancerSummary station;      // its workers, utilization, run queue, backlog, max_connections
  std::vector<RateLimitSummary> rate_limits;
  std::optional<CacheSummary> cache;
  std::optional<AuthSummary> auth;
  std::optional<CorsSummary> cors;
  uint64_t retries = 0, timeouts = 0, overflow = 0, ejections = 0;
  uint64_t retry_overflow = 0;  // retries the budget (or max_retries) did not allow
  double busy_s = 0;            // worker time spent, on everything
  uint64_t aggregates_complete = 0, aggregates_partial = 0, aggregates_failed = 0;
  // Time spent in the gateway's stages, summed over the measured answered requests (auth's share).
  double auth_time_s = 0;
};

struct ClientSideSummary {
  uint64_t timed_out = 0, late = 0, retried = 0;
  double goodput_rps = 0;
  double abandoned_work_s = 0;
};

// The sessions of a client group whose users wait for answers (docs/users.md, "Sessions in the results").
struct SessionSummary {
  std::string client;        // the client group
  uint64_t started = 0, completed = 0;
  std::optional<uint64_t> lost;  // session_state: server only: sessions another server answered
  double requests_mean = 0;  // requests per completed session
  LatencySummary time;       // of the completed sessions, first send to last answer, think times included
};

struct RunSummary {
  std::string scenario;
  uint64_t seed = 0;
  double simulated_s = 0;  // measured span (after warm-up)
  double end_time_s = 0;   // simulated clock at the end of the run
  uint64_t arrived = 0, completed = 0, rejected = 0, failed = 0;
  uint64_t in_flight_at_end = 0;
  StatusSummary by_status;  // of the clients' requests (200, 500, 502, 503 without a gateway)
  StatusMap by_status_all;  // every status the clients got
  uint64_t rate_limited = 0, unauthorized = 0, not_found = 0, timed_out = 0;
  double throughput_rps = 0;
  // With client timeouts or retries (docs/clients.md): user requests timed out, 200s that came
  // too late (in throughput, not in goodput), retries sent, answers in time per second, and
  // server seconds spent on answers nobody waited for. Latency runs from a user request's first
  // send to its final answer.
  std::optional<ClientSideSummary> client;
  std::vector<SessionSummary> sessions;  // one per group with sessions (sessions, closed with steps)
  double latency_mean_s = 0, latency_max_s = 0, latency_min_s = 0;
  std::vector<std::pair<double, double>> latency_percentiles_s;  // (percentile, seconds)
  std::optional<double> slo_p99_s;
  std::vector<ServerSummary> servers;
  LatencySplit latency_split;
  std::vector<LinkSummary> links;  // every directed link; empty without a network
  double cost_total = 0;
  std::optional<BalancerSummary> balancer;  // with one service that has a balancer
  std::vector<ServiceSummary> services;
  std::optional<GatewaySummary> gateway;
  std::vector<RouteSummary> routes;
  AvailabilitySummary availability;
  uint64_t lifecycle_events = 0;  // rows of events.csv
  // Little's law over the measured requests: L, their time-average number in the system, against
  // lambda W, their arrival rate times their mean time in it (completed, refused and failed alike;
  // those in flight at the end up to the end), of which little_in_flight_part is the in-flight ones'.
  double little_l = 0, little_lambda_w = 0, little_in_flight_part = 0;
  // The measured requests still in flight at the end (no latency figure counts them) and their mean age.
  uint64_t in_flight_measured_at_end = 0;
  double in_flight_mean_age_s = 0;
  uint64_t events = 0;
  // The time series' interval, and whether choose_metrics_schedule chose it (the scenario set none).
  double interval_s = 1;
  bool interval_automatic = false;
  uint32_t server_rows_every = 1;  // servers.csv: a row per server every this many intervals
  // Arrivals not sent because max_in_flight requests were in flight (0: the cap never bit).
  uint64_t not_sent_at_cap = 0;
  uint64_t max_in_flight = 0;
  std::string fingerprint;
  bool stopped_early = false;  // stop.requests could not be reached (e.g. everything refused)
  double wall_seconds = 0;     // not deterministic: reported apart from the rest
  // What queueing theory predicts for this scenario, or why no model applies
  // (models/analytic/model_match.hpp); set by scenarios::run_scenario.
  std::optional<analytic::AnalyticPrediction> analytic;
  // The gateway's closed forms (models/analytic/gateway_match.hpp), each beside its simulated figure.
  std::vector<analytic::GatewayPrediction> gateway_analytic;
};

}  // namespace lbsim::models
