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

void add_directed(std::vector<NetworkLinkInfo>& out, std::map<std::string, int>& seen, const NetworkLink& l)
{
  const auto add = [&](const std::string& from, const std::string& to) {
    NetworkLinkInfo info{from + "->" + to, from, to, l.bandwidth_bps};
    if (const int n = ++seen[info.name]; n > 1) info.name += "#" + std::to_string(n);
    out.push_back(std::move(info));
  };
  add(l.a, l.b);
  add(l.b, l.a);
}

}  // namespace

std::vector<NetworkLinkInfo> directed_links(const NetworkConfig& network)
{
  std::vector<NetworkLinkInfo> out;
  out.reserve(2 * network.links.size());
  std::map<std::string, int> seen;
  for (const NetworkLink& l : network.links) add_directed(out, seen, l);
  return out;
}

Transfers::Transfers(const SystemConfig& config, engine::Simulation& sim, TransportListener& listener)
    : config_(config), sim_(sim), listener_(listener), handler_(sim.add_handler(*this)), topology_(make_topology(config)),
      flows_(sim, *this, topology_.bandwidths_bps())
{
  links_ = directed_links(*config.network);
  entry_of_node_.assign(topology_.node_count(), -1);
}

NodeId Transfers::node(const std::string& name) const
{
  const std::optional<NodeId> node = topology_.find_node(name);
  if (!node) throw std::invalid_argument("'" + name + "' is not a node of the network");
  return *node;
}

void Transfers::add_entry(NodeId node)
{
  if (entry_of_node_[node] >= 0) return;
  entry_of_node_[node] = static_cast<int32_t>(entries_.size());
  Entry& e = entries_.emplace_back();
  e.node = node;
  e.routes = topology_.routes_from(node);
  e.out.assign(topology_.node_count(), kNoPath);
  e.back.assign(topology_.node_count(), kNoPath);
}

// `route` leads away from the entry; reversed, it leads back (links are full duplex and
// symmetric: 2i and 2i + 1 are the two directions of link i, with the same latency and loss).
Transfers::PathId Transfers::add_path(const Route& route, bool reversed)
{
  NetworkPath p;
  p.latency = route.latency;
  p.loss = route.loss;
  if (reversed) {
    for (auto it = route.links.rbegin(); it != route.links.rend(); ++it) p.links.push_back(*it ^ 1u);
  } else {
    p.links = route.links;
  }
  const NetworkConfig& network = *config_.network;
  p.cap_bps = tcp_rate_cap_bps(network.tcp_window_bytes, route.latency + route.latency, route.loss, network.mss_bytes);
  paths_.push_back(std::move(p));
  return static_cast<PathId>(paths_.size() - 1);
}

Transfers::PathId Transfers::make_path(Entry& entry, NodeId other, bool towards_entry)
{
  std::vector<PathId>& cache = towards_entry ? entry.back : entry.out;
  if (cache[other] != kNoPath) return cache[other];
  const RouteResult& r = entry.routes[other];
  if (!r.ok()) throw std::runtime_error(r.error);
  return cache[other] = add_path(*r.route, towards_entry);
}

Transfers::PathId Transfers::path_between(NodeId from, NodeId to)
{
  const int32_t to_entry = entry_of_node_[to];
  const int32_t from_entry = entry_of_node_[from];
  if (to_entry >= 0 && (from_entry < 0 || to < from)) return make_path(entries_[static_cast<size_t>(to_entry)], from, true);
  if (from_entry < 0)
    throw std::logic_error("Transfers: neither '" + topology_.node_name(from) + "' nor '" + topology_.node_name(to) +
                           "' receives requests");
  return make_path(entries_[static_cast<size_t>(from_entry)], to, false);
}

void Transfers::carry(RequestId request, NodeId from, NodeId to, double bytes)
{
  const PathId path = path_between(from, to);
  const NetworkPath& p = paths_[path];
  if (bytes > 0) {
    flows_.start(p.links, bytes, p.cap_bps, (uint64_t{path} << 32) | request);
    return;
  }
  sim_.schedule_in(p.latency, handler_, 0, request);
}

// The new server gets the links the first server of its group has, to the same nodes.
NodeId Transfers::add_server(const std::string& name, const std::string& group)
{
  std::string model;
  for (const ServiceConfig& service : config_.services)
    for (const ServerConfig& s : service.servers)
      if (model.empty() && s.group == group) model = s.name;
  const NodeId node = topology_.add_node(name);
  std::map<std::string, int> seen;
  for (const NetworkLinkInfo& info : links_) seen[info.name.substr(0, info.name.find('#'))]++;
  for (const NetworkLink& l : config_.network->links) {
    if (l.a != model && l.b != model) continue;
    NetworkLink copy = l;
    if (copy.a == model) copy.a = name;
    if (copy.b == model) copy.b = name;
    topology_.add_link(LinkSpec{copy.a, copy.b, copy.bandwidth_bps, copy.latency, copy.loss});
    flows_.add_link(copy.bandwidth_bps);
    flows_.add_link(copy.bandwidth_bps);
    add_directed(links_, seen, copy);
    added_links_.push_back(copy);
  }
  // Routes may pass through the new node: every entry's routes again (paths already handed out
  // stay valid for the transfers using them).
  entry_of_node_.push_back(-1);
  for (Entry& e : entries_) {
    e.routes = topology_.routes_from(e.node);
    e.out.assign(topology_.node_count(), kNoPath);
    e.back.assign(topology_.node_count(), kNoPath);
  }
  return node;
}

void Transfers::on_flow_done(uint64_t tag)
{
  const auto path = static_cast<PathId>(tag >> 32);
  const auto request = static_cast<RequestId>(tag & 0xffffffffu);
  const SimTime latency = paths_[path].latency;
  if (latency == SimTime::zero())
    listener_.on_carried(request);
  else
    sim_.schedule_in(latency, handler_, 0, request);
}

void Transfers::handle(const engine::Event& event) { listener_.on_carried(static_cast<RequestId>(event.arg)); }

}  // namespace lbsim::models
