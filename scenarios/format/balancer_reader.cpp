// A balancer: its algorithm and the options only some algorithms read, health checks, passive
// detection, retries, and the balancer as a station (processing, max_connections, layer 4).
#include "scenarios/format/scenario_loader.hpp"

#include "models/balancers/algorithms/registry.hpp"
#include "scenarios/format/distribution_reader.hpp"

namespace lbsim::scenarios {

namespace {
bool is_prime(int64_t n)
{
  if (n < 2) return false;
  for (int64_t d = 2; d * d <= n; ++d)
    if (n % d == 0) return false;
  return true;
}
}  // namespace

// A balancer key that only some algorithms read: an error for the others, never silently ignored.
void ScenarioLoader::require_algorithm(const YAML::Node& node, const char* key, const std::string& algorithm,
                       std::initializer_list<const char*> users) const

{
  std::string list;
  for (const char* user : users) {
    if (algorithm == user) return;
    list += (list.empty() ? "" : " or ") + std::string(user);
  }
  r_.fail(node, std::string("balancer.") + key + " applies only to algorithm " + list +
                    ", and this balancer's algorithm is " + algorithm + "; remove " + key +
                    " or change the algorithm");
}

models::BalancerConfig ScenarioLoader::read_balancer(const YAML::Node& b)

{
  r_.require_map(b, "balancer");
  r_.check_keys(b, "balancer",
                {"name", "algorithm", "variant", "layer", "processing", "sticky", "choices", "hash_key", "table_size",
                 "decay", "workers", "max_connections", "backlog", "requests_per_connection", "health_check",
                 "passive", "retries"});
  models::BalancerConfig config;
  if (b["name"]) config.name = r_.string(b["name"], "balancer.name");
  models::BalancerRegistry registry;
  models::register_builtin_balancers(registry);
  if (b["algorithm"]) {
    config.algorithm = r_.one_of(b["algorithm"], "balancer.algorithm", models::all_balancer_algorithm_names());
    if (!registry.contains(config.algorithm)) {
      std::string available;
      for (const auto& name : registry.names()) available += (available.empty() ? "" : ", ") + name;
      r_.fail(b["algorithm"], "algorithm \"" + config.algorithm +
                                  "\" is part of the scenario format but not implemented in this version of lbsim "
                                  "yet (available: " + available + ")");
    }
  }
  const std::string& algorithm = config.algorithm;
  if (const YAML::Node variant = b["variant"]) {
    require_algorithm(variant, "variant", algorithm, {"weighted_round_robin"});
    config.variant = r_.one_of(variant, "balancer.variant", {"smooth", "classic"});
  }
  if (const YAML::Node sticky = b["sticky"]) {
    require_algorithm(sticky, "sticky", algorithm, {"sticky_round_robin"});
    r_.require_map(sticky, "balancer.sticky");
    r_.check_keys(sticky, "balancer.sticky", {"timeout"});
    if (sticky["timeout"])
      config.sticky_timeout = SimTime::from_ns(r_.time_ns(sticky["timeout"], "balancer.sticky.timeout", false));
  }
  if (const YAML::Node choices = b["choices"]) {
    require_algorithm(choices, "choices", algorithm, {"power_of_two_choices"});
    config.choices = static_cast<int>(r_.integer(choices, "balancer.choices", 1, 1000));
  }
  if (const YAML::Node key = b["hash_key"]) {
    require_algorithm(key, "hash_key", algorithm, {"consistent_hash", "maglev"});
    config.hash_key = r_.one_of(key, "balancer.hash_key", {"client", "path"});
  }
  if (const YAML::Node size = b["table_size"]) {
    require_algorithm(size, "table_size", algorithm, {"maglev"});
    constexpr int64_t kMaxTable = 5000011;
    const int64_t m = r_.integer(size, "balancer.table_size", 2, kMaxTable);
    if (!is_prime(m)) {
      int64_t next = m + 1;
      while (next <= kMaxTable && !is_prime(next)) ++next;
      r_.fail(size, "balancer.table_size must be a prime number (Maglev's table), got " + std::to_string(m) +
                        (next <= kMaxTable ? "; the next prime is " + std::to_string(next) : std::string{}));
    }
    config.table_size = static_cast<uint64_t>(m);
  }
  if (const YAML::Node decay = b["decay"]) {
    require_algorithm(decay, "decay", algorithm, {"least_response_time"});
    config.decay = SimTime::from_ns(r_.time_ns(decay, "balancer.decay", false));
  }
  if (const YAML::Node hc = b["health_check"]) {
    r_.require_map(hc, "balancer.health_check");
    r_.check_keys(hc, "balancer.health_check", {"interval", "timeout", "rise", "fall"});
    models::HealthCheckConfig h;
    if (hc["interval"])
      h.interval = SimTime::from_ns(r_.time_ns(hc["interval"], "balancer.health_check.interval", false));
    if (hc["timeout"]) h.timeout = SimTime::from_ns(r_.time_ns(hc["timeout"], "balancer.health_check.timeout", false));
    if (hc["rise"]) h.rise = static_cast<int>(r_.integer(hc["rise"], "balancer.health_check.rise", 1, 1000));
    if (hc["fall"]) h.fall = static_cast<int>(r_.integer(hc["fall"], "balancer.health_check.fall", 1, 1000));
    if (h.timeout > h.interval)
      r_.fail(hc["timeout"], "balancer.health_check.timeout must not be longer than its interval (HAProxy sends "
                             "the next check only after the last one ended); shorten the timeout");
    config.health_check = h;
  }
  if (const YAML::Node pv = b["passive"]) {
    r_.require_map(pv, "balancer.passive");
    r_.check_keys(pv, "balancer.passive", {"max_fails", "fail_timeout"});
    models::PassiveConfig p;
    if (pv["max_fails"]) p.max_fails = static_cast<int>(r_.integer(pv["max_fails"], "balancer.passive.max_fails", 0, 1000000));
    if (pv["fail_timeout"])
      p.fail_timeout = SimTime::from_ns(r_.time_ns(pv["fail_timeout"], "balancer.passive.fail_timeout", false));
    config.passive = p;
  }
  if (b["retries"]) config.retries = static_cast<int>(r_.integer(b["retries"], "balancer.retries", 0, 100));
  if (const YAML::Node layer_node = b["layer"]) {
    const std::string text = layer_node.IsScalar() ? layer_node.Scalar() : std::string{};
    if (text != "4" && text != "7")
      r_.fail(layer_node, "balancer.layer must be 4 (TCP) or 7 (HTTP), got " +
                              (text.empty() ? std::string("no number") : "\"" + text + "\""));
    config.layer = text == "4" ? 4 : 7;
    if (config.layer == 4 && config.hash_key == "path")
      r_.fail(b["hash_key"], "a layer 4 balancer sees TCP connections, not HTTP paths: hash_key: path needs "
                             "layer: 7 (or hash_key: client)");
  }
  read_balancer_station(b, config);
  // Whatever else the algorithm checks in its options is reported here, at the balancer, rather
  // than as a failed run.
  try {
    models::BalancerOptions options;
    options.variant = config.variant;
    options.choices = config.choices;
    options.hash_key = config.hash_key;
    options.table_size = config.table_size;
    options.decay = config.decay;
    options.sticky_timeout = config.sticky_timeout;
    (void)registry.create(algorithm, options);
  } catch (const std::invalid_argument& e) {
    r_.fail(b["algorithm"] ? b["algorithm"] : b, std::string("balancer: ") + e.what());
  }
  return config;
}

// The balancer as a station (models/balancers/balancer_frontend.hpp) and its layer-4 connections.
void ScenarioLoader::read_balancer_station(const YAML::Node& b, models::BalancerConfig& config)

{
  if (const YAML::Node p = b["processing"]) {
    models::DistributionPtr d = read_time_distribution(p, "balancer.processing", r_, base_dir_);
    if (d && d->mean() > 0) config.processing = std::move(d);
  }
  if (const YAML::Node w = b["workers"]) {
    if (!config.processing)
      r_.fail(w, "balancer.workers are the threads that spend balancer.processing; set processing (e.g. 50 us) "
                 "or remove workers");
    config.workers = static_cast<int>(r_.integer(w, "balancer.workers", 1, 4096));
  }
  if (const YAML::Node m = b["max_connections"])
    config.max_connections = static_cast<uint64_t>(r_.integer(m, "balancer.max_connections", 1, 1'000'000'000));
  if (const YAML::Node q = b["backlog"]) {
    if (!config.max_connections)
      r_.fail(q, "balancer.backlog is the queue beyond max_connections; set max_connections or remove backlog");
    config.backlog = static_cast<uint64_t>(r_.integer(q, "balancer.backlog", 0, 1'000'000'000));
  }
  if (const YAML::Node k = b["requests_per_connection"]) {
    // At layer 7 the client still reuses its connection to the balancer, but the balancer picks per
    // request, so the value changes nothing there (kept so that a study can vary layer alone).
    config.requests_per_connection =
        static_cast<uint64_t>(r_.integer(k, "balancer.requests_per_connection", 1, 1'000'000'000));
  }
}

}  // namespace lbsim::scenarios
