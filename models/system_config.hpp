// The plain description of a system to simulate: what the scenario loader produces and the
// System is built from. No YAML here; every time is SimTime, every rate per second.
#pragma once

#include "engine/distributions.hpp"
#include "engine/sim_time.hpp"
#include "models/balancers/algorithms/declaration.hpp"
#include "models/gateway/gateway_config.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lbsim::models {

using engine::SimTime;
using DistributionPtr = std::shared_ptr<const engine::Distribution>;

// A request type's resource ids (`ids`): one drawn per request, 1 the most popular; it fills the
// path's {id} and makes caches see realistic key reuse.
struct IdPopularity {
  uint32_t count = 0;  // 0: no ids
  double zipf_s = 0;   // Zipf exponent; 0 is uniform
};

// A client's retries of one request type (docs/clients.md, "Timeouts and retries"): after a
// timeout or a 5xx, up to `max` more attempts, each after a backoff, within a budget.
struct ClientRetryConfig {
  enum class Backoff { none, constant, exponential };
  enum class Jitter { full, equal, none };
  int max = 0;                    // 0: no retries
  Backoff backoff = Backoff::none;
  SimTime delay;                  // constant backoff
  SimTime base, cap;              // exponential: the n-th retry waits min(cap, base x 2^(n-1)), jittered
  Jitter jitter = Jitter::full;
  std::optional<double> budget_ratio;  // retries <= ratio x first attempts over the last 10 s ...
  double budget_min_per_second = 0;    // ... + this many per second of that window
  bool non_idempotent = false;    // retry POST and PATCH too
};

struct RequestType {
  std::string method = "GET";
  std::string path = "/";
  double share = 1.0;
  double request_bytes = 0;
  double response_bytes = 0;  // the mix's, or else the matched endpoint's (the loader resolves it)
  DistributionPtr work;       // service demand in seconds at speed 1.0; null when an endpoint gives it
  int32_t endpoint = -1;      // the endpoint of the group's service it reaches (-1: the service has none)
  IdPopularity ids;
  std::vector<std::string> headers;  // author request headers (`content-type: application/json` as given)
  bool preflighted = false;   // a cross-origin browser sends a CORS preflight first (method or headers)
  // With a gateway (the loader resolves them): the route it matches (-1: none, 404), and upstream
  // the endpoint of the route's service its rewritten path reaches.
  int32_t route = -1;
  std::string upstream_path;
  int32_t upstream_endpoint = -1;
  // The client gives up after `timeout` (zero: never); with cancel_on_timeout its server drops
  // the request too (otherwise it serves an answer nobody reads).
  SimTime timeout;
  bool cancel_on_timeout = false;
  ClientRetryConfig retries;
  // As a step of a user's sequence (ClientGroupConfig::steps, docs/users.md): the chance that the
  // user sends it, the pause before it (null: the group's think time), and whether its path names
  // the resource id an earlier step drew ({id} in the path, no `ids` of its own).
  double step_probability = 1.0;
  DistributionPtr step_think;
  bool carries_id = false;
};

struct ScriptedArrival {
  SimTime at;
  uint32_t client = 0;  // index into the group's addresses
  int32_t type = -1;    // index into the mix; -1: drawn from the mix's shares
};

// Markov-modulated on/off Poisson arrivals (models/clients/modulated_poisson.hpp).
struct BurstyConfig {
  double rate_on_per_s = 0, rate_off_per_s = 0;  // >= 0, not both 0
  SimTime mean_on, mean_off;                     // > 0
};

// Poisson arrivals with a daily (or any period) rate curve: the trough at t = 0, the peak at half a period.
struct DiurnalConfig {
  double mean_rate_per_s = 0;  // > 0
  double peak_rate_per_s = 0;  // >= mean; above 2 mean the curve sharpens (modulated_poisson.hpp)
  SimTime period;              // > 0
};

// How many requests a session sends (`sessions`): a constant, a geometric count on 1, 2, ... of
// a given mean, or a uniform integer in [min, max] (docs/users.md).
struct SessionLength {
  enum class Kind { constant, geometric, uniform };
  Kind kind = Kind::constant;
  uint32_t min = 1, max = 1;  // constant: min; uniform: [min, max]
  double mean = 1;            // the mean count (every kind)
};

struct ArrivalConfig {
  enum class Process { poisson, constant, script, trace, bursty, diurnal, closed, sessions };
  Process process = Process::poisson;
  double rate_per_s = 0;                 // poisson, constant; sessions: sessions per second
  std::vector<ScriptedArrival> script;   // script and trace, sorted by time
  BurstyConfig bursty;
  DiurnalConfig diurnal;
  // Users who wait for each answer (docs/users.md): `closed` keeps `users` of them forever,
  // `sessions` lets them arrive at `rate_per_s` and leave after `session_length` requests.
  uint32_t users = 0;                    // closed
  DistributionPtr think_time;            // closed, sessions: from an answer to the user's next request
  SessionLength session_length;          // sessions (with steps: their expected count, for planning)

  bool user_driven() const { return process == Process::closed || process == Process::sessions; }

  bool scripted() const { return process == Process::script || process == Process::trace; }
  double mean_rate_per_s() const;        // long-run rate (scripts: 0)
};

struct ClientGroupConfig {
  std::string name;
  std::string region = "clients";
  uint32_t service = 0;  // index into SystemConfig::services: where its requests go
  std::vector<uint32_t> addresses;  // IPv4 addresses, one per distinct client
  ArrivalConfig arrivals;
  std::vector<RequestType> mix;
  // `steps` instead of `mix` (closed and sessions): each user sends the request types in order,
  // one pass per session (closed: passes one after another), carrying a resource id through them.
  bool steps = false;
  // `session_state: server`: a session's state lives on the server that answered it; a later
  // answer from another server means the state is lost (counted, docs/users.md).
  bool session_state_on_server = false;
  // What a gateway sees of the clients (services-and-gateway.md, "Clients").
  double cross_origin = 0;             // the share of addresses that are browsers on another origin
  SimTime preflight_cap = engine::hours(2);  // the browser's cap on Access-Control-Max-Age (Chromium)
  uint32_t api_keys = 0;               // address i uses key i mod api_keys; 0: none
  double credentials_invalid = 0;      // the share of requests whose credentials are refused
};

struct ServerConfig {
  std::string name;
  std::string group;  // the group a `count` expanded it from ("" if none)
  int cores = 1;
  double speed = 1.0;
  int weight = 1;
  std::optional<uint64_t> queue_limit;  // waiting requests beyond which new ones get 503
  // `discipline: processor_sharing`: the cores are shared by every request in service
  // (models/services/shared_cores.hpp); queue_limit then caps the requests beyond `cores`.
  bool processor_sharing = false;
  double price_per_hour = 0;
  std::string size;  // name in the size catalog, if any
  // Random failures (`failures: {mtbf, mttr}`): exponential times between failures and to repair,
  // drawn from the server's own RNG stream. Zero = never fails at random.
  SimTime mtbf, mttr;
  // Server flags (docs/algorithms.md, "Server flags"). `backup: true`: the balancer sends it
  // requests only while no other server is eligible (nginx and HAProxy `backup`). `state: down`:
  // in the pool, running, but out of rotation until a timeline `enable` (nginx `down`, HAProxy
  // `disabled`).
  bool backup = false;
  bool starts_down = false;
  // `max_conns: N` (nginx max_conns, HAProxy maxconn): with N requests in flight from the
  // balancer the server takes no new ones; 0 = no limit.
  uint64_t max_conns = 0;
  // `slow_start: 30 s` (HAProxy slowstart, nginx Plus slow_start): back in rotation after being
  // out of it, the server's weight ramps to full over this time (models/balancers/slow_start.hpp);
  // zero = none.
  SimTime slow_start;
};

// `balancer.health_check`: HAProxy-style active checks with consecutive-result counters.
struct HealthCheckConfig {
  SimTime interval = engine::seconds(2);
  SimTime timeout = engine::seconds(1);
  int rise = 2;
  int fall = 3;
};

// `balancer.passive`: nginx max_fails / fail_timeout. max_fails 0 turns passive detection off.
struct PassiveConfig {
  int max_fails = 1;
  SimTime fail_timeout = engine::seconds(10);
};

struct BalancerConfig {
  std::string name = "lb";
  std::string algorithm = "round_robin";
  BalancerOptions options;  // the algorithm's declared options (models/balancers/algorithms/declaration.hpp)
  // The balancer as a station of its own (models/balancers/balancer_frontend.hpp, docs/model.md).
  int layer = 7;                                  // 7: a pick per request; 4: a pick per connection
  DistributionPtr processing;                     // time per request (L7) or per new connection (L4); null = none
  int workers = 1;                                // event-loop threads serving `processing`
  // Copies of the algorithm's state, one per worker process, each request handled by one of them
  // (nginx without a shared `zone`; models/balancers/balancer_pool.hpp). 1: one shared state.
  int worker_processes = 1;
  std::optional<uint64_t> max_connections;        // requests in progress beyond which new ones wait
  std::optional<uint64_t> backlog;                // waiting beyond max_connections; default max_connections
  uint64_t requests_per_connection = 100;         // layer 4: requests a client sends on one connection
  // True when the balancer needs its front end (a processing time or a connection limit); without
  // one the balancer adds no events at all.
  bool has_frontend() const { return processing != nullptr || max_connections.has_value(); }
  std::optional<HealthCheckConfig> health_check;
  // Passive detection; without a health check the nginx defaults apply (docs/model.md).
  std::optional<PassiveConfig> passive;
  // `backups: all | first`: every eligible backup server or only the first (HAProxy without
  // `option allbackups`); unset: the algorithm's own rule (BackupRule).
  std::optional<BackupRule::Use> backups;
  int retries = 0;  // attempts on another server after a failed one
  // Retries also for non-idempotent requests (POST, PATCH): nginx's proxy_next_upstream
  // non_idempotent. Off: a POST that failed on its server is not sent to another.
  bool retry_non_idempotent = false;
  // When every eligible server is at its max_conns: wait in the backend queue (HAProxy, `queue:
  // true`) for at most queue_timeout, then a 503; or a 503 at once (nginx OSS, `queue: false`).
  bool queue = true;
  SimTime queue_timeout = engine::seconds(5);
};

// One call an endpoint makes to another service (docs/services.md).
struct CallConfig {
  std::string service;        // the called service, by name
  uint32_t service_index = 0; // and by index (the loader resolves it)
  int32_t endpoint = 0;       // the called service's endpoint it matches
  std::string method = "GET";
  std::string path = "/";
  double request_bytes = 0;
  double response_bytes = 0;  // the call's, or else the called endpoint's (the loader resolves it)
  bool parallel = false;      // consecutive parallel calls are issued together and joined
  double probability = 1.0;   // drawn per request from the calling service's own stream
};

// An endpoint of a service: which requests it answers and what answering costs.
struct EndpointConfig {
  using Match = PathMatch;
  std::string method;         // empty: any method
  Match match = Match::exact;
  std::string path = "/";     // the exact path, the pattern (/users/{id}) or the prefix
  DistributionPtr work;       // demand before the calls, at speed 1.0; null = none
  std::vector<CallConfig> calls;
  DistributionPtr work_after; // demand after every call returned; null = none
  bool hold_core = false;     // true: the core stays taken while the calls are out (thread per request)
  double response_bytes = 0;

  // True when this endpoint answers `method` `path` (docs/services.md, "Endpoints").
  bool matches(const std::string& method, const std::string& path) const;
};

// `circuit_breaker` (Envoy's cluster circuit breakers, HTTP/1.1: one request per connection):
// requests dispatched at once at most min(max_connections, max_requests), then up to
// max_pending_requests waiting for a connection, beyond that 503 at once (Envoy's flag UO); at
// most max_retries retries at once, beyond that the failure is returned. Envoy's defaults.
struct CircuitBreakerConfig {
  uint64_t max_connections = 1024;
  uint64_t max_pending_requests = 1024;
  uint64_t max_requests = 1024;
  uint64_t max_retries = 3;
};

// `outlier_detection` (Envoy's consecutive 5xx ejection): a server answering consecutive_5xx
// 5xx in a row leaves the balancer's rotation for base_ejection_time x the times it was
// ejected (at most max_ejection_time); ejections end at the sweeps every `interval`; at most
// max_ejection_percent of the servers are out at once, but always at least one may be.
struct OutlierDetectionConfig {
  int consecutive_5xx = 5;
  SimTime interval = engine::seconds(10);
  SimTime base_ejection_time = engine::seconds(30);
  SimTime max_ejection_time = engine::seconds(300);
  double max_ejection_percent = 0.10;
};

// A service: its servers behind its own balancer, and the endpoints it answers. A scenario with a
// top-level `balancer` and `servers` is one service named after its balancer (or its only server).
struct ServiceConfig {
  std::string name;
  std::optional<BalancerConfig> balancer;  // absent only for a lone server written without one
  std::vector<ServerConfig> servers;
  std::vector<EndpointConfig> endpoints;   // empty: the client mix gives each request's work
  std::optional<CircuitBreakerConfig> circuit_breaker;
  std::optional<OutlierDetectionConfig> outlier_detection;
};

// One full-duplex link of the network, between two nodes by name. The loader has already expanded
// a link to a server group (or to `servers`) into one link per server, each with these values.
struct NetworkLink {
  std::string a;
  std::string b;
  double bandwidth_bps = 0;  // each direction; > 0
  SimTime latency;           // one way; >= 0
  double loss = 0;           // fraction of packets lost, in [0, 1)
};

// The `network` section: nodes (client regions, transit nodes, the balancer, every server) and
// links. Without it (SystemConfig::network empty) nothing crosses a network: no delay at all.
struct NetworkConfig {
  std::vector<std::string> nodes;  // distinct; every client region, the balancer and every server among them
  std::vector<NetworkLink> links;
  double tcp_window_bytes = 0;     // bounds every transfer to window / RTT; 0 = no window bound
  double mss_bytes = 1460;         // segment size of the Mathis loss bound
};

struct MetricsConfig {
  SimTime interval = engine::seconds(1);
  // Chosen by choose_metrics_schedule (models/metrics/metrics_schedule.hpp) because the scenario
  // did not set `interval`; a user's own interval is used as written.
  bool interval_automatic = false;
  uint32_t server_rows_every = 1;  // servers.csv gets a row per server every this many intervals
  std::vector<double> percentiles = {50, 90, 99, 99.9};
  std::optional<SimTime> slo_p99;
};

// One `timeline` entry: at `at` (from the start of the run, warm-up included) do `action`.
struct TimelineAction {
  // enable/disable: the balancer takes a server out of rotation or back (HAProxy's `disable
  // server` / `enable server`; the way back for a server configured `state: down`).
  enum class Kind { resize, fail, recover, add, remove, rate, enable, disable };
  SimTime at;
  Kind kind = Kind::fail;
  std::string target;       // server (resize, fail, recover, enable, disable), group (add, remove), client group (rate)
  int count = 1;            // add, remove
  DistributionPtr provisioning_delay;  // add; null = none
  // resize: the new size
  int cores = 1;
  double speed = 1.0;
  double price_per_hour = 0;
  std::string size;
  SimTime downtime;
  double rate_per_s = 0;    // rate
};

// One step of a step-scaling policy: when the metric is above `above` (or below `below`), change
// the group by `change` servers. The first matching step counts (docs/scaling.md).
struct ScalingStep {
  std::optional<double> above, below;
  int change = 0;
};

// `autoscaling`: a horizontal autoscaler for one server group (docs/scaling.md).
struct AutoscalingConfig {
  enum class Metric { utilization, queue_length, latency_p99, requests_per_server };
  enum class Policy { target_tracking, step };
  std::string group;
  Metric metric = Metric::utilization;
  Policy policy = Policy::target_tracking;
  double target = 0.6;  // utilization fraction, waiting requests, seconds, or requests/s per server
  int min = 1;
  int max = 10;
  SimTime period = engine::seconds(15);
  SimTime window = engine::minutes(1);
  SimTime cooldown = engine::minutes(5);
  SimTime stabilization = engine::minutes(5);  // scale-down: highest recommendation over this span
  double tolerance = 0.1;                      // HPA: no change while |metric/target - 1| <= tolerance
  DistributionPtr provisioning_delay;          // null = none
  std::vector<ScalingStep> steps;              // policy step
};

// A million requests in flight hold about 0.5 GB (a Request and its queue entries).
inline constexpr uint64_t kDefaultMaxInFlight = 1'000'000;

struct SystemConfig {
  std::string name;
  std::string description;
  uint64_t seed = 1;
  SimTime warmup;
  std::optional<SimTime> duration;
  std::optional<uint64_t> stop_requests;
  std::vector<ClientGroupConfig> clients;
  std::vector<ServiceConfig> services;  // at least one
  bool services_section = false;        // written as `services:` (else the top-level form)
  std::optional<NetworkConfig> network;
  MetricsConfig metrics;
  std::vector<TimelineAction> timeline;  // sorted by `at` (stable)
  std::optional<AutoscalingConfig> autoscaling;
  std::optional<GatewayConfig> gateway;  // clients send to it, and it routes to the services
  // The most requests in flight at once in the whole system: an arrival beyond it is not sent (and
  // counted), so an overload that never drains cannot fill the machine's memory. Far above what a
  // run that drains its queues holds; `max_in_flight` in the scenario changes it.
  uint64_t max_in_flight = kDefaultMaxInFlight;
  // What the loader warns about, each "file:line:column: warning: text" (the commands print them).
  std::vector<std::string> warnings;
};

}  // namespace lbsim::models
