// A balancer: its algorithm and the options the algorithm declares (read through its
// declaration, models/balancers/algorithms/declaration.hpp), health checks, passive detection,
// retries, and the balancer as a station (processing, max_connections, layer 4).
#include "scenarios/format/scenario_loader.hpp"

#include "models/balancers/algorithms/registry.hpp"
#include "scenarios/format/connection_limits_reader.hpp"
#include "scenarios/format/distribution_reader.hpp"

#include <algorithm>
#include <type_traits>

namespace lbsim::scenarios {

namespace {

// The balancer block's own keys: everything but the algorithms' options.
const std::vector<std::string>& station_keys()
{
  static const std::vector<std::string> keys = {"name",           "algorithm", "layer",   "processing",
                                                "workers",        "max_connections", "backlog", "requests_per_connection",
                                                "health_check",   "passive",   "retries", "retry_non_idempotent",
                                                "backups",        "queue",     "queue_timeout", "worker_processes"};
  return keys;
}

// "sticky" of "sticky.timeout": the key the option has in the balancer block.
std::string top_key(const std::string& option) { return option.substr(0, option.find('.')); }

}  // namespace

void ScenarioLoader::read_algorithm_option(const YAML::Node& value, const std::string& what,
                                           const models::AlgorithmOption& option, models::BalancerOptions& out)
{
  using Type = models::AlgorithmOption::Type;
  std::visit(
      [&](auto member) {
        using Field = std::remove_reference_t<decltype(out.*member)>;
        if constexpr (std::is_same_v<Field, std::string>) {
          out.*member = r_.one_of(value, what, option.choices);
        } else if constexpr (std::is_same_v<Field, models::SimTime>) {
          out.*member = SimTime::from_ns(r_.time_ns(value, what, false));
        } else if constexpr (std::is_same_v<Field, double>) {
          out.*member = r_.number(value, what, static_cast<double>(option.min), static_cast<double>(option.max));
        } else {
          const int64_t n = r_.integer(value, what, option.min, option.max);
          if (option.type == Type::prime && !models::is_prime(static_cast<uint64_t>(n))) {
            int64_t next = n + 1;
            while (next <= option.max && !models::is_prime(static_cast<uint64_t>(next))) ++next;
            r_.fail(value, what + " must be a prime number, got " + std::to_string(n) +
                               (next <= option.max ? "; the next prime is " + std::to_string(next) : std::string{}));
          }
          out.*member = static_cast<Field>(n);
        }
      },
      option.target);
}

// The options: each key of the block that some algorithm declares must be one of this
// algorithm's (an option for another algorithm is an error, never silently ignored).
void ScenarioLoader::read_algorithm_options(const YAML::Node& b, const std::string& ctx,
                                            const models::AlgorithmDeclaration& algorithm,
                                            const models::BalancerRegistry& registry, models::BalancerConfig& config)
{
  std::vector<std::string> seen;
  for (const models::AlgorithmDeclaration& d : registry.declarations()) {
    for (const models::AlgorithmOption& option : d.options) {
      const std::string key = top_key(option.key);
      if (std::find(seen.begin(), seen.end(), key) != seen.end() || !b[key]) continue;
      seen.push_back(key);
      const bool mine = std::any_of(algorithm.options.begin(), algorithm.options.end(),
                                    [&](const models::AlgorithmOption& o) { return top_key(o.key) == key; });
      if (!mine) {
        std::string users;
        for (const models::AlgorithmDeclaration& other : registry.declarations())
          for (const models::AlgorithmOption& o : other.options)
            if (top_key(o.key) == key) users += (users.empty() ? "" : " or ") + other.name;
        r_.fail(b[key], ctx + "." + key + " applies only to algorithm " + users + ", and this balancer's algorithm is " +
                            algorithm.name + "; remove " + key + " or change the algorithm");
      }
      if (key == option.key) {
        read_algorithm_option(b[key], ctx + "." + key, option, config.options);
        continue;
      }
      // A map of sub-options, e.g. sticky: {timeout: 10 min}.
      const YAML::Node map = b[key];
      r_.require_map(map, ctx + "." + key);
      std::vector<std::string> subkeys;
      for (const models::AlgorithmOption& o : algorithm.options)
        if (top_key(o.key) == key) subkeys.push_back(o.key.substr(key.size() + 1));
      r_.check_keys(map, ctx + "." + key, subkeys);
      for (const models::AlgorithmOption& o : algorithm.options) {
        if (top_key(o.key) != key) continue;
        const std::string sub = o.key.substr(key.size() + 1);
        if (map[sub]) read_algorithm_option(map[sub], ctx + "." + o.key, o, config.options);
      }
    }
  }
}

// `ctx` is "balancer" or "services[i].balancer"; a service's balancer takes its name from the
// service and has no processing of its own (the contract: it is the service's client-side balancer).
models::BalancerConfig ScenarioLoader::read_balancer(const YAML::Node& b, const std::string& ctx, bool of_service)
{
  r_.require_map(b, ctx);
  models::BalancerRegistry registry;
  models::register_builtin_balancers(registry);
  std::vector<std::string> known = station_keys();
  for (const models::AlgorithmDeclaration& d : registry.declarations())
    for (const models::AlgorithmOption& option : d.options)
      if (std::find(known.begin(), known.end(), top_key(option.key)) == known.end()) known.push_back(top_key(option.key));
  r_.check_keys(b, ctx, known);
  if (of_service)
    for (const char* key : {"name", "processing", "workers"})
      if (b[key])
        r_.fail(b[key], ctx + "." + key + " does not apply to a service's balancer: " +
                            (std::string(key) == "name" ? "it takes the service's name"
                                                        : "a service's balancer has no processing time of its own "
                                                          "(a gateway, or a top-level balancer, does)"));
  models::BalancerConfig config;
  if (b["name"]) config.name = r_.string(b["name"], ctx + ".name");
  if (b["algorithm"]) config.algorithm = r_.one_of(b["algorithm"], ctx + ".algorithm", registry.names());
  const models::AlgorithmDeclaration& algorithm = *registry.find(config.algorithm);
  read_algorithm_options(b, ctx, algorithm, registry, config);
  if (const YAML::Node hc = b["health_check"]) {
    const std::string hctx = ctx + ".health_check";
    r_.require_map(hc, hctx);
    r_.check_keys(hc, hctx, {"interval", "timeout", "rise", "fall"});
    models::HealthCheckConfig h;
    if (hc["interval"]) h.interval = SimTime::from_ns(r_.time_ns(hc["interval"], hctx + ".interval", false));
    if (hc["timeout"]) h.timeout = SimTime::from_ns(r_.time_ns(hc["timeout"], hctx + ".timeout", false));
    if (hc["rise"]) h.rise = static_cast<int>(r_.integer(hc["rise"], hctx + ".rise", 1, 1000));
    if (hc["fall"]) h.fall = static_cast<int>(r_.integer(hc["fall"], hctx + ".fall", 1, 1000));
    if (h.timeout > h.interval)
      r_.fail(hc["timeout"], hctx + ".timeout must not be longer than its interval (HAProxy sends the next check only "
                                    "after the last one ended); shorten the timeout");
    config.health_check = h;
  }
  if (const YAML::Node pv = b["passive"]) {
    const std::string pctx = ctx + ".passive";
    r_.require_map(pv, pctx);
    r_.check_keys(pv, pctx, {"max_fails", "fail_timeout"});
    models::PassiveConfig p;
    if (pv["max_fails"]) p.max_fails = static_cast<int>(r_.integer(pv["max_fails"], pctx + ".max_fails", 0, 1000000));
    if (pv["fail_timeout"]) p.fail_timeout = SimTime::from_ns(r_.time_ns(pv["fail_timeout"], pctx + ".fail_timeout", false));
    config.passive = p;
  }
  if (b["backups"])
    config.backups = r_.one_of(b["backups"], ctx + ".backups", {"all", "first"}) == "all" ? models::BackupRule::Use::all
                                                                                           : models::BackupRule::Use::first;
  if (b["queue"]) config.queue = r_.boolean(b["queue"], ctx + ".queue");
  if (b["queue_timeout"]) {
    if (!config.queue)
      r_.fail(b["queue_timeout"], ctx + ".queue_timeout bounds the wait in the backend queue, and queue: false has "
                                        "none; remove queue_timeout or set queue: true");
    config.queue_timeout = SimTime::from_ns(r_.time_ns(b["queue_timeout"], ctx + ".queue_timeout", false));
  }
  if (b["retries"]) config.retries = static_cast<int>(r_.integer(b["retries"], ctx + ".retries", 0, 100));
  if (b["retry_non_idempotent"])
    config.retry_non_idempotent = r_.boolean(b["retry_non_idempotent"], ctx + ".retry_non_idempotent");
  if (const YAML::Node layer_node = b["layer"]) {
    const std::string text = layer_node.IsScalar() ? layer_node.Scalar() : std::string{};
    if (text != "4" && text != "7")
      r_.fail(layer_node, ctx + ".layer must be 4 (TCP) or 7 (HTTP), got " +
                              (text.empty() ? std::string("no number") : "\"" + text + "\""));
    config.layer = text == "4" ? 4 : 7;
    if (config.layer == 4 && config.options.hash_key == "path")
      r_.fail(b["hash_key"], "a layer 4 balancer sees TCP connections, not HTTP paths: hash_key: path needs "
                             "layer: 7 (or hash_key: client)");
  }
  read_balancer_station(b, ctx, config);
  if (const YAML::Node w = b["worker_processes"]) {
    config.worker_processes = static_cast<int>(r_.integer(w, ctx + ".worker_processes", 1, 1024));
    if (config.worker_processes > 1 && config.layer == 4)
      r_.fail(w, ctx + ".worker_processes > 1 gives each worker its own balancer state, and at layer 4 a client's "
                     "connection would have to stay with its worker, which is not modelled; use layer: 7 or "
                     "worker_processes: 1");
  }
  // Whatever else the algorithm checks in its options is reported here, at the balancer, rather
  // than as a failed run.
  try {
    (void)registry.create(config.algorithm, config.options);
  } catch (const std::invalid_argument& e) {
    r_.fail(b["algorithm"] ? b["algorithm"] : b, ctx + ": " + e.what());
  }
  return config;
}

// The balancer as a station (models/balancers/balancer_frontend.hpp) and its layer-4 connections.
void ScenarioLoader::read_balancer_station(const YAML::Node& b, const std::string& ctx, models::BalancerConfig& config)
{
  if (const YAML::Node p = b["processing"]) {
    models::DistributionPtr d = read_time_distribution(p, ctx + ".processing", r_, base_dir_);
    if (d && d->mean() > 0) config.processing = std::move(d);
  }
  if (const YAML::Node w = b["workers"]) {
    if (!config.processing)
      r_.fail(w, ctx + ".workers are the threads that spend " + ctx + ".processing; set processing (e.g. 50 us) or "
                 "remove workers");
    config.workers = static_cast<int>(r_.integer(w, ctx + ".workers", 1, 4096));
  }
  read_connection_limits(r_, b, ctx, config.max_connections, config.backlog);
  if (const YAML::Node k = b["requests_per_connection"]) {
    // At layer 7 the client still reuses its connection to the balancer, but the balancer picks per
    // request, so the value changes nothing there (kept so that a study can vary layer alone).
    config.requests_per_connection =
        static_cast<uint64_t>(r_.integer(k, ctx + ".requests_per_connection", 1, 1'000'000'000));
  }
}

}  // namespace lbsim::scenarios
