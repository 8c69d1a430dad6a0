#include "models/network/transfers.hpp"

#include "models/network/tcp_bounds.hpp"

#include <map>
#include <stdexcept>

namespace lbsim::models {

namespace {

Topology make_topology(const SystemConfig& config)
{
  if (!config.network) throw std::invalid_argument("Transfers: the scenario has no network");
  std::vector<LinkSpec> links;
  links.reserve(config.network->links.size());
  for (const NetworkLink& l : config.network->links)
    links.push_back(LinkSpec{l.a, l.b, l.bandwidth_bps, l.latency, l.loss});
  return Topology(config.network->nodes, links);
}

// The node every request enters by: the balancer, or the only server.
std::string entry_node(const SystemConfig& config)
{
  if (config.balancer) return config.balancer->name;
  if (config.servers.size() != 1)
    throw std::invalid_argument("Transfers: without a balancer there must be exactly one server");
  return config.servers.front().name;
}

NodeId node_of(const Topology& topology, const std::string& name, const char* what)
{
  const std::optional<NodeId> node = topology.find_node(name);
  if (!node) throw std::invalid_argument(std::string(what) + " '" + name + "' is not a node of the network");
  return *node;
}

}  // namespace

std::vector<NetworkLinkInfo> directed_links(const NetworkConfig& network)
{
  std::vector<NetworkLinkInfo> out;
  out.reserve(2 * network.links.size());
  std::map<std::string, int> seen;
  const auto add = [&](const std::string& from, const std::string& to, double bandwidth_bps) {
    NetworkLinkInfo info{from + "->" + to, from, to, bandwidth_bps};
    if (const int n = ++seen[info.name]; n > 1) info.name += "#" + std::to_string(n);
    out.push_back(std::move(info));
  };
  for (const NetworkLink& l : network.links) {
    add(l.a, l.b, l.bandwidth_bps);
    add(l.b, l.a, l.bandwidth_bps);
  }
  return out;
}

Transfers::Transfers(const SystemConfig& config, engine::Simulation& sim, TransferListener& listener)
    : sim_(sim), listener_(listener), handler_(sim.add_handler(*this)), topology_(make_topology(config)),
      flows_(sim, *this, topology_.bandwidths_bps())
{
  links_ = directed_links(*config.network);

  const std::string entry_name = entry_node(config);
  const NodeId entry = node_of(topology_, entry_name, config.balancer ? "the balancer" : "the server");
  const std::vector<RouteResult> routes = topology_.routes_from(entry);
  const NetworkConfig& network = *config.network;

  std::map<std::string, uint32_t> region_index;
  for (const ClientGroupConfig& group : config.clients) {
    const auto [it, fresh] = region_index.emplace(group.region, static_cast<uint32_t>(in_.size()));
    if (fresh) {
      const RouteResult& r = routes[node_of(topology_, group.region, "client region")];
      if (!r.ok())
        throw std::invalid_argument("no network path between client region '" + group.region + "' and '" +
                                    entry_name + "'");
      in_.push_back(add_path(*r.route, true, network));
      out_.push_back(add_path(*r.route, false, network));
    }
    group_region_.push_back(it->second);
  }
  if (config.balancer) {
    for (const ServerConfig& server : config.servers) {
      const RouteResult& r = routes[node_of(topology_, server.name, "server")];
      if (!r.ok())
        throw std::invalid_argument("no network path from the balancer '" + entry_name + "' to server '" +
                                    server.name + "'");
      to_server_.push_back(add_path(*r.route, false, network));
      from_server_.push_back(add_path(*r.route, true, network));
    }
  }
}

// `route` leads away from the entry node; reversed, it leads back (links are full duplex and
// symmetric: 2i and 2i + 1 are the two directions of link i, with the same latency and loss).
Transfers::PathId Transfers::add_path(const Route& route, bool reversed, const NetworkConfig& network)
{
  NetworkPath p;
  p.latency = route.latency;
  p.loss = route.loss;
  if (reversed) {
    for (auto it = route.links.rbegin(); it != route.links.rend(); ++it) p.links.push_back(*it ^ 1u);
  } else {
    p.links = route.links;
  }
  p.cap_bps = tcp_rate_cap_bps(network.tcp_window_bytes, route.latency + route.latency, route.loss, network.mss_bytes);
  paths_.push_back(std::move(p));
  return static_cast<PathId>(paths_.size() - 1);
}

void Transfers::send(PathId path, double bytes, RequestId request)
{
  const NetworkPath& p = paths_[path];
  if (bytes > 0) {
    flows_.start(p.links, bytes, p.cap_bps, (uint64_t{path} << 32) | request);
    return;
  }
  sim_.schedule_in(p.latency, handler_, 0, request);
}

void Transfers::on_flow_done(uint64_t tag)
{
  const auto path = static_cast<PathId>(tag >> 32);
  const auto request = static_cast<RequestId>(tag & 0xffffffffu);
  const SimTime latency = paths_[path].latency;
  if (latency == SimTime::zero())
    listener_.on_transfer_done(request);
  else
    sim_.schedule_in(latency, handler_, 0, request);
}

void Transfers::handle(const engine::Event& event) { listener_.on_transfer_done(static_cast<RequestId>(event.arg)); }

}  // namespace lbsim::models
