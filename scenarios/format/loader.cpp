#include "scenarios/format/loader.hpp"

#include "models/balancers/algorithms/registry.hpp"
#include "models/network/topology.hpp"
#include "scenarios/format/client_addresses.hpp"
#include "scenarios/format/distribution_reader.hpp"
#include "scenarios/format/overrides.hpp"
#include "scenarios/results/results_writer.hpp"
#include "scenarios/format/suggest.hpp"
#include "scenarios/format/text_file.hpp"
#include "scenarios/format/trace_reader.hpp"
#include "scenarios/format/yaml_reader.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <tuple>

namespace lbsim::scenarios {

namespace {

using models::SimTime;

constexpr const char* kSpeedHint = "speed is work per second relative to 1.0 (e.g. 2 for a server twice as fast)";

bool is_prime(int64_t n)
{
  if (n < 2) return false;
  for (int64_t d = 2; d * d <= n; ++d)
    if (n % d == 0) return false;
  return true;
}

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
    if (root["study"]) {
      std::string message =
          "\"study\" makes this a study file, not a scenario; check, run and trace take a scenario file";
      if (root["scenario"] && root["scenario"].IsScalar())
        message += " (this study's is \"" + root["scenario"].Scalar() + "\")";
      for (const auto& entry : root)
        if (entry.first.Scalar() == "study") r_.fail(entry.first, message);
    }
    if (root["plan"] && (root["search"] || root["slo"])) {
      std::string message = "\"plan\" makes this a plan file (for lbsim plan, docs/planning.md), not a scenario; "
                            "check, run and trace take a scenario file";
      if (root["scenario"] && root["scenario"].IsScalar())
        message += " (this plan's is \"" + root["scenario"].Scalar() + "\")";
      for (const auto& entry : root)
        if (entry.first.Scalar() == "plan") r_.fail(entry.first, message);
    }
    r_.check_keys(root, "the scenario",
                  {"name", "description", "seed", "duration", "warmup", "stop", "clients", "balancer", "servers",
                   "sizes", "metrics", "network", "timeline", "autoscaling"});
    r_.require_key(root, "name", "the scenario", "name: my-scenario");
    r_.require_key(root, "clients", "the scenario",
                   "clients: [{arrivals: {process: poisson, rate: 100/s}, mix: [{work: 5 ms}]}]");
    r_.require_key(root, "servers", "the scenario", "servers: [{name: web}]");

    models::SystemConfig c;
    c.name = r_.string(root["name"], "name");
    if (const YAML::Node d = root["description"]) {
      if (!d.IsScalar() && !d.IsNull())
        r_.fail(d, "description must be text (one paragraph), got " + std::string(d.IsMap() ? "a mapping" : "a list"));
      if (d.IsScalar()) c.description = d.Scalar();
    }
    if (root["seed"]) c.seed = static_cast<uint64_t>(r_.integer(root["seed"], "seed", 0, INT64_MAX));
    if (root["warmup"]) c.warmup = SimTime::from_ns(r_.time_ns(root["warmup"], "warmup", true));
    if (root["duration"]) c.duration = SimTime::from_ns(r_.time_ns(root["duration"], "duration", false));
    if (const YAML::Node stop = root["stop"]) {
      r_.require_map(stop, "stop");
      r_.check_keys(stop, "stop", {"requests"});
      r_.require_key(stop, "requests", "stop", "stop: {requests: 100000}");
      c.stop_requests = static_cast<uint64_t>(r_.integer(stop["requests"], "stop.requests", 1, INT64_MAX));
    }
    if (root["sizes"]) read_sizes(root["sizes"]);
    read_clients(root["clients"], c);
    // Only scripted traffic ends by itself: then the run ends when its last request is answered.
    const bool all_scripted = std::all_of(c.clients.begin(), c.clients.end(),
                                          [](const models::ClientGroupConfig& g) { return g.arrivals.scripted(); });
    if (!c.duration && !c.stop_requests && !all_scripted)
      r_.fail(root, "the scenario has neither \"duration\" nor \"stop\"; one is required to know when to end "
                    "(e.g. duration: 5 min, or stop: {requests: 100000}); only scenarios whose clients all follow a "
                    "script or a trace may leave both out");
    c.services.emplace_back();
    read_servers(root["servers"], c);
    if (root["balancer"]) c.services.front().balancer = read_balancer(root["balancer"]);
    // The top-level form is one service, named after its balancer (or its only server).
    models::ServiceConfig& implicit = c.services.front();
    implicit.name = implicit.balancer ? implicit.balancer->name : implicit.servers.front().name;
    if (!c.services.front().balancer && c.services.front().servers.size() > 1)
      r_.fail(root["servers"], "there are " + std::to_string(c.services.front().servers.size()) +
                                   " servers but no \"balancer\" to spread requests over them; add e.g. "
                                   "balancer: {algorithm: round_robin}");
    if (root["network"]) read_network(root["network"], c);
    if (root["metrics"]) read_metrics(root["metrics"], c.metrics);
    if (root["timeline"]) read_timeline(root["timeline"], c);
    if (root["autoscaling"]) read_autoscaling(root["autoscaling"], c);
    return c;
  }

private:
  struct NodeName {  // what a name in network.links stands for
    std::string kind;                  // "a client region", "the balancer", ... (for messages)
    std::vector<std::string> members;  // the nodes a link to this name joins
    bool many = false;                 // a group or `servers`
  };

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
      if (s["speed"]) size.speed = r_.positive_number(s["speed"], ctx + ".speed", 1e9, kSpeedHint);
      if (s["price"]) size.price = r_.price_per_hour(s["price"], ctx + ".price");
      sizes_[name] = size;
      size_names_.push_back(name);
    }
  }

  void read_clients(const YAML::Node& node, models::SystemConfig& c)
  {
    r_.require_sequence(node, "clients");
    if (node.size() == 0)
      r_.fail(node, "clients is empty; expected at least one client group, e.g. - {arrivals: {process: poisson, rate: "
                    "100/s}, mix: [{work: 5 ms}]}");
    std::set<std::string> names;
    for (size_t i = 0; i < node.size(); ++i) {
      const YAML::Node g = node[i];
      const std::string ctx = "clients[" + std::to_string(i) + "]";
      r_.require_map(g, ctx);
      r_.check_keys(g, ctx, {"name", "population", "addresses", "region", "arrivals", "mix"});
      models::ClientGroupConfig group;
      group.name = g["name"] ? r_.string(g["name"], ctx + ".name") : "clients-" + std::to_string(i + 1);
      if (!names.insert(group.name).second)
        r_.fail(g["name"] ? g["name"] : g,
                "two client groups are named \"" + group.name + "\"; give each group its own name");
      if (g["region"]) group.region = r_.string(g["region"], ctx + ".region");
      r_.require_key(g, "arrivals", ctx, "arrivals: {process: poisson, rate: 100/s}");
      r_.require_key(g, "mix", ctx, "mix: [{method: GET, path: /, work: 5 ms}]");
      read_addresses(g, ctx, c.seed, group);
      read_arrivals(g["arrivals"], ctx + ".arrivals", group);
      read_mix(g["mix"], ctx + ".mix", group);
      if (group.arrivals.process == models::ArrivalConfig::Process::trace) resolve_trace(group);
      region_nodes_.push_back(g["region"] ? g["region"] : g);
      c.clients.push_back(std::move(group));
    }
  }

  void read_addresses(const YAML::Node& g, const std::string& ctx, uint64_t seed, models::ClientGroupConfig& group)
  {
    group_has_explicit_addresses_ = static_cast<bool>(g["addresses"]);
    // Handles are rebound, never assigned: yaml-cpp's Node::operator= writes into the tree.
    group_population_.reset();
    if (g["population"]) group_population_.emplace(g["population"]);
    std::optional<uint32_t> population;
    if (g["population"])
      population = static_cast<uint32_t>(r_.integer(g["population"], ctx + ".population", 1, 1 << 24));
    if (const YAML::Node a = g["addresses"]) {
      if (a.IsSequence()) {
        std::set<uint32_t> seen;
        for (size_t k = 0; k < a.size(); ++k) {
          const std::string text = r_.string(a[k], ctx + ".addresses[" + std::to_string(k) + "]");
          const auto ip = parse_ipv4(text);
          if (!ip)
            r_.fail(a[k], ctx + ".addresses[" + std::to_string(k) + "]: \"" + text +
                              "\" is not an IPv4 address; expected four numbers 0-255 such as 192.168.1.2");
          if (!seen.insert(*ip).second)
            r_.fail(a[k], "address " + text + " is listed twice in " + ctx + ".addresses; list each client once");
          group.addresses.push_back(*ip);
        }
        if (group.addresses.empty())
          r_.fail(a, ctx + ".addresses is empty; expected at least one address, or leave addresses out");
        if (population && *population != group.addresses.size())
          r_.fail(g["population"],
                  ctx + ".population is " + std::to_string(*population) + " but " +
                      std::to_string(group.addresses.size()) +
                      " addresses are listed; leave population out (a list sets it) or make them agree");
        return;
      }
      const std::string text = r_.string(a, ctx + ".addresses");
      const auto block = parse_cidr(text);
      if (!block)
        r_.fail(a, ctx + ".addresses must be a list of IPv4 addresses such as [192.168.1.2, 192.168.1.3] or a CIDR "
                         "block such as 10.1.0.0/16, got \"" + text + "\"");
      // The block's host addresses in order: without its network and broadcast addresses when it
      // has them (prefixes up to /30). Without a population, the whole block (at most 65536).
      const uint64_t block_size = uint64_t{1} << (32 - block->second);
      const uint64_t first_host = block->second <= 30 ? 1 : 0;
      const uint64_t hosts = block->second <= 30 ? block_size - 2 : block_size;
      const uint64_t n = population ? *population : std::min<uint64_t>(hosts, 65536);
      if (n > hosts)
        r_.fail(g["population"], ctx + ".population is " + std::to_string(n) + " but " + text + " has only " +
                                     std::to_string(hosts) +
                                     " host addresses; use a larger block or a smaller population");
      for (uint64_t k = 0; k < n; ++k) group.addresses.push_back(block->first + static_cast<uint32_t>(first_host + k));
      return;
    }
    group.addresses = generate_addresses(group.name, seed, population.value_or(1));
  }

  void read_arrivals(const YAML::Node& a, const std::string& ctx, models::ClientGroupConfig& group)
  {
    r_.require_map(a, ctx);
    r_.require_key(a, "process", ctx, "process: poisson");
    const std::string process = r_.one_of(a["process"], ctx + ".process",
                                          {"poisson", "constant", "bursty", "diurnal", "script", "trace", "closed"});
    models::ArrivalConfig& out = group.arrivals;
    if (process == "poisson" || process == "constant") {
      r_.check_keys(a, ctx, {"process", "rate"});
      r_.require_key(a, "rate", ctx, "rate: 100/s");
      out.process =
          process == "poisson" ? models::ArrivalConfig::Process::poisson : models::ArrivalConfig::Process::constant;
      out.rate_per_s = r_.rate_per_s(a["rate"], ctx + ".rate");
      return;
    }
    if (process == "script") {
      r_.check_keys(a, ctx, {"process", "requests"});
      r_.require_key(a, "requests", ctx, "requests: [{at: 0 s, client: 192.168.1.2}]");
      out.process = models::ArrivalConfig::Process::script;
      read_script(a["requests"], ctx + ".requests", group);
      return;
    }
    if (process == "bursty") {
      r_.check_keys(a, ctx, {"process", "rate_on", "rate_off", "mean_on", "mean_off"});
      for (const char* key : {"rate_on", "mean_on", "mean_off"})
        r_.require_key(a, key, ctx, "rate_on: 500/s, rate_off: 50/s, mean_on: 10 s, mean_off: 50 s");
      out.process = models::ArrivalConfig::Process::bursty;
      models::BurstyConfig& b = out.bursty;
      b.rate_on_per_s = r_.rate_per_s(a["rate_on"], ctx + ".rate_on", true);
      if (a["rate_off"]) b.rate_off_per_s = r_.rate_per_s(a["rate_off"], ctx + ".rate_off", true);
      if (!(b.rate_on_per_s > 0) && !(b.rate_off_per_s > 0))
        r_.fail(a["rate_on"], ctx + ": rate_on and rate_off are both 0, so no request would ever arrive; give rate_on "
                                    "a rate such as 500/s");
      b.mean_on = SimTime::from_ns(r_.time_ns(a["mean_on"], ctx + ".mean_on", false));
      b.mean_off = SimTime::from_ns(r_.time_ns(a["mean_off"], ctx + ".mean_off", false));
      return;
    }
    if (process == "diurnal") {
      r_.check_keys(a, ctx, {"process", "mean_rate", "peak_rate", "period"});
      for (const char* key : {"mean_rate", "peak_rate"})
        r_.require_key(a, key, ctx, "mean_rate: 100/s, peak_rate: 180/s, period: 1 d");
      out.process = models::ArrivalConfig::Process::diurnal;
      models::DiurnalConfig& d = out.diurnal;
      d.mean_rate_per_s = r_.rate_per_s(a["mean_rate"], ctx + ".mean_rate");
      d.peak_rate_per_s = r_.rate_per_s(a["peak_rate"], ctx + ".peak_rate");
      if (!(d.mean_rate_per_s > 0)) r_.fail(a["mean_rate"], ctx + ".mean_rate must be more than 0, e.g. 100/s");
      if (d.peak_rate_per_s < d.mean_rate_per_s)
        r_.fail(a["peak_rate"], ctx + ".peak_rate is below mean_rate; the peak of a daily curve is at least its mean");
      d.period = a["period"] ? SimTime::from_ns(r_.time_ns(a["period"], ctx + ".period", false)) : engine::hours(24);
      return;
    }
    if (process == "trace") {
      r_.check_keys(a, ctx, {"process", "file"});
      r_.require_key(a, "file", ctx, "file: requests.csv");
      out.process = models::ArrivalConfig::Process::trace;
      trace_rows_ = read_trace_file(a["file"], ctx + ".file", base_dir_, r_);
      trace_ctx_ = ctx;
      trace_referrer_ = trace_referrer(a["file"], ctx + ".file", r_);
      return;
    }
    r_.fail(a["process"], "arrival process \"closed\" is part of the scenario format but not implemented in this version "
                          "of lbsim yet (available: poisson, constant, bursty, diurnal, script, trace)");
  }

  // The trace's rows become scripted arrivals once the mix is known: each row's method and path
  // name a request type; its client joins the group's addresses (or must be among listed ones).
  void resolve_trace(models::ClientGroupConfig& group)
  {
    const std::string group_ctx = trace_ctx_.substr(0, trace_ctx_.find(".arrivals"));
    const bool listed = group_has_explicit_addresses_;
    std::map<uint32_t, uint32_t> index_of;
    if (listed)
      for (uint32_t k = 0; k < group.addresses.size(); ++k) index_of[group.addresses[k]] = k;
    std::vector<uint32_t> seen_addresses;
    group.arrivals.script.reserve(trace_rows_.size());
    for (const TraceRow& row : trace_rows_) {
      models::ScriptedArrival arrival;
      arrival.at = row.at;
      auto it = index_of.find(row.address);
      if (it == index_of.end()) {
        if (listed)
          throw ScenarioError(row.type_at, "this client is not among " + group_ctx + ".addresses; add it there or "
                                           "leave addresses out (the trace sets them)" + trace_referrer_);
        it = index_of.emplace(row.address, static_cast<uint32_t>(seen_addresses.size())).first;
        seen_addresses.push_back(row.address);
      }
      arrival.client = it->second;
      if (!row.method.empty()) {
        for (size_t t = 0; t < group.mix.size() && arrival.type < 0; ++t)
          if (group.mix[t].method == row.method && group.mix[t].path == row.path) arrival.type = static_cast<int32_t>(t);
        if (arrival.type < 0)
          throw ScenarioError(row.type_at, "the request " + row.method + " " + row.path + " matches no request type of " +
                                               group_ctx + ".mix (same method and path); add it to the mix" + trace_referrer_);
      }
      group.arrivals.script.push_back(arrival);
    }
    if (!listed) {
      if (group_population_ && group.addresses.size() != seen_addresses.size())
        r_.fail(*group_population_, group_ctx + ".population is " + std::to_string(group.addresses.size()) +
                                        " but the trace's requests come from " + std::to_string(seen_addresses.size()) +
                                        " distinct clients; leave population out (the trace sets it) or make them agree");
      group.addresses = std::move(seen_addresses);
    }
    trace_rows_.clear();
  }

  void read_script(const YAML::Node& list, const std::string& ctx, models::ClientGroupConfig& group)
  {
    r_.require_sequence(list, ctx);
    if (list.size() == 0)
      r_.fail(list, ctx + " is empty; expected at least one scripted request, e.g. - {at: 0 s, client: 192.168.1.2}");
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
      r_.require_key(item, "at", ictx, "at: 1.5 s");
      models::ScriptedArrival arrival;
      arrival.at = SimTime::from_ns(r_.time_ns(item["at"], ictx + ".at", true));
      if (arrival.at < previous)
        r_.fail(item["at"],
                ictx + ".at goes back in time (the request before is later); list scripted requests in time order");
      previous = arrival.at;
      if (item["client"]) {
        const std::string text = r_.string(item["client"], ictx + ".client");
        const auto ip = parse_ipv4(text);
        if (!ip)
          r_.fail(item["client"], ictx + ".client: \"" + text +
                                      "\" is not an IPv4 address; expected four numbers 0-255 such as 192.168.1.2");
        auto it = index_of.find(*ip);
        if (it == index_of.end()) {
          if (listed) r_.fail(item["client"], "client " + text + " is not among the group's addresses; add it to " +
                                                  ctx.substr(0, ctx.find(".arrivals")) + ".addresses");
          it = index_of.emplace(*ip, static_cast<uint32_t>(index_of.size())).first;
          script_addresses.push_back(*ip);
        }
        arrival.client = it->second;
      }
      group.arrivals.script.push_back(arrival);
    }
    if (!listed) {
      // The script names the clients; a population, if given, must agree (it is not silently dropped).
      if (group_population_ && !script_addresses.empty() && generated.size() != script_addresses.size())
        r_.fail(*group_population_,
                ctx.substr(0, ctx.find(".arrivals")) + ".population is " + std::to_string(generated.size()) +
                    " but the script's requests come from " + std::to_string(script_addresses.size()) +
                    " distinct clients; leave population out (the script sets it) or make them agree");
      group.addresses = script_addresses;
      if (group.addresses.empty()) group.addresses.push_back(generated.front());
    }
  }

  void read_mix(const YAML::Node& list, const std::string& ctx, models::ClientGroupConfig& group)
  {
    r_.require_sequence(list, ctx);
    if (list.size() == 0)
      r_.fail(list, ctx + " is empty; expected at least one request type, e.g. - {method: GET, path: /, work: 5 ms}");
    size_t with_share = 0;
    double total = 0;
    for (size_t k = 0; k < list.size(); ++k) {
      const YAML::Node t = list[k];
      const std::string tctx = ctx + "[" + std::to_string(k) + "]";
      r_.require_map(t, tctx);
      r_.check_keys(t, tctx, {"method", "path", "share", "request_size", "response_size", "work"});
      r_.require_key(t, "work", tctx, "work: 5 ms, the service demand at speed 1.0");
      models::RequestType type;
      if (t["method"]) type.method = r_.string(t["method"], tctx + ".method");
      if (t["path"]) type.path = r_.string(t["path"], tctx + ".path");
      if (t["share"]) {
        type.share = r_.positive_number(t["share"], tctx + ".share", 1,
                                        "a share is the fraction of the group's requests of this type");
        ++with_share;
        total += type.share;
      }
      if (t["request_size"]) type.request_bytes = r_.size_bytes(t["request_size"], tctx + ".request_size");
      if (t["response_size"]) type.response_bytes = r_.size_bytes(t["response_size"], tctx + ".response_size");
      type.work = read_time_distribution(t["work"], tctx + ".work", r_, base_dir_);
      group.mix.push_back(std::move(type));
    }
    if (with_share != 0 && with_share != list.size())
      r_.fail(list, ctx + ": " + std::to_string(with_share) + " of " + std::to_string(list.size()) +
                        " request types have a share; give every request type a share, or none (equal shares)");
    if (with_share == 0) {
      for (auto& type : group.mix) type.share = 1.0 / static_cast<double>(group.mix.size());
    } else if (std::abs(total - 1.0) > 1e-6) {
      char buffer[160];
      std::snprintf(buffer, sizeof buffer, ": the shares add up to %.6g; they must add up to 1", total);
      r_.fail(list, ctx + buffer);
    }
  }

  void read_servers(const YAML::Node& node, models::SystemConfig& c)
  {
    r_.require_sequence(node, "servers");
    if (node.size() == 0) r_.fail(node, "servers is empty; expected at least one server, e.g. - {name: web}");
    std::map<std::string, std::string> made_by;  // server name -> the group whose count made it ("" if none)
    for (size_t i = 0; i < node.size(); ++i) {
      const YAML::Node s = node[i];
      const std::string ctx = "servers[" + std::to_string(i) + "]";
      r_.require_map(s, ctx);
      r_.check_keys(s, ctx,
                    {"name", "count", "cores", "speed", "weight", "queue_limit", "discipline", "size", "price", "failures"});
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
      if (s["speed"]) base.speed = r_.positive_number(s["speed"], ctx + ".speed", 1e9, kSpeedHint);
      if (s["weight"]) base.weight = static_cast<int>(r_.integer(s["weight"], ctx + ".weight", 1, 1000000));
      if (s["queue_limit"])
        base.queue_limit = static_cast<uint64_t>(r_.integer(s["queue_limit"], ctx + ".queue_limit", 0, INT64_MAX));
      if (s["discipline"]) {
        const std::string d = r_.one_of(s["discipline"], ctx + ".discipline", {"fifo", "processor_sharing"});
        if (d != "fifo")
          r_.fail(s["discipline"],
                  "discipline \"processor_sharing\" is part of the scenario format but not implemented "
                  "in this version of lbsim yet (available: fifo)");
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
      const int64_t count = s["count"] ? r_.integer(s["count"], ctx + ".count", 1, 100000) : 1;
      base.group = base.name;
      for (int64_t k = 1; k <= count; ++k) {
        models::ServerConfig server = base;
        if (s["count"]) server.name = base.name + "-" + std::to_string(k);
        const auto [earlier, fresh] = made_by.emplace(server.name, s["count"] ? base.name : std::string{});
        if (!fresh) {
          std::string message = "two servers are named \"" + server.name + "\"";
          const std::string& group = s["count"] ? base.name : earlier->second;
          if (!group.empty())
            message += " (a group \"" + group + "\" with a count makes " + group + "-1, " + group + "-2, ...)";
          r_.fail(s["name"], message + "; give each server or group its own name");
        }
        c.services.front().servers.push_back(server);
        server_nodes_.push_back(s["name"]);
      }
    }
  }

  // A balancer key that only some algorithms read: an error for the others, never silently ignored.
  void require_algorithm(const YAML::Node& node, const char* key, const std::string& algorithm,
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

  models::BalancerConfig read_balancer(const YAML::Node& b)
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
  void read_balancer_station(const YAML::Node& b, models::BalancerConfig& config)
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

  // The network section (docs/network.md). Node names: the client regions, `nodes` (transit
  // nodes), the balancer, each server, each group (standing for every server of the group) and
  // `servers` (every server). A link to a group or to `servers` becomes one link per server, each
  // with the link's values: every server has its own access link.
  void read_network(const YAML::Node& n, models::SystemConfig& c)
  {
    net_node_.emplace(n);
    r_.require_map(n, "network");
    r_.check_keys(n, "network", {"links", "tcp_window", "mss", "nodes"});
    r_.require_key(n, "links", "network", "links: [{between: [clients, lb], bandwidth: 1 Gbps, latency: 20 ms}]");
    models::NetworkConfig net;
    if (const YAML::Node w = n["tcp_window"]) {
      net.tcp_window_bytes = r_.size_bytes(w, "network.tcp_window");
      if (!(net.tcp_window_bytes > 0))
        r_.fail(w, "network.tcp_window must be greater than zero; leave it out for no window bound");
    }
    if (const YAML::Node m = n["mss"]) {
      net.mss_bytes = r_.size_bytes(m, "network.mss");
      if (!(net.mss_bytes > 0)) r_.fail(m, "network.mss must be greater than zero (e.g. 1460 B)");
    }

    std::map<std::string, NodeName> names;
    std::vector<std::string> regions;
    auto clash = [&](const YAML::Node& at, const std::string& name, const std::string& kind) {
      const auto it = names.find(name);
      if (it == names.end()) return;
      r_.fail(at, kind + " \"" + name + "\" has the name of " + it->second.kind +
                      "; every node of the network needs its own name");
    };
    if (c.services.front().balancer) names[c.services.front().balancer->name] = {"the balancer", {c.services.front().balancer->name}, false};
    for (size_t i = 0; i < c.services.front().servers.size(); ++i) {
      const std::string& name = c.services.front().servers[i].name;
      if (name == "servers")
        r_.fail(server_nodes_[i], "a server named \"servers\" clashes with the network's name for every server; "
                                  "rename it");
      clash(server_nodes_[i], name, "server");
      names[name] = {"a server", {name}, false};
    }
    for (size_t i = 0; i < c.services.front().servers.size(); ++i) {
      const models::ServerConfig& server = c.services.front().servers[i];
      if (server.group.empty() || server.group == server.name) continue;
      if (server.group == "servers")
        r_.fail(server_nodes_[i], "a server group named \"servers\" clashes with the network's name for every "
                                  "server; rename it");
      const auto it = names.find(server.group);
      if (it != names.end() && it->second.kind != "a server group")
        clash(server_nodes_[i], server.group, "server group");
      NodeName& group = names[server.group];
      group.kind = "a server group";
      group.many = true;
      group.members.push_back(server.name);
    }
    names["servers"] = {"every server", {}, true};
    for (const models::ServerConfig& server : c.services.front().servers) names["servers"].members.push_back(server.name);
    for (size_t i = 0; i < c.clients.size(); ++i) {
      const std::string& region = c.clients[i].region;
      const auto it = names.find(region);
      if (it != names.end() && it->second.kind == "a client region") continue;
      clash(region_nodes_[i], region, "client region");
      names[region] = {"a client region", {region}, false};
      regions.push_back(region);
    }
    std::vector<std::string> transit;
    if (const YAML::Node list = n["nodes"]) {
      r_.require_sequence(list, "network.nodes");
      for (size_t k = 0; k < list.size(); ++k) {
        const std::string name = r_.string(list[k], "network.nodes[" + std::to_string(k) + "]");
        clash(list[k], name, "network node");
        names[name] = {"a transit node", {name}, false};
        transit.push_back(name);
      }
    }
    net.nodes = regions;
    net.nodes.insert(net.nodes.end(), transit.begin(), transit.end());
    if (c.services.front().balancer) net.nodes.push_back(c.services.front().balancer->name);
    for (const models::ServerConfig& server : c.services.front().servers) net.nodes.push_back(server.name);

    std::vector<std::string> candidates;
    for (const auto& entry : names) candidates.push_back(entry.first);
    const YAML::Node links = n["links"];
    r_.require_sequence(links, "network.links");
    if (links.size() == 0)
      r_.fail(links, "network.links is empty; expected at least one link, e.g. - {between: [clients, lb], bandwidth: "
                     "1 Gbps, latency: 20 ms}");
    for (size_t i = 0; i < links.size(); ++i) {
      const YAML::Node l = links[i];
      const std::string ctx = "network.links[" + std::to_string(i) + "]";
      r_.require_map(l, ctx);
      if (l["tcp_window"])
        for (const auto& entry : l)
          if (entry.first.Scalar() == "tcp_window")
            r_.fail(entry.first, "tcp_window belongs to the whole network (network.tcp_window), not to one link: a "
                                 "window is a property of the connection's end points, and it bounds every transfer "
                                 "to window / round-trip time");
      r_.check_keys(l, ctx, {"between", "bandwidth", "latency", "loss"});
      r_.require_key(l, "between", ctx, "between: [clients, lb]");
      r_.require_key(l, "bandwidth", ctx, "bandwidth: 1 Gbps");
      const YAML::Node between = l["between"];
      r_.require_sequence(between, ctx + ".between");
      if (between.size() != 2)
        r_.fail(between, ctx + ".between must name exactly two nodes, e.g. [tokyo, lb], got " +
                             std::to_string(between.size()));
      const NodeName* ends[2];
      std::string end_names[2];
      for (size_t k = 0; k < 2; ++k) {
        end_names[k] = r_.string(between[k], ctx + ".between[" + std::to_string(k) + "]");
        const auto it = names.find(end_names[k]);
        if (it == names.end()) r_.fail(between[k], unknown_node_message(end_names[k], ctx, names, candidates));
        ends[k] = &it->second;
      }
      if (ends[0]->many && ends[1]->many)
        r_.fail(between, ctx + " joins \"" + end_names[0] + "\" and \"" + end_names[1] +
                             "\", which both stand for several servers; a link joins one node to one node, or a "
                             "group (or servers) to one node, giving each server its own link");
      models::NetworkLink link;
      link.bandwidth_bps = r_.bandwidth_bps(l["bandwidth"], ctx + ".bandwidth");
      if (l["latency"]) link.latency = SimTime::from_ns(r_.time_ns(l["latency"], ctx + ".latency", true));
      if (l["loss"]) {
        link.loss = r_.fraction(l["loss"], ctx + ".loss");
        if (link.loss >= 1) r_.fail(l["loss"], ctx + ".loss must be below 1 (100%): nothing would get through");
      }
      for (const std::string& a : ends[0]->members)
        for (const std::string& b : ends[1]->members) {
          if (a == b) r_.fail(between, ctx + " joins \"" + a + "\" to itself; a link joins two different nodes");
          link.a = a;
          link.b = b;
          net.links.push_back(link);
        }
    }
    check_reachable(net, c);
    c.network = std::move(net);
  }

  // "unknown network node "tokio" in network.links[0].between; did you mean "tokyo"?", or the
  // names it could be.
  static std::string unknown_node_message(const std::string& name, const std::string& ctx,
                                          const std::map<std::string, NodeName>& names,
                                          const std::vector<std::string>& candidates)
  {
    std::string message = "unknown network node \"" + name + "\" in " + ctx + ".between";
    const std::string hint = did_you_mean(name, candidates);
    if (!hint.empty()) return message + hint;
    std::map<std::string, std::vector<std::string>> by_kind;
    for (const auto& [node, what] : names) by_kind[what.kind].push_back(node);
    message += "; a node is a client region, a transit node of network.nodes, the balancer, a server, a server "
               "group or servers (every server). Here:";
    const char* separator = " ";
    for (const char* kind : {"a client region", "a transit node", "the balancer", "a server", "a server group",
                             "every server"}) {
      const auto it = by_kind.find(kind);
      if (it == by_kind.end()) continue;
      std::string list;
      for (size_t k = 0; k < it->second.size() && k < 8; ++k) list += (k ? ", " : "") + it->second[k];
      if (it->second.size() > 8) list += ", ...";
      message += separator + list;
      separator = "; ";
    }
    return message;
  }

  // Every client region must reach the balancer (or the only server), and the balancer every
  // server; the error points at the region or the server that cannot be reached.
  void check_reachable(const models::NetworkConfig& net, const models::SystemConfig& c) const
  {
    std::vector<models::LinkSpec> specs;
    for (const models::NetworkLink& l : net.links) specs.push_back({l.a, l.b, l.bandwidth_bps, l.latency, l.loss});
    std::optional<models::Topology> built;
    try {
      built.emplace(net.nodes, specs);
    } catch (const std::invalid_argument& e) {  // the checks above should leave nothing for it to refuse
      r_.fail(*net_node_, std::string("network: ") + e.what());
    }
    const models::Topology& topology = *built;
    const std::string entry = c.services.front().balancer ? c.services.front().balancer->name : c.services.front().servers.front().name;
    const std::string entry_what = c.services.front().balancer ? "the balancer \"" + entry + "\"" : "the server \"" + entry + "\"";
    const std::vector<models::RouteResult> routes = topology.routes_from(*topology.find_node(entry));
    for (size_t i = 0; i < c.clients.size(); ++i) {
      const std::string& region = c.clients[i].region;
      if (routes[*topology.find_node(region)].ok()) continue;
      const std::string ctx = "clients[" + std::to_string(i) + "]";
      std::string message = "client region \"" + region + "\" of " + ctx + " has no network path to " + entry_what;
      if (region_nodes_[i].IsMap())
        message += " (" + ctx + " has no region, so it is in \"clients\"; set " + ctx + ".region)";
      message += "; add a link that joins it, e.g. - {between: [" + region + ", " + entry +
                 "], bandwidth: 1 Gbps, latency: 20 ms}";
      r_.fail(region_nodes_[i], message);
    }
    if (!c.services.front().balancer) return;
    for (size_t i = 0; i < c.services.front().servers.size(); ++i) {
      const std::string& name = c.services.front().servers[i].name;
      if (routes[*topology.find_node(name)].ok()) continue;
      r_.fail(server_nodes_[i], "server \"" + name + "\" has no network path from " + entry_what +
                                    "; add a link that joins it, e.g. - {between: [" + entry + ", " +
                                    (c.services.front().servers[i].group.empty() ? name : c.services.front().servers[i].group) +
                                    "], bandwidth: 10 Gbps, latency: 0.5 ms}, or to servers for every server");
    }
  }

  // A name from `names` (with a did-you-mean), for timeline and autoscaling targets.
  std::string name_among(const YAML::Node& node, const std::string& what, const std::set<std::string>& names,
                         const std::string& kind) const
  {
    return r_.one_of(node, what + " (" + kind + ")", std::vector<std::string>(names.begin(), names.end()));
  }

  // Adding and removing servers changes the pool; with a network, an added server gets the links
  // of its group's first server.
  void require_dynamic_fleet(const YAML::Node& node, const std::string& what, const models::SystemConfig& c) const
  {
    if (!c.services.front().balancer)
      r_.fail(node, what + " adds or removes servers, which needs a \"balancer\" in front of them");
  }

  void read_timeline(const YAML::Node& list, models::SystemConfig& c)
  {
    r_.require_sequence(list, "timeline");
    std::set<std::string> servers, groups, clients;
    for (const auto& s : c.services.front().servers) servers.insert(s.name), groups.insert(s.group);
    for (const auto& g : c.clients) clients.insert(g.name);
    int max_cores = 0;
    double max_speed = 0;
    for (const auto& [name, size] : sizes_) max_cores = std::max(max_cores, size.cores), max_speed = std::max(max_speed, size.speed);
    for (size_t i = 0; i < list.size(); ++i) {
      const YAML::Node e = list[i];
      const std::string ctx = "timeline[" + std::to_string(i) + "]";
      r_.require_map(e, ctx);
      r_.check_keys(e, ctx, {"at", "resize", "fail", "recover", "add", "remove", "rate", "size", "cores", "speed",
                             "price", "downtime", "count", "provisioning_delay", "clients"});
      r_.require_key(e, "at", ctx, "at: 5 min");
      models::TimelineAction a;
      a.at = SimTime::from_ns(r_.time_ns(e["at"], ctx + ".at", true));
      std::vector<std::string> actions;
      for (const char* k : {"resize", "fail", "recover", "add", "remove", "rate"})
        if (e[k]) actions.push_back(k);
      if (actions.size() != 1)
        r_.fail(e, ctx + " must have exactly one action (resize, fail, recover, add, remove or rate), got " +
                       (actions.empty() ? std::string("none") : std::to_string(actions.size())));
      const std::string action = actions.front();
      // Keys that belong to another action are errors, never silently ignored.
      const std::map<std::string, std::set<std::string>> allowed = {
          {"resize", {"size", "cores", "speed", "price", "downtime"}},
          {"fail", {}},
          {"recover", {}},
          {"add", {"count", "provisioning_delay"}},
          {"remove", {"count"}},
          {"rate", {"clients"}}};
      for (const auto& entry : e) {
        const std::string key = entry.first.Scalar();
        if (key == "at" || key == action) continue;
        if (!allowed.at(action).count(key))
          r_.fail(entry.first, "\"" + key + "\" does not apply to a " + action + " in " + ctx + "; remove it");
      }
      const YAML::Node target = e[action];
      if (action == "fail" || action == "recover") {
        a.kind = action == "fail" ? models::TimelineAction::Kind::fail : models::TimelineAction::Kind::recover;
        a.target = name_among(target, ctx + "." + action, servers, "a server");
      } else if (action == "add" || action == "remove") {
        a.kind = action == "add" ? models::TimelineAction::Kind::add : models::TimelineAction::Kind::remove;
        a.target = name_among(target, ctx + "." + action, groups, "a server group");
        require_dynamic_fleet(target, ctx + "." + action, c);
        if (e["count"]) a.count = static_cast<int>(r_.integer(e["count"], ctx + ".count", 1, 100000));
        if (e["provisioning_delay"])
          a.provisioning_delay = read_time_distribution(e["provisioning_delay"], ctx + ".provisioning_delay", r_, base_dir_);
      } else if (action == "rate") {
        a.kind = models::TimelineAction::Kind::rate;
        a.rate_per_s = r_.rate_per_s(target, ctx + ".rate");
        r_.require_key(e, "clients", ctx, "clients: users (the client group whose rate changes)");
        a.target = name_among(e["clients"], ctx + ".clients", clients, "a client group");
        for (const auto& g : c.clients)
          if (g.name == a.target && g.arrivals.scripted())
            r_.fail(e["clients"], "client group \"" + a.target + "\" sends a script or a trace, which has no rate to change");
      } else {
        a.kind = models::TimelineAction::Kind::resize;
        a.target = name_among(target, ctx + ".resize", servers, "a server");
        const models::ServerConfig* server = nullptr;
        for (const auto& s : c.services.front().servers)
          if (s.name == a.target) server = &s;
        a.cores = server->cores;
        a.speed = server->speed;
        a.price_per_hour = server->price_per_hour;
        if (!e["size"] && !e["cores"] && !e["speed"])
          r_.fail(e, ctx + " resizes to nothing; give size (a name from sizes) or cores and/or speed");
        if (e["size"]) {
          if (e["cores"] || e["speed"])
            r_.fail(e["cores"] ? e["cores"] : e["speed"], ctx + ": give either size or cores/speed, not both");
          if (sizes_.empty()) r_.fail(e["size"], ctx + ".size needs a \"sizes\" catalog at the top of the scenario");
          a.size = r_.one_of(e["size"], ctx + ".size", size_names_);
          a.cores = sizes_[a.size].cores;
          a.speed = sizes_[a.size].speed;
          a.price_per_hour = sizes_[a.size].price;
        } else {
          if (e["cores"]) a.cores = static_cast<int>(r_.integer(e["cores"], ctx + ".cores", 1, 1 << 20));
          if (e["speed"]) a.speed = r_.positive_number(e["speed"], ctx + ".speed", 1e9, kSpeedHint);
          // The vertical ceiling: no machine larger than the catalog's largest size.
          if (!sizes_.empty() && (a.cores > max_cores || a.speed > max_speed)) {
            const bool cores = a.cores > max_cores;
            r_.fail(cores ? e["cores"] : e["speed"],
                    ctx + " resizes " + a.target + " beyond the largest size in the catalog (" +
                        std::to_string(max_cores) + " cores, speed " + format_number(max_speed) +
                        "): vertical scaling has a ceiling; scale out instead (add)");
          }
          a.size.clear();
          // Priced as the cheapest catalog size that holds it, unless a price is given.
          double best = -1;
          for (const auto& [name, size] : sizes_)
            if (size.cores >= a.cores && size.speed >= a.speed && (best < 0 || size.price < best)) best = size.price;
          if (best >= 0) a.price_per_hour = best;
        }
        if (e["price"]) a.price_per_hour = r_.price_per_hour(e["price"], ctx + ".price");
        if (e["downtime"]) a.downtime = SimTime::from_ns(r_.time_ns(e["downtime"], ctx + ".downtime", true));
      }
      c.timeline.push_back(std::move(a));
    }
    std::stable_sort(c.timeline.begin(), c.timeline.end(),
                     [](const models::TimelineAction& x, const models::TimelineAction& y) { return x.at < y.at; });
  }

  void read_autoscaling(const YAML::Node& n, models::SystemConfig& c)
  {
    const std::string ctx = "autoscaling";
    r_.require_map(n, ctx);
    r_.check_keys(n, ctx, {"group", "metric", "target", "min", "max", "period", "window", "cooldown",
                           "provisioning_delay", "stabilization", "tolerance", "policy", "steps"});
    r_.require_key(n, "group", ctx, "group: web");
    std::set<std::string> groups;
    for (const auto& s : c.services.front().servers) groups.insert(s.group);
    models::AutoscalingConfig a;
    a.group = name_among(n["group"], ctx + ".group", groups, "a server group");
    require_dynamic_fleet(n["group"], ctx, c);
    using Metric = models::AutoscalingConfig::Metric;
    if (n["metric"]) {
      const std::string m = r_.one_of(n["metric"], ctx + ".metric",
                                      {"utilization", "queue_length", "latency_p99", "requests_per_server"});
      a.metric = m == "utilization" ? Metric::utilization
                 : m == "queue_length" ? Metric::queue_length
                 : m == "latency_p99" ? Metric::latency_p99
                                      : Metric::requests_per_server;
    }
    if (n["policy"])
      a.policy = r_.one_of(n["policy"], ctx + ".policy", {"target_tracking", "step"}) == "step"
                     ? models::AutoscalingConfig::Policy::step
                     : models::AutoscalingConfig::Policy::target_tracking;
    const bool step = a.policy == models::AutoscalingConfig::Policy::step;
    // The metric's unit decides how a threshold reads: a fraction, a count, a time or a rate.
    auto threshold = [&](const YAML::Node& v, const std::string& what) -> double {
      switch (a.metric) {
        case Metric::utilization: {
          const double f = r_.fraction(v, what);
          if (f <= 0) r_.fail(v, what + " must be above 0 (a utilization such as 0.6 or 60%)");
          return f;
        }
        case Metric::queue_length: return r_.number(v, what, 0, 1e12);
        case Metric::latency_p99: return static_cast<double>(r_.time_ns(v, what, false)) * 1e-9;
        case Metric::requests_per_server: {
          const std::string text = v.IsScalar() ? v.Scalar() : std::string{};
          if (text.find('/') != std::string::npos) return r_.rate_per_s(v, what);
          return r_.positive_number(v, what, 1e12, "requests per second per server, e.g. 100/s");
        }
      }
      return 0;
    };
    if (step) {
      r_.require_key(n, "steps", ctx, "steps: [{above: 0.8, change: 2}, {below: 0.3, change: -1}]");
      if (n["target"]) r_.fail(n["target"], "autoscaling.target belongs to policy target_tracking; a step policy "
                                            "scales by its steps (remove target)");
      const YAML::Node list = n["steps"];
      r_.require_sequence(list, ctx + ".steps");
      if (list.size() == 0) r_.fail(list, ctx + ".steps is empty; expected e.g. - {above: 0.8, change: 2}");
      for (size_t k = 0; k < list.size(); ++k) {
        const YAML::Node st = list[k];
        const std::string sctx = ctx + ".steps[" + std::to_string(k) + "]";
        r_.require_map(st, sctx);
        r_.check_keys(st, sctx, {"above", "below", "change"});
        r_.require_key(st, "change", sctx, "change: 2 (servers to add; negative to remove)");
        if (static_cast<bool>(st["above"]) == static_cast<bool>(st["below"]))
          r_.fail(st, sctx + " needs exactly one of above or below (the metric threshold)");
        models::ScalingStep out;
        if (st["above"]) out.above = threshold(st["above"], sctx + ".above");
        if (st["below"]) out.below = threshold(st["below"], sctx + ".below");
        out.change = static_cast<int>(r_.integer(st["change"], sctx + ".change", -100000, 100000));
        if (out.change == 0) r_.fail(st["change"], sctx + ".change is 0; a step changes the group by some servers");
        a.steps.push_back(out);
      }
    } else {
      if (n["steps"]) r_.fail(n["steps"], "autoscaling.steps belong to policy: step; add it or remove steps");
      r_.require_key(n, "target", ctx, "target: 0.6");
      a.target = threshold(n["target"], ctx + ".target");
      if (a.target <= 0) r_.fail(n["target"], ctx + ".target must be above 0");
    }
    if (n["min"]) a.min = static_cast<int>(r_.integer(n["min"], ctx + ".min", 0, 100000));
    if (n["max"]) a.max = static_cast<int>(r_.integer(n["max"], ctx + ".max", 1, 100000));
    if (a.max < a.min)
      r_.fail(n["max"] ? n["max"] : n, ctx + ".max (" + std::to_string(a.max) + ") is below min (" +
                                           std::to_string(a.min) + ")");
    auto time = [&](const char* key, SimTime& out, bool zero) {
      if (n[key]) out = SimTime::from_ns(r_.time_ns(n[key], ctx + "." + key, zero));
    };
    time("period", a.period, false);
    time("window", a.window, false);
    time("cooldown", a.cooldown, true);
    time("stabilization", a.stabilization, true);
    if (n["tolerance"]) a.tolerance = r_.fraction(n["tolerance"], ctx + ".tolerance");
    if (n["provisioning_delay"])
      a.provisioning_delay = read_time_distribution(n["provisioning_delay"], ctx + ".provisioning_delay", r_, base_dir_);
    c.autoscaling = std::move(a);
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
        if (v <= 0 || v >= 100)
          r_.fail(p[k], "metrics.percentiles[" + std::to_string(k) + "] must be strictly between 0 and 100, got " +
                            p[k].Scalar());
        out.percentiles.push_back(v);
      }
    }
    if (const YAML::Node slo = m["slo"]) {
      r_.require_map(slo, "metrics.slo");
      r_.check_keys(slo, "metrics.slo", {"p99"}, {"p50", "p90", "p95", "p999"});
      if (slo["p99"]) out.slo_p99 = SimTime::from_ns(r_.time_ns(slo["p99"], "metrics.slo.p99", false));
    }
  }

  YamlReader& r_;
  std::string base_dir_;
  std::vector<TraceRow> trace_rows_;  // of the client group being read, until its mix is known
  std::string trace_ctx_, trace_referrer_;
  std::map<std::string, SizeEntry> sizes_;
  std::vector<std::string> size_names_;
  bool group_has_explicit_addresses_ = false;
  std::optional<YAML::Node> group_population_;  // the group's `population` node, if any
  std::vector<YAML::Node> region_nodes_;  // per client group: its `region` (or the group, without one)
  std::vector<YAML::Node> server_nodes_;  // per server: the `name` of its entry
  std::optional<YAML::Node> net_node_;    // the network section
};

// The innermost '{' or '[' still open at `pos` (outside quotes and comments), as "line L, column C".
std::string unclosed_bracket(const std::string& text, size_t pos, char open)
{
  struct Opened {
    char c;
    int line, column;
  };
  std::vector<Opened> stack;
  int line = 1, column = 1;
  char quote = 0;
  bool comment = false;
  for (size_t i = 0; i < text.size() && i < pos; ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      column = 1;
      comment = false;
      continue;
    }
    if (!comment) {
      if (quote != 0) {
        if (c == quote) quote = 0;
      } else if (c == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t')) {
        comment = true;
      } else if ((c == '"' || c == '\'') &&
                 (i == 0 || std::string_view(" \t[{,:").find(text[i - 1]) != std::string_view::npos)) {
        quote = c;
      } else if (c == '{' || c == '[') {
        stack.push_back({c, line, column});
      } else if ((c == '}' || c == ']') && !stack.empty()) {
        stack.pop_back();
      }
    }
    ++column;
  }
  for (auto it = stack.rbegin(); it != stack.rend(); ++it)
    if (it->c == open) return "line " + std::to_string(it->line) + ", column " + std::to_string(it->column);
  return {};
}

// What to look for after a yaml-cpp syntax error (its messages say what it found, not why).
std::string syntax_hint(const std::string& msg, const std::string& text, const YAML::Mark& mark)
{
  // The line of the error: tabs in its indentation are the usual cause of block errors.
  size_t line_start = 0;
  for (int l = 0; l < mark.line && line_start != std::string::npos; ++l) {
    line_start = text.find('\n', line_start);
    if (line_start != std::string::npos) ++line_start;
  }
  if (line_start != std::string::npos && line_start < text.size()) {
    const size_t indent_end = text.find_first_not_of(" \t", line_start);
    if (text.find('\t', line_start) < std::min(indent_end, text.size()))
      return "indent with spaces; YAML does not allow tabs for indentation";
  }
  const size_t pos = mark.pos < 0 ? text.size() : static_cast<size_t>(mark.pos);
  for (const auto& [kind, open, close] : {std::tuple<const char*, char, const char*>{"map flow", '{', "'}'"},
                                          std::tuple<const char*, char, const char*>{"sequence flow", '[', "']'"}}) {
    if (msg.find(kind) == std::string::npos) continue;
    std::string hint = std::string("expected a ") + close + " closing the '" + open + "'";
    const std::string opened = unclosed_bracket(text, pos, open);
    if (!opened.empty()) hint += " opened at " + opened;
    return hint;
  }
  if (msg.find("tab") != std::string::npos) return "indent with spaces; YAML does not allow tabs for indentation";
  if (msg.find("illegal map value") != std::string::npos)
    return "expected one \"key: value\" per line; quote text that contains \": \"";
  if (msg.find("end of map not found") != std::string::npos ||
      msg.find("end of sequence not found") != std::string::npos)
    return "expected consistent indentation: the keys of one mapping, and the \"- \" of one list, line up";
  if (msg.find("quote") != std::string::npos || msg.find("end of") != std::string::npos)
    return "expected the closing quote or bracket of the text that starts here";
  return "expected valid YAML: check the indentation, quotes and brackets here and on the line before";
}

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
    throw ScenarioError(loc, "YAML syntax error: " + e.msg + "; " + syntax_hint(e.msg, text, e.mark));
  }
  if (!root || root.IsNull())
    throw ScenarioError(
        SourceLocation{file, 1, 1, {}},
        "the scenario file is empty; expected a scenario with at least name, duration, clients and servers");
  apply_overrides(root, overrides, reader);
  reader.set_document(root);
  ScenarioLoader loader(reader, base_dir);
  return loader.load(root);
}

models::SystemConfig load_scenario_file(const std::string& path, const std::vector<std::string>& overrides)
{
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw ScenarioError(SourceLocation{path, 0, 0, {}}, "this is a folder; expected a scenario file (YAML)");
  const std::optional<std::string> text = read_text_file(path);
  if (!text)
    throw ScenarioError(SourceLocation{path, 0, 0, {}},
                        "cannot open the scenario file; expected a readable YAML file (check the path)");
  const std::filesystem::path p(path);
  return load_scenario_text(*text, path, p.has_parent_path() ? p.parent_path().string() : ".", overrides);
}

}  // namespace lbsim::scenarios
