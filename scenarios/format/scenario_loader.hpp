// ScenarioLoader: reads a scenario's YAML tree into a models::SystemConfig, one section per file
// (clients_reader.cpp, servers_reader.cpp, balancer_reader.cpp, services_reader.cpp,
// network_reader.cpp, timeline_reader.cpp, metrics_reader.cpp; loader.cpp puts them together).
// Internal to scenarios/format: yaml-cpp stays in this folder.
#pragma once

#include "models/balancers/algorithms/registry.hpp"
#include "models/system_config.hpp"
#include "scenarios/format/trace_reader.hpp"
#include "scenarios/format/yaml_reader.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace lbsim::scenarios {

using models::SimTime;

inline constexpr const char* kSpeedHint = "speed is work per second relative to 1.0 (e.g. 2 for a server twice as fast)";
// The slowest server: a millisecond of work takes 1000 s at it. Slower speeds only serve to push
// service times past lbsim's clock (int64 nanoseconds, 292 years).
inline constexpr double kMinSpeed = 1e-6;
// A speed from kMinSpeed to 1e9, at `node` (a key `what` such as "servers[0].speed").
double read_speed(const YamlReader& reader, const YAML::Node& node, const std::string& what);

struct SizeEntry {
  int cores = 1;
  double speed = 1.0;
  double price = 0;
};

class ScenarioLoader {
public:
  ScenarioLoader(YamlReader& reader, std::string base_dir) : r_(reader), base_dir_(std::move(base_dir)) {}

  models::SystemConfig load(const YAML::Node& root);

private:
  struct NodeName {  // what a name in network.links stands for
    std::string kind;                  // "a client region", "the balancer", ... (for messages)
    std::vector<std::string> members;  // the nodes a link to this name joins
    bool many = false;                 // a group or `servers`
  };

  void read_sizes(const YAML::Node& node);

  void read_clients(const YAML::Node& node, models::SystemConfig& c);

  void read_addresses(const YAML::Node& g, const std::string& ctx, uint64_t seed, models::ClientGroupConfig& group);

  void read_arrivals(const YAML::Node& a, const std::string& ctx, models::ClientGroupConfig& group);
  // closed and sessions (users_reader.cpp).
  void read_user_arrivals(const YAML::Node& a, const std::string& ctx, const std::string& process,
                          models::ClientGroupConfig& group);
  models::SessionLength read_session_length(const YAML::Node& node, const std::string& what);
  // A key of another arrival process gets an error saying whose it is; then only `own` are allowed.
  void refuse_other_process_keys(const YAML::Node& a, const std::string& ctx, const std::string& process,
                                 const std::vector<std::string>& own, const std::string& hint);

  // The trace's rows become scripted arrivals once the mix is known: each row's method and path
  // name a request type; its client joins the group's addresses (or must be among listed ones).
  void resolve_trace(models::ClientGroupConfig& group);

  void read_script(const YAML::Node& list, const std::string& ctx, models::ClientGroupConfig& group);

  void read_mix(const YAML::Node& list, const std::string& ctx, models::ClientGroupConfig& group);
  void read_step(const YAML::Node& t, const std::string& tctx, size_t k, const models::ClientGroupConfig& group,
                 models::RequestType& type);
  void read_client_side(const YAML::Node& t, const std::string& tctx, models::RequestType& type);
  // A warning at `node` ("file:line:column: warning: text"), kept in SystemConfig::warnings.
  void warn(const YAML::Node& node, const std::string& message) { warnings_.push_back(r_.where(node).to_string() + ": warning: " + message); }
  void read_gateway_client_keys(const YAML::Node& g, const std::string& ctx, models::ClientGroupConfig& group);
  static bool needs_cors_preflight(const models::RequestType& type);

  // The gateway section (gateway_reader.cpp), read once the services are known; then each client
  // request type's route, upstream path and endpoint.
  void read_gateway(const YAML::Node& node, models::SystemConfig& c);
  models::RouteConfig read_route(const YAML::Node& node, const std::string& ctx, const models::SystemConfig& c,
                                 const models::GatewayConfig& gateway);
  models::RetryPolicy read_retries(const YAML::Node& node, const std::string& ctx);
  models::AggregateConfig read_aggregate(const YAML::Node& node, const std::string& ctx, const models::SystemConfig& c);
  void read_auth(const YAML::Node& node, const std::string& ctx, const models::SystemConfig& c, models::AuthConfig& auth);
  void check_route_shadowing(const YAML::Node& routes, const models::GatewayConfig& gateway) const;
  void resolve_gateway_requests(models::SystemConfig& c);
  // The endpoint of `service` that answers `method` `path` (-1 when it has none); `node` and
  // `what` place the error when none matches.
  int32_t endpoint_for(const models::ServiceConfig& service, const std::string& method, const std::string& path,
                       const YAML::Node& node, const std::string& what) const;

  // `ctx` names the list in messages ("servers", "services[1].servers").
  void read_servers(const YAML::Node& node, const std::string& ctx, models::ServiceConfig& service);
  // Once a service's servers and balancer are read: its servers' flags (backup, state) need a
  // balancer, and `backup` one whose algorithm takes backups.
  void check_server_flags(const models::ServiceConfig& service);

  // The services section (services_reader.cpp).
  void read_services(const YAML::Node& node, models::SystemConfig& c);
  void read_endpoints(const YAML::Node& list, const std::string& ctx, models::ServiceConfig& service);
  uint32_t service_named(const YAML::Node& node, const std::string& what, const models::SystemConfig& c) const;
  // Once every service is known: the services and endpoints client request types and calls reach.
  void resolve_requests(models::SystemConfig& c);
  void check_call_graph(const models::SystemConfig& c);

  // `ctx` names the balancer in messages ("balancer", "services[1].balancer").
  models::BalancerConfig read_balancer(const YAML::Node& b, const std::string& ctx, bool of_service);
  void read_algorithm_options(const YAML::Node& b, const std::string& ctx, const models::AlgorithmDeclaration& algorithm,
                              const models::BalancerRegistry& registry, models::BalancerConfig& config);
  void read_algorithm_option(const YAML::Node& value, const std::string& what, const models::AlgorithmOption& option,
                             models::BalancerOptions& out);
  void read_balancer_station(const YAML::Node& b, const std::string& ctx, models::BalancerConfig& config);

  // The network section (docs/network.md). Node names: the client regions, `nodes` (transit
  // nodes), the balancer, each server, each group (standing for every server of the group) and
  // `servers` (every server). A link to a group or to `servers` becomes one link per server, each
  // with the link's values: every server has its own access link.
  void read_network(const YAML::Node& n, models::SystemConfig& c);

  // "unknown network node "tokio" in network.links[0].between; did you mean "tokyo"?", or the
  // names it could be.
  static std::string unknown_node_message(const std::string& name, const std::string& ctx,
                                          const std::map<std::string, NodeName>& names,
                                          const std::vector<std::string>& candidates);

  // Every client region must reach the balancer (or the only server), and the balancer every
  // server; the error points at the region or the server that cannot be reached.
  void check_reachable(const models::NetworkConfig& net, const models::SystemConfig& c) const;

  // A name from `names` (with a did-you-mean), for timeline and autoscaling targets.
  std::string name_among(const YAML::Node& node, const std::string& what, const std::set<std::string>& names,
                         const std::string& kind) const;

  // Adding and removing servers changes the pool; with a network, an added server gets the links
  // of its group's first server.
  void require_dynamic_fleet(const YAML::Node& node, const std::string& what, const std::string& group,
                             const models::SystemConfig& c) const;

  void read_timeline(const YAML::Node& list, models::SystemConfig& c);

  void read_autoscaling(const YAML::Node& n, models::SystemConfig& c);

  void read_metrics(const YAML::Node& m, models::MetricsConfig& out);

  YamlReader& r_;
  std::string base_dir_;
  std::vector<std::string> warnings_;
  Trace trace_;  // of the client group being read, until its mix is known
  std::string trace_ctx_, trace_referrer_;
  std::map<std::string, SizeEntry> sizes_;
  std::vector<std::string> size_names_;
  bool group_has_explicit_addresses_ = false;
  std::optional<YAML::Node> group_population_;  // the group's `population` node, if any
  std::vector<YAML::Node> region_nodes_;  // per client group: its `region` (or the group, without one)
  std::vector<YAML::Node> server_nodes_;  // per server (every service's, in order): the `name` of its entry
  std::map<std::string, YAML::Node> flag_nodes_;  // server name -> its entry's `backup` or `state` key
  std::map<std::string, std::string> server_made_by_;  // server name -> the group whose count made it ("" if none)
  std::vector<YAML::Node> service_nodes_;  // per service: its `name` (the top-level form: its balancer or servers)
  std::vector<std::optional<YAML::Node>> group_service_nodes_;  // per client group: its `service`, if any
  std::vector<std::vector<YAML::Node>> mix_nodes_;  // per client group: its mix's items
  std::vector<std::vector<YAML::Node>> call_nodes_;  // per service with endpoints: each call's node, in order
  std::optional<YAML::Node> net_node_;    // the network section
  std::vector<YAML::Node> gateway_only_nodes_;  // client keys that only a gateway reads
  std::vector<YAML::Node> route_nodes_;         // per gateway route
  std::vector<std::optional<YAML::Node>> cross_origin_nodes_;  // per client group: its cross_origin, if any
  bool has_gateway_ = false;
};

}  // namespace lbsim::scenarios
