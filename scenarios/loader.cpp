#include "scenarios/loader.hpp"

#include "models/balancers/registry.hpp"
#include "scenarios/client_addresses.hpp"
#include "scenarios/distribution_reader.hpp"
#include "scenarios/overrides.hpp"
#include "scenarios/yaml_reader.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace lbsim::scenarios {

namespace {

using models::SimTime;

struct SizeEntry {
  int cores = 1;
  double speed = 1.0;
  double price = 0;
};

class ScenarioLoader {
public:
  ScenarioLoader(YamlReader& reader, std::string base_dir) : r_(reader), base_dir_(std::move(base_dir)) {}

  models::SystemConfig load(const YAML::Node& root)
  {
    r_.require_map(root, "the scenario");
    r_.check_keys(root, "the scenario",
                  {"name", "description", "seed", "duration", "warmup", "stop", "clients", "balancer", "servers",
                   "sizes", "metrics"},
                  {"network", "timeline", "autoscaling"});
    r_.require_key(root, "name", "the scenario");
    r_.require_key(root, "clients", "the scenario");
    r_.require_key(root, "servers", "the scenario");

    models::SystemConfig c;
    c.name = r_.string(root["name"], "name");
    if (root["description"]) c.description = root["description"].IsScalar() ? root["description"].Scalar() : "";
    if (root["seed"]) c.seed = static_cast<uint64_t>(r_.integer(root["seed"], "seed", 0, INT64_MAX));
    if (root["warmup"]) c.warmup = SimTime::from_ns(r_.time_ns(root["warmup"], "warmup", true));
    if (root["duration"]) c.duration = SimTime::from_ns(r_.time_ns(root["duration"], "duration", false));
    if (const YAML::Node stop = root["stop"]) {
      r_.require_map(stop, "stop");
      r_.check_keys(stop, "stop", {"requests"});
      r_.require_key(stop, "requests", "stop");
      c.stop_requests = static_cast<uint64_t>(r_.integer(stop["requests"], "stop.requests", 1, INT64_MAX));
    }
    if (!c.duration && !c.stop_requests)
      r_.fail(root, "the scenario needs \"duration\" (e.g. duration: 5 min) or \"stop: {requests: N}\" to know when to end");

    if (root["sizes"]) read_sizes(root["sizes"]);
    read_clients(root["clients"], c);
    read_servers(root["servers"], c);
    if (root["balancer"]) c.balancer = read_balancer(root["balancer"]);
    if (!c.balancer && c.servers.size() > 1)
      r_.fail(root["servers"], "there are " + std::to_string(c.servers.size()) +
                                   " servers but no \"balancer\" to spread requests over them; add e.g. "
                                   "balancer: {algorithm: round_robin}");
    if (root["metrics"]) read_metrics(root["metrics"], c.metrics);
    return c;
  }

private:
  void read_sizes(const YAML::Node& node)
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
      if (s["speed"]) size.speed = r_.number(s["speed"], ctx + ".speed", 1e-9, 1e9);
      if (s["price"]) size.price = r_.price_per_hour(s["price"], ctx + ".price");
      sizes_[name] = size;
      size_names_.push_back(name);
    }
  }

  void read_clients(const YAML::Node& node, models::SystemConfig& c)
  {
    r_.require_sequence(node, "clients");
    if (node.size() == 0) r_.fail(node, "clients must list at least one client group");
    std::set<std::string> names;
    for (size_t i = 0; i < node.size(); ++i) {
      const YAML::Node g = node[i];
      const std::string ctx = "clients[" + std::to_string(i) + "]";
      r_.require_map(g, ctx);
      r_.check_keys(g, ctx, {"name", "population", "addresses", "region", "arrivals", "mix"});
      models::ClientGroupConfig group;
      group.name = g["name"] ? r_.string(g["name"], ctx + ".name") : "clients-" + std::to_string(i + 1);
      if (!names.insert(group.name).second) r_.fail(g["name"], "two client groups are named \"" + group.name + "\"");
      if (g["region"]) group.region = r_.string(g["region"], ctx + ".region");
      r_.require_key(g, "arrivals", ctx);
      r_.require_key(g, "mix", ctx);
      read_addresses(g, ctx, c.seed, group);
      read_arrivals(g["arrivals"], ctx + ".arrivals", group);
      read_mix(g["mix"], ctx + ".mix", group);
      c.clients.push_back(std::move(group));
    }
  }

  void read_addresses(const YAML::Node& g, const std::string& ctx, uint64_t seed, models::ClientGroupConfig& group)
  {
    group_has_explicit_addresses_ = static_cast<bool>(g["addresses"]);
    std::optional<uint32_t> population;
    if (g["population"])
      population = static_cast<uint32_t>(r_.integer(g["population"], ctx + ".population", 1, 1 << 24));
    if (const YAML::Node a = g["addresses"]) {
      if (a.IsSequence()) {
        std::set<uint32_t> seen;
        for (size_t k = 0; k < a.size(); ++k) {
          const std::string text = r_.string(a[k], ctx + ".addresses[" + std::to_string(k) + "]");
          const auto ip = parse_ipv4(text);
          if (!ip) r_.fail(a[k], "\"" + text + "\" is not an IPv4 address such as 192.168.1.2");
          if (!seen.insert(*ip).second) r_.fail(a[k], "address " + text + " is listed twice");
          group.addresses.push_back(*ip);
        }
        if (group.addresses.empty()) r_.fail(a, ctx + ".addresses must not be empty");
        if (population && *population != group.addresses.size())
          r_.fail(g["population"], ctx + ".population is " + std::to_string(*population) + " but " +
                                       std::to_string(group.addresses.size()) + " addresses are listed");
        return;
      }
      const std::string text = r_.string(a, ctx + ".addresses");
      const auto block = parse_cidr(text);
      if (!block) r_.fail(a, ctx + ".addresses must be a list of IPv4 addresses or a CIDR block such as 10.1.0.0/16, got \"" + text + "\"");
      const uint64_t block_size = uint64_t{1} << (32 - block->second);
      const uint64_t n = population ? *population : std::min<uint64_t>(block_size, 65536);
      if (n > block_size)
        r_.fail(g["population"], ctx + ".population " + std::to_string(n) + " does not fit in " + text);
      for (uint64_t k = 0; k < n; ++k) group.addresses.push_back(block->first + static_cast<uint32_t>(k));
      return;
    }
    group.addresses = generate_addresses(group.name, seed, population.value_or(1));
  }

  void read_arrivals(const YAML::Node& a, const std::string& ctx, models::ClientGroupConfig& group)
  {
    r_.require_map(a, ctx);
    r_.require_key(a, "process", ctx);
    const std::string process =
        r_.one_of(a["process"], ctx + ".process", {"poisson", "constant", "bursty", "diurnal", "script", "trace", "closed"});
    models::ArrivalConfig& out = group.arrivals;
    if (process == "poisson" || process == "constant") {
      r_.check_keys(a, ctx, {"process", "rate"});
      r_.require_key(a, "rate", ctx);
      out.process = process == "poisson" ? models::ArrivalConfig::Process::poisson : models::ArrivalConfig::Process::constant;
      out.rate_per_s = r_.rate_per_s(a["rate"], ctx + ".rate");
      return;
    }
    if (process == "script") {
      r_.check_keys(a, ctx, {"process", "requests"});
      r_.require_key(a, "requests", ctx);
      out.process = models::ArrivalConfig::Process::script;
      read_script(a["requests"], ctx + ".requests", group);
      return;
    }
    r_.fail(a["process"], "arrival process \"" + process +
                              "\" is part of the scenario format but not implemented in this version of lbsim yet "
                              "(available: poisson, constant, script)");
  }

  void read_script(const YAML::Node& list, const std::string& ctx, models::ClientGroupConfig& group)
  {
    r_.require_sequence(list, ctx);
    if (list.size() == 0) r_.fail(list, ctx + " must list at least one request");
    const bool listed = group_has_explicit_addresses_;
    // Without an explicit address list, the script's clients are the group's addresses.
    std::vector<uint32_t> generated;
    if (!listed) generated.swap(group.addresses);
    std::map<uint32_t, uint32_t> index_of;
    for (uint32_t k = 0; k < group.addresses.size(); ++k) index_of[group.addresses[k]] = k;
    std::vector<uint32_t> script_addresses;
    SimTime previous;
    for (size_t k = 0; k < list.size(); ++k) {
      const YAML::Node item = list[k];
      const std::string ictx = ctx + "[" + std::to_string(k) + "]";
      r_.require_map(item, ictx);
      r_.check_keys(item, ictx, {"at", "client"});
      r_.require_key(item, "at", ictx);
      models::ScriptedArrival arrival;
      arrival.at = SimTime::from_ns(r_.time_ns(item["at"], ictx + ".at", true));
      if (arrival.at < previous) r_.fail(item["at"], ictx + ".at goes back in time; list scripted requests in time order");
      previous = arrival.at;
      if (item["client"]) {
        const std::string text = r_.string(item["client"], ictx + ".client");
        const auto ip = parse_ipv4(text);
        if (!ip) r_.fail(item["client"], "\"" + text + "\" is not an IPv4 address such as 192.168.1.2");
        auto it = index_of.find(*ip);
        if (it == index_of.end()) {
          if (listed) r_.fail(item["client"], "client " + text + " is not among the group's addresses");
          it = index_of.emplace(*ip, static_cast<uint32_t>(index_of.size())).first;
          script_addresses.push_back(*ip);
        }
        arrival.client = it->second;
      }
      group.arrivals.script.push_back(arrival);
    }
    if (!listed) {
      group.addresses = script_addresses;
      if (group.addresses.empty()) group.addresses.push_back(generated.front());
    }
  }

  void read_mix(const YAML::Node& list, const std::string& ctx, models::ClientGroupConfig& group)
  {
    r_.require_sequence(list, ctx);
    if (list.size() == 0) r_.fail(list, ctx + " must list at least one request type");
    size_t with_share = 0;
    double total = 0;
    for (size_t k = 0; k < list.size(); ++k) {
      const YAML::Node t = list[k];
      const std::string tctx = ctx + "[" + std::to_string(k) + "]";
      r_.require_map(t, tctx);
      r_.check_keys(t, tctx, {"method", "path", "share", "request_size", "response_size", "work"});
      r_.require_key(t, "work", tctx);
      models::RequestType type;
      if (t["method"]) type.method = r_.string(t["method"], tctx + ".method");
      if (t["path"]) type.path = r_.string(t["path"], tctx + ".path");
      if (t["share"]) {
        type.share = r_.number(t["share"], tctx + ".share", 0, 1);
        if (type.share <= 0) r_.fail(t["share"], tctx + ".share must be greater than zero");
        ++with_share;
        total += type.share;
      }
      if (t["request_size"]) type.request_bytes = r_.size_bytes(t["request_size"], tctx + ".request_size");
      if (t["response_size"]) type.response_bytes = r_.size_bytes(t["response_size"], tctx + ".response_size");
      type.work = read_time_distribution(t["work"], tctx + ".work", r_, base_dir_);
      group.mix.push_back(std::move(type));
    }
    if (with_share != 0 && with_share != list.size())
      r_.fail(list, ctx + ": give every request type a share, or none (equal shares)");
    if (with_share == 0) {
      for (auto& type : group.mix) type.share = 1.0 / static_cast<double>(group.mix.size());
    } else if (std::abs(total - 1.0) > 1e-6) {
      char buffer[160];
      std::snprintf(buffer, sizeof buffer, ": the shares add up to %.6g, not 1", total);
      r_.fail(list, ctx + buffer);
    }
  }

  void read_servers(const YAML::Node& node, models::SystemConfig& c)
  {
    r_.require_sequence(node, "servers");
    if (node.size() == 0) r_.fail(node, "servers must list at least one server");
    std::set<std::string> names;
    for (size_t i = 0; i < node.size(); ++i) {
      const YAML::Node s = node[i];
      const std::string ctx = "servers[" + std::to_string(i) + "]";
      r_.require_map(s, ctx);
      r_.check_keys(s, ctx, {"name", "count", "cores", "speed", "weight", "queue_limit", "discipline", "size", "price"},
                    {"failures"});
      r_.require_key(s, "name", ctx);
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
      if (s["speed"]) {
        base.speed = r_.number(s["speed"], ctx + ".speed", 0, 1e9);
        if (base.speed <= 0) r_.fail(s["speed"], ctx + ".speed must be greater than zero");
      }
      if (s["weight"]) base.weight = static_cast<int>(r_.integer(s["weight"], ctx + ".weight", 1, 1000000));
      if (s["queue_limit"])
        base.queue_limit = static_cast<uint64_t>(r_.integer(s["queue_limit"], ctx + ".queue_limit", 0, INT64_MAX));
      if (s["discipline"]) {
        const std::string d = r_.one_of(s["discipline"], ctx + ".discipline", {"fifo", "processor_sharing"});
        if (d != "fifo")
          r_.fail(s["discipline"], "discipline \"processor_sharing\" is part of the scenario format but not implemented "
                                   "in this version of lbsim yet (available: fifo)");
      }
      if (s["price"]) base.price_per_hour = r_.price_per_hour(s["price"], ctx + ".price");
      const int64_t count = s["count"] ? r_.integer(s["count"], ctx + ".count", 1, 100000) : 1;
      base.group = base.name;
      for (int64_t k = 1; k <= count; ++k) {
        models::ServerConfig server = base;
        if (s["count"]) server.name = base.name + "-" + std::to_string(k);
        if (!names.insert(server.name).second)
          r_.fail(s["name"], "two servers are named \"" + server.name + "\"");
        c.servers.push_back(server);
      }
    }
  }

  models::BalancerConfig read_balancer(const YAML::Node& b)
  {
    r_.require_map(b, "balancer");
    r_.check_keys(b, "balancer", {"name", "algorithm", "variant", "layer", "processing"},
                  {"sticky", "health_check", "passive", "choices", "hash_key", "table_size", "max_connections",
                   "requests_per_connection", "retries"});
    models::BalancerConfig config;
    if (b["name"]) config.name = r_.string(b["name"], "balancer.name");
    if (b["algorithm"]) {
      config.algorithm = r_.one_of(b["algorithm"], "balancer.algorithm", models::all_balancer_algorithm_names());
      models::BalancerRegistry registry;
      models::register_builtin_balancers(registry);
      if (!registry.contains(config.algorithm)) {
        std::string available;
        for (const auto& name : registry.names()) available += (available.empty() ? "" : ", ") + name;
        r_.fail(b["algorithm"], "algorithm \"" + config.algorithm +
                                    "\" is part of the scenario format but not implemented in this version of lbsim "
                                    "yet (available: " + available + ")");
      }
    }
    if (b["variant"]) r_.fail(b["variant"], "balancer.variant applies to weighted_round_robin, which is not implemented in this version of lbsim yet");
    if (b["layer"]) {
      const int64_t layer = r_.integer(b["layer"], "balancer.layer", 4, 7);
      if (layer != 4 && layer != 7) r_.fail(b["layer"], "balancer.layer must be 4 or 7");
      if (layer == 4) r_.fail(b["layer"], "layer 4 balancing is part of the scenario format but not implemented in this version of lbsim yet");
    }
    if (b["processing"] && r_.time_ns(b["processing"], "balancer.processing", true) != 0)
      r_.fail(b["processing"], "balancer.processing time is part of the scenario format but not implemented in this version of lbsim yet (use 0)");
    return config;
  }

  void read_metrics(const YAML::Node& m, models::MetricsConfig& out)
  {
    r_.require_map(m, "metrics");
    r_.check_keys(m, "metrics", {"interval", "percentiles", "slo"});
    if (m["interval"]) out.interval = SimTime::from_ns(r_.time_ns(m["interval"], "metrics.interval", false));
    if (const YAML::Node p = m["percentiles"]) {
      r_.require_sequence(p, "metrics.percentiles");
      out.percentiles.clear();
      for (size_t k = 0; k < p.size(); ++k) {
        const double v = r_.number(p[k], "metrics.percentiles[" + std::to_string(k) + "]", 0, 100);
        if (v <= 0 || v >= 100) r_.fail(p[k], "a percentile must be strictly between 0 and 100");
        out.percentiles.push_back(v);
      }
    }
    if (const YAML::Node slo = m["slo"]) {
      r_.require_map(slo, "metrics.slo");
      r_.check_keys(slo, "metrics.slo", {"p99"});
      if (slo["p99"]) out.slo_p99 = SimTime::from_ns(r_.time_ns(slo["p99"], "metrics.slo.p99", false));
    }
  }

  YamlReader& r_;
  std::string base_dir_;
  std::map<std::string, SizeEntry> sizes_;
  std::vector<std::string> size_names_;
  bool group_has_explicit_addresses_ = false;
};

}  // namespace

models::SystemConfig load_scenario_text(const std::string& text, const std::string& file, const std::string& base_dir,
                                        const std::vector<std::string>& overrides)
{
  YamlReader reader(file);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    SourceLocation loc{file, e.mark.line + 1, e.mark.column + 1, {}};
    throw ScenarioError(loc, "YAML syntax error: " + e.msg);
  }
  if (!root || root.IsNull()) throw ScenarioError(SourceLocation{file, 0, 0, {}}, "the scenario file is empty");
  apply_overrides(root, overrides, reader);
  ScenarioLoader loader(reader, base_dir);
  return loader.load(root);
}

models::SystemConfig load_scenario_file(const std::string& path, const std::vector<std::string>& overrides)
{
  std::ifstream in(path);
  if (!in) throw ScenarioError(SourceLocation{path, 0, 0, {}}, "cannot open the scenario file (does it exist?)");
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::filesystem::path p(path);
  return load_scenario_text(buffer.str(), path, p.has_parent_path() ? p.parent_path().string() : ".", overrides);
}

}  // namespace lbsim::scenarios
