// Loading a scenario file: the YAML document (yaml_document.hpp), the --set overrides, then
// the ScenarioLoader (scenario_loader.hpp) section by section.
#include "scenarios/format/loader.hpp"

#include "models/metrics/metrics_schedule.hpp"
#include "scenarios/format/overrides.hpp"
#include "scenarios/format/scenario_loader.hpp"
#include "scenarios/format/text_file.hpp"
#include "scenarios/format/yaml_document.hpp"

#include <algorithm>
#include <filesystem>
#include <string_view>
#include <tuple>

namespace lbsim::scenarios {

models::SystemConfig ScenarioLoader::load(const YAML::Node& root)
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
                 "services", "sizes", "metrics", "network", "timeline", "autoscaling", "gateway",
                 "max_in_flight"});
  r_.require_key(root, "name", "the scenario", "name: my-scenario");
  r_.require_key(root, "clients", "the scenario",
                 "clients: [{arrivals: {process: poisson, rate: 100/s}, mix: [{work: 5 ms}]}]");
  if (root["services"]) {
    // `services` replaces the top-level servers and balancer (docs/services.md).
    for (const char* key : {"servers", "balancer"})
      if (root[key])
        for (const auto& entry : root)
          if (entry.first.Scalar() == key)
            r_.fail(entry.first, std::string("top-level \"") + key + "\" cannot be used together with \"services\": "
                                 "each service has its own servers and balancer; move them into a service");
  } else {
    r_.require_key(root, "servers", "the scenario", "servers: [{name: web}] (or services: [...], docs/services.md)");
  }

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
  if (root["max_in_flight"])
    c.max_in_flight = static_cast<uint64_t>(r_.integer(root["max_in_flight"], "max_in_flight", 1, 100'000'000));
  if (root["sizes"]) read_sizes(root["sizes"]);
  has_gateway_ = static_cast<bool>(root["gateway"]);
  if (has_gateway_ && !root["services"])
    for (const auto& entry : root)
      if (entry.first.Scalar() == "gateway")
        r_.fail(entry.first, "a gateway routes to services; write the servers as services: [...] (docs/services.md), "
                             "each with its own balancer");
  read_clients(root["clients"], c);
  if (!has_gateway_ && !gateway_only_nodes_.empty())
    r_.fail(gateway_only_nodes_.front(), "this key tells a gateway about the clients, and the scenario has no "
                                         "gateway; add one (docs/gateway.md) or remove the key");
  // Only scripted traffic ends by itself: then the run ends when its last request is answered.
  const bool all_scripted = std::all_of(c.clients.begin(), c.clients.end(),
                                        [](const models::ClientGroupConfig& g) { return g.arrivals.scripted(); });
  if (!c.duration && !c.stop_requests && !all_scripted)
    r_.fail(root, "the scenario has neither \"duration\" nor \"stop\"; one is required to know when to end "
                  "(e.g. duration: 5 min, or stop: {requests: 100000}); only scenarios whose clients all follow a "
                  "script or a trace may leave both out");
  if (root["services"]) {
    c.services_section = true;
    read_services(root["services"], c);
  } else {
    models::ServiceConfig& implicit = c.services.emplace_back();
    read_servers(root["servers"], "servers", implicit);
    if (root["balancer"]) implicit.balancer = read_balancer(root["balancer"], "balancer", false);
    check_server_flags(implicit);
    // The top-level form is one service, named after its balancer (or its only server).
    implicit.name = implicit.balancer ? implicit.balancer->name : implicit.servers.front().name;
    service_nodes_.push_back(root["balancer"] ? root["balancer"] : root["servers"]);
    if (!implicit.balancer && implicit.servers.size() > 1)
      r_.fail(root["servers"], "there are " + std::to_string(implicit.servers.size()) +
                                   " servers but no \"balancer\" to spread requests over them; add e.g. "
                                   "balancer: {algorithm: round_robin}");
  }
  resolve_requests(c);
  if (has_gateway_) read_gateway(root["gateway"], c);
  if (root["network"]) read_network(root["network"], c);
  if (root["metrics"]) read_metrics(root["metrics"], c.metrics);
  if (root["timeline"]) read_timeline(root["timeline"], c);
  if (root["autoscaling"]) read_autoscaling(root["autoscaling"], c);
  if (!root["metrics"] || !root["metrics"]["interval"]) models::choose_metrics_schedule(c);
  c.warnings = warnings_;
  return c;
}

namespace {
const char* const kEmptyScenario =
    "the scenario file is empty; expected a scenario with at least name, duration, clients and servers";
}

models::SystemConfig load_scenario_text(const std::string& text, const std::string& file, const std::string& base_dir,
                                        const std::vector<std::string>& overrides)
{
  YamlReader reader(file);
  YAML::Node root = load_yaml_document(text, reader, kEmptyScenario);
  apply_overrides(root, overrides, reader);
  ScenarioLoader loader(reader, base_dir);
  return loader.load(root);
}

models::SystemConfig load_scenario_file(const std::string& path, const std::vector<std::string>& overrides)
{
  YamlReader reader(path);
  YAML::Node root = load_yaml_file(path, reader, "expected a scenario file (YAML)", kEmptyScenario);
  apply_overrides(root, overrides, reader);
  ScenarioLoader loader(reader, parent_folder(path));
  return loader.load(root);
}

}  // namespace lbsim::scenarios
