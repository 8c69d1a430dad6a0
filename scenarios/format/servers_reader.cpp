// The sizes catalog and a list of servers (a service's, or the top-level one).
#include "scenarios/format/scenario_loader.hpp"

#include "models/balancers/algorithms/backup_split.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace lbsim::scenarios {

double read_speed(const YamlReader& reader, const YAML::Node& node, const std::string& what)
{
  const double speed = reader.positive_number(node, what, 1e9, kSpeedHint);
  if (speed < kMinSpeed)
    reader.fail(node, what + " must be at least 0.000001 (a millisecond of work then takes "
                      "1000 s), got " + node.Scalar() + "; " + kSpeedHint);
  return speed;
}

void ScenarioLoader::read_sizes(const YAML::Node& node)
{
  r_.require_map(node, "sizes");
  for (const auto& entry : node) {
    const std::string name = r_.string(entry.first, "a size name");
    const YAML::Node& s = entry.second;
    const std::string ctx = "sizes." + name;
    r_.require_map(s, ctx);
    r_.check_keys(s, ctx, {"cores", "speed", "price"});
    SizeEntry size;
    if (s["cores"]) size.cores = static_cast<int>(r_.integer(s["cores"], ctx + ".cores", 1, 1 << 20));
    if (s["speed"]) size.speed = read_speed(r_, s["speed"], ctx + ".speed");
    if (s["price"]) size.price = r_.price_per_hour(s["price"], ctx + ".price");
    sizes_[name] = size;
    size_names_.push_back(name);
  }
}

void ScenarioLoader::read_servers(const YAML::Node& node, const std::string& list_ctx, models::ServiceConfig& service)
{
  r_.require_sequence(node, list_ctx);
  if (node.size() == 0) r_.fail(node, list_ctx + " is empty; expected at least one server, e.g. - {name: web}");
  std::map<std::string, std::string>& made_by = server_made_by_;
  for (size_t i = 0; i < node.size(); ++i) {
    const YAML::Node s = node[i];
    const std::string ctx = list_ctx + "[" + std::to_string(i) + "]";
    r_.require_map(s, ctx);
    r_.check_keys(s, ctx,
                  {"name", "count", "cores", "speed", "weight", "queue_limit", "discipline", "size", "price", "failures",
                   "backup", "state", "max_conns", "slow_start"});
    r_.require_key(s, "name", ctx, "name: web");
    models::ServerConfig base;
    base.name = r_.string(s["name"], ctx + ".name");
    if (s["size"]) {
      if (sizes_.empty()) r_.fail(s["size"], ctx + ".size needs a \"sizes\" catalog at the top of the scenario");
      const std::string size = r_.one_of(s["size"], ctx + ".size", size_names_);
      base.size = size;
      base.cores = sizes_[size].cores;
      base.speed = sizes_[size].speed;
      base.price_per_hour = sizes_[size].price;
    }
    if (s["cores"]) base.cores = static_cast<int>(r_.integer(s["cores"], ctx + ".cores", 1, 1 << 20));
    if (s["speed"]) base.speed = read_speed(r_, s["speed"], ctx + ".speed");
    if (s["weight"]) base.weight = static_cast<int>(r_.integer(s["weight"], ctx + ".weight", 1, 1000000));
    if (s["queue_limit"])
      base.queue_limit = static_cast<uint64_t>(r_.integer(s["queue_limit"], ctx + ".queue_limit", 0, INT64_MAX));
    if (s["max_conns"])
      base.max_conns = static_cast<uint64_t>(r_.integer(s["max_conns"], ctx + ".max_conns", 1, 1000000000));
    if (s["slow_start"]) base.slow_start = SimTime::from_ns(r_.time_ns(s["slow_start"], ctx + ".slow_start", false));
    if (s["discipline"]) {
      const std::string d = r_.one_of(s["discipline"], ctx + ".discipline", {"fifo", "processor_sharing"});
      base.processor_sharing = d == "processor_sharing";
    }
    if (s["price"]) base.price_per_hour = r_.price_per_hour(s["price"], ctx + ".price");
    if (const YAML::Node f = s["failures"]) {
      const std::string fctx = ctx + ".failures";
      r_.require_map(f, fctx);
      r_.check_keys(f, fctx, {"mtbf", "mttr"});
      r_.require_key(f, "mtbf", fctx, "mtbf: 2 h (mean time between failures)");
      r_.require_key(f, "mttr", fctx, "mttr: 10 min (mean time to repair)");
      base.mtbf = SimTime::from_ns(r_.time_ns(f["mtbf"], fctx + ".mtbf", false));
      base.mttr = SimTime::from_ns(r_.time_ns(f["mttr"], fctx + ".mttr", false));
    }
    std::optional<YAML::Node> flag_node;
    if (s["backup"]) {
      base.backup = r_.boolean(s["backup"], ctx + ".backup");
      if (base.backup) flag_node = s["backup"];
    }
    if (s["state"]) {
      base.starts_down = r_.one_of(s["state"], ctx + ".state", {"up", "down"}) == "down";
      if (base.starts_down && !flag_node) flag_node = s["state"];
    }
    if (base.max_conns && !flag_node) flag_node = s["max_conns"];
    if (base.slow_start > SimTime::zero() && !flag_node) flag_node = s["slow_start"];
    const int64_t count = s["count"] ? r_.integer(s["count"], ctx + ".count", 1, 100000) : 1;
    base.group = base.name;
    // A group's own name is taken too: servers[web] (in --set, a study, a plan, the timeline) must
    // name one entry, so a group "web" and a server "web" are refused, as two groups "web" are.
    if (s["count"]) {
      const auto [earlier, fresh] = made_by.emplace(base.name, base.name);
      if (!fresh) {
        const std::string& other = earlier->second;
        r_.fail(s["name"], (other == base.name ? "two groups are named \"" + base.name + "\""
                            : other.empty()    ? "a group and a server are both named \"" + base.name + "\""
                                               : "a group is named \"" + base.name + "\" like a server of the group \"" +
                                                     other + "\"") +
                               "; servers[" + base.name + "] would be ambiguous: give each server or group its own name");
      }
    }
    for (int64_t k = 1; k <= count; ++k) {
      models::ServerConfig server = base;
      if (s["count"]) server.name = base.name + "-" + std::to_string(k);
      const auto [earlier, fresh] = made_by.emplace(server.name, s["count"] ? base.name : std::string{});
      if (!fresh) {
        if (!s["count"] && earlier->second == server.name)
          r_.fail(s["name"], "a group and a server are both named \"" + server.name + "\"; servers[" + server.name +
                                 "] would be ambiguous: give each server or group its own name");
        std::string message = "two servers are named \"" + server.name + "\"";
        const std::string& group = s["count"] ? base.name : earlier->second;
        if (!group.empty())
          message += " (a group \"" + group + "\" with a count makes " + group + "-1, " + group + "-2, ...)";
        r_.fail(s["name"], message + "; give each server or group its own name");
      }
      service.servers.push_back(server);
      server_nodes_.push_back(s["name"]);
      if (flag_node) flag_nodes_[server.name] = *flag_node;
    }
  }
}

void ScenarioLoader::check_server_flags(const models::ServiceConfig& service)
{
  for (const models::ServerConfig& server : service.servers) {
    const bool slow_start = server.slow_start > SimTime::zero();
    if (!server.backup && !server.starts_down && !server.max_conns && !slow_start) continue;
    const YAML::Node& node = flag_nodes_.at(server.name);
    const std::string flag = server.backup       ? "backup: true"
                             : server.starts_down ? "state: down"
                             : server.max_conns   ? "max_conns"
                                                  : "slow_start";
    if (!service.balancer)
      r_.fail(node, "server \"" + server.name + "\" has " + flag + ", which only a balancer reads; add a balancer "
                    "in front of the servers or remove the flag");
    models::BalancerRegistry registry;
    models::register_builtin_balancers(registry);
    const models::AlgorithmDeclaration& algorithm = *registry.find(service.balancer->algorithm);
    if (slow_start && !(algorithm.ramps_weights && algorithm.ramps_weights(service.balancer->options)))
      r_.fail(node, "server \"" + server.name + "\" has slow_start, which ramps a weight, and algorithm " +
                        service.balancer->algorithm +
                        (service.balancer->options.variant.empty() ? "" : " (variant " + service.balancer->options.variant + ")") +
                        " does not change its weights while it runs; slow start works with weighted_round_robin "
                        "(smooth, fwrr or edf), weighted_least_connections and least_request");
    if (server.max_conns && service.balancer->worker_processes > 1)
      r_.fail(node, "server \"" + server.name + "\" has max_conns, and its balancer has worker_processes: " +
                        std::to_string(service.balancer->worker_processes) +
                        "; nginx then counts max_conns in each worker apart, which is not modelled; remove max_conns "
                        "or set worker_processes: 1 (one shared state, as with nginx's zone)");
    if (!server.backup) continue;
    const models::BackupRule rule = models::backup_rule_of(algorithm, service.balancer->options);
    if (rule.use == models::BackupRule::Use::refused)
      r_.fail(node, "server \"" + server.name + "\" is a backup, and algorithm " + service.balancer->algorithm +
                        " takes no backup servers (nginx refuses backup with ip_hash, hash and random: a hash "
                        "names one server per key); remove backup or choose another algorithm");
  }
}

}  // namespace lbsim::scenarios
