// The network section: its nodes (regions, transit nodes, services, servers, groups) and links, and
// a check that every route a run needs exists.
#include "scenarios/format/scenario_loader.hpp"

#include "models/network/topology.hpp"
#include "scenarios/format/suggest.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace lbsim::scenarios {

// The network section (docs/network.md). Node names: the client regions, `nodes` (transit
// nodes), the balancer, each server, each group (standing for every server of the group) and
// `servers` (every server). A link to a group or to `servers` becomes one link per server, each
// with the link's values: every server has its own access link.
void ScenarioLoader::read_network(const YAML::Node& n, models::SystemConfig& c)
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
  // Every service's servers, in the order server_nodes_ has them.
  std::vector<const models::ServerConfig*> servers;
  for (const models::ServiceConfig& service : c.services)
    for (const models::ServerConfig& server : service.servers) servers.push_back(&server);
  for (size_t s = 0; s < c.services.size(); ++s) {
    const models::ServiceConfig& service = c.services[s];
    if (!service.balancer) continue;
    const char* kind = c.services_section ? "a service" : "the balancer";
    clash(service_nodes_[s], service.balancer->name, kind);
    names[service.balancer->name] = {kind, {service.balancer->name}, false};
  }
  for (size_t i = 0; i < servers.size(); ++i) {
    const std::string& name = servers[i]->name;
    if (name == "servers")
      r_.fail(server_nodes_[i], "a server named \"servers\" clashes with the network's name for every server; "
                                "rename it");
    clash(server_nodes_[i], name, "server");
    names[name] = {"a server", {name}, false};
  }
  for (size_t i = 0; i < servers.size(); ++i) {
    const models::ServerConfig& server = *servers[i];
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
  // The gateway reader already refused a gateway named like a service, balancer or server.
  if (c.gateway) names[c.gateway->name] = {"the gateway", {c.gateway->name}, false};
  names["servers"] = {"every server", {}, true};
  for (const models::ServerConfig* server : servers) names["servers"].members.push_back(server->name);
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
  for (const models::ServiceConfig& service : c.services)
    if (service.balancer) net.nodes.push_back(service.balancer->name);
  if (c.gateway) net.nodes.push_back(c.gateway->name);
  for (const models::ServerConfig* server : servers) net.nodes.push_back(server->name);

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
std::string ScenarioLoader::unknown_node_message(const std::string& name, const std::string& ctx,
                                        const std::map<std::string, NodeName>& names,
                                        const std::vector<std::string>& candidates)
{
  std::string message = "unknown network node \"" + name + "\" in " + ctx + ".between";
  const std::string hint = did_you_mean(name, candidates);
  if (!hint.empty()) return message + hint;
  std::map<std::string, std::vector<std::string>> by_kind;
  for (const auto& [node, what] : names) by_kind[what.kind].push_back(node);
  message += "; a node is a client region, a transit node of network.nodes, the balancer (or a service), a server, "
             "a server group or servers (every server). Here:";
  const char* separator = " ";
  for (const char* kind : {"a client region", "a transit node", "the balancer", "a service", "a server",
                           "a server group", "every server"}) {
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

// Every route a run takes must exist: each client region to the service its group sends to, each
// balancer to its servers, each server that calls another service to that service. The error
// points at the region, the server or the service that cannot be reached.
void ScenarioLoader::check_reachable(const models::NetworkConfig& net, const models::SystemConfig& c) const
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
  std::vector<std::vector<models::RouteResult>> routes;  // from each service's front door
  std::vector<size_t> first_server;                      // each service's first index into server_nodes_
  for (const models::ServiceConfig& service : c.services) {
    const std::string& entry = service.balancer ? service.balancer->name : service.servers.front().name;
    routes.push_back(topology.routes_from(*topology.find_node(entry)));
    first_server.push_back(first_server.empty() ? 0 : first_server.back() + c.services[first_server.size() - 1].servers.size());
  }
  const auto entry_of = [&](size_t s) {
    const models::ServiceConfig& service = c.services[s];
    const std::string& entry = service.balancer ? service.balancer->name : service.servers.front().name;
    if (c.services_section) return std::make_pair(entry, "service \"" + entry + "\"");
    return std::make_pair(entry, service.balancer ? "the balancer \"" + entry + "\"" : "the server \"" + entry + "\"");
  };
  for (size_t i = 0; i < c.clients.size(); ++i) {
    const std::string& region = c.clients[i].region;
    const size_t s = c.clients[i].service;
    if (routes[s][*topology.find_node(region)].ok()) continue;
    const auto [entry, entry_what] = entry_of(s);
    const std::string ctx = "clients[" + std::to_string(i) + "]";
    std::string message = "client region \"" + region + "\" of " + ctx + " has no network path to " + entry_what;
    if (region_nodes_[i].IsMap())
      message += " (" + ctx + " has no region, so it is in \"clients\"; set " + ctx + ".region)";
    message += "; add a link that joins it, e.g. - {between: [" + region + ", " + entry +
               "], bandwidth: 1 Gbps, latency: 20 ms}";
    r_.fail(region_nodes_[i], message);
  }
  for (size_t s = 0; s < c.services.size(); ++s) {
    const models::ServiceConfig& service = c.services[s];
    const auto [entry, entry_what] = entry_of(s);
    for (size_t i = 0; service.balancer && i < service.servers.size(); ++i) {
      const std::string& name = service.servers[i].name;
      if (routes[s][*topology.find_node(name)].ok()) continue;
      r_.fail(server_nodes_[first_server[s] + i],
              "server \"" + name + "\" has no network path from " + entry_what + "; add a link that joins it, e.g. - "
              "{between: [" + entry + ", " + (service.servers[i].group.empty() ? name : service.servers[i].group) +
                  "], bandwidth: 10 Gbps, latency: 0.5 ms}, or to servers for every server");
    }
    for (const models::EndpointConfig& endpoint : service.endpoints)
      for (const models::CallConfig& call : endpoint.calls)
        for (size_t i = 0; i < service.servers.size(); ++i) {
          const std::string& name = service.servers[i].name;
          if (routes[call.service_index][*topology.find_node(name)].ok()) continue;
          const auto [callee, callee_what] = entry_of(call.service_index);
          r_.fail(server_nodes_[first_server[s] + i],
                  "server \"" + name + "\" of service \"" + service.name + "\" calls " + callee_what +
                      ", and no network path joins them; add a link, e.g. - {between: [" + callee + ", " +
                      (service.servers[i].group.empty() ? name : service.servers[i].group) +
                      "], bandwidth: 10 Gbps, latency: 0.5 ms}");
        }
  }
}

}  // namespace lbsim::scenarios
