// The timeline (scaling actions, failures, rate steps) and the autoscaler.
#include "scenarios/format/scenario_loader.hpp"

#include "scenarios/format/distribution_reader.hpp"
#include "scenarios/results/results_writer.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace lbsim::scenarios {

// A name from `names` (with a did-you-mean), for timeline and autoscaling targets.
std::string ScenarioLoader::name_among(const YAML::Node& node, const std::string& what, const std::set<std::string>& names,
                       const std::string& kind) const
{
  return r_.one_of(node, what + " (" + kind + ")", std::vector<std::string>(names.begin(), names.end()));
}

// Adding and removing servers changes the pool; with a network, an added server gets the links
// of its group's first server.
void ScenarioLoader::require_dynamic_fleet(const YAML::Node& node, const std::string& what, const std::string& group,
                                           const models::SystemConfig& c) const
{
  for (const models::ServiceConfig& service : c.services)
    for (const models::ServerConfig& s : service.servers)
      if (s.group == group && !service.balancer)
        r_.fail(node, what + " adds or removes servers, which needs a \"balancer\" in front of them");
}

void ScenarioLoader::read_timeline(const YAML::Node& list, models::SystemConfig& c)
{
  r_.require_sequence(list, "timeline");
  std::set<std::string> servers, groups, clients;
  for (const models::ServiceConfig& service : c.services)
    for (const auto& s : service.servers) servers.insert(s.name), groups.insert(s.group);
  for (const auto& g : c.clients) clients.insert(g.name);
  int max_cores = 0;
  double max_speed = 0;
  for (const auto& [name, size] : sizes_) max_cores = std::max(max_cores, size.cores), max_speed = std::max(max_speed, size.speed);
  for (size_t i = 0; i < list.size(); ++i) {
    const YAML::Node e = list[i];
    const std::string ctx = "timeline[" + std::to_string(i) + "]";
    r_.require_map(e, ctx);
    r_.check_keys(e, ctx, {"at", "resize", "fail", "recover", "enable", "disable", "add", "remove", "rate", "size",
                           "cores", "speed", "price", "downtime", "count", "provisioning_delay", "clients"});
    r_.require_key(e, "at", ctx, "at: 5 min");
    models::TimelineAction a;
    a.at = SimTime::from_ns(r_.time_ns(e["at"], ctx + ".at", true));
    std::vector<std::string> actions;
    for (const char* k : {"resize", "fail", "recover", "enable", "disable", "add", "remove", "rate"})
      if (e[k]) actions.push_back(k);
    if (actions.size() != 1)
      r_.fail(e, ctx + " must have exactly one action (resize, fail, recover, enable, disable, add, remove or rate), got " +
                     (actions.empty() ? std::string("none") : std::to_string(actions.size())));
    const std::string action = actions.front();
    // Keys that belong to another action are errors, never silently ignored.
    const std::map<std::string, std::set<std::string>> allowed = {
        {"resize", {"size", "cores", "speed", "price", "downtime"}},
        {"fail", {}},
        {"recover", {}},
        {"enable", {}},
        {"disable", {}},
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
    } else if (action == "enable" || action == "disable") {
      a.kind = action == "enable" ? models::TimelineAction::Kind::enable : models::TimelineAction::Kind::disable;
      a.target = name_among(target, ctx + "." + action, servers, "a server");
      for (const models::ServiceConfig& service : c.services)
        for (const models::ServerConfig& s : service.servers)
          if (s.name == a.target && !service.balancer)
            r_.fail(target, ctx + "." + action + ": server \"" + a.target +
                            "\" has no balancer in front of it, and only a balancer takes a server out of rotation");
    } else if (action == "add" || action == "remove") {
      a.kind = action == "add" ? models::TimelineAction::Kind::add : models::TimelineAction::Kind::remove;
      a.target = name_among(target, ctx + "." + action, groups, "a server group");
      require_dynamic_fleet(target, ctx + "." + action, a.target, c);
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
      for (const auto& g : c.clients)
        if (g.name == a.target && g.arrivals.process == models::ArrivalConfig::Process::closed)
          r_.fail(e["clients"], "client group \"" + a.target + "\" is closed: its users send when their answers come "
                                "back, so it has no rate to change");
    } else {
      a.kind = models::TimelineAction::Kind::resize;
      a.target = name_among(target, ctx + ".resize", servers, "a server");
      const models::ServerConfig* server = nullptr;
      for (const models::ServiceConfig& service : c.services)
        for (const auto& s : service.servers)
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
        if (e["speed"]) a.speed = read_speed(r_, e["speed"], ctx + ".speed");
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

void ScenarioLoader::read_autoscaling(const YAML::Node& n, models::SystemConfig& c)
{
  const std::string ctx = "autoscaling";
  r_.require_map(n, ctx);
  r_.check_keys(n, ctx, {"group", "metric", "target", "min", "max", "period", "window", "cooldown",
                         "provisioning_delay", "stabilization", "tolerance", "policy", "steps"});
  r_.require_key(n, "group", ctx, "group: web");
  std::set<std::string> groups;
  for (const models::ServiceConfig& service : c.services)
    for (const auto& s : service.servers) groups.insert(s.group);
  models::AutoscalingConfig a;
  a.group = name_among(n["group"], ctx + ".group", groups, "a server group");
  require_dynamic_fleet(n["group"], ctx, a.group, c);
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

}  // namespace lbsim::scenarios
