#include "models/network/topology.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <stdexcept>

namespace lbsim::models {

namespace {

// Path length: latency first, hop count second. Integer nanoseconds, so equal paths compare equal.
struct PathCost {
  int64_t latency_ns = 0;
  int64_t hops = 0;
  auto operator<=>(const PathCost&) const = default;
};
constexpr PathCost kUnreached{std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::max()};

struct Combine {
  PathCost operator()(const PathCost& a, const PathCost& b) const
  {
    if (a == kUnreached || b == kUnreached) return kUnreached;
    return PathCost{a.latency_ns + b.latency_ns, a.hops + b.hops};
  }
};

struct EdgeProps {
  PathCost cost;
};
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, boost::no_property, EdgeProps>;

}  // namespace

struct Topology::Impl {
  std::vector<std::string> names;
  std::map<std::string, NodeId, std::less<>> by_name;
  std::vector<DirectedLink> links;
  std::vector<std::vector<LinkId>> in_links;  // per node, ascending ids
  Graph graph;

  PathCost cost(LinkId id) const { return PathCost{links[id].latency.ns(), 1}; }
  std::vector<PathCost> distances(NodeId from) const;  // Dijkstra from `from`
  RouteResult walk_back(const std::vector<PathCost>& dist, NodeId from, NodeId to) const;
};

Topology::Topology(std::vector<std::string> nodes, const std::vector<LinkSpec>& links)
    : impl_(std::make_unique<Impl>())
{
  Impl& m = *impl_;
  m.names = std::move(nodes);
  for (size_t i = 0; i < m.names.size(); ++i) {
    if (m.names[i].empty()) throw std::invalid_argument("network node with an empty name");
    if (!m.by_name.emplace(m.names[i], static_cast<NodeId>(i)).second)
      throw std::invalid_argument("network node '" + m.names[i] + "' is listed twice");
  }
  for (size_t i = 0; i < m.names.size(); ++i) boost::add_vertex(m.graph);
  m.in_links.resize(m.names.size());
  for (const LinkSpec& spec : links) add_link(spec);
}

NodeId Topology::add_node(const std::string& name)
{
  Impl& m = *impl_;
  if (name.empty()) throw std::invalid_argument("network node with an empty name");
  const auto id = static_cast<NodeId>(m.names.size());
  if (!m.by_name.emplace(name, id).second) throw std::invalid_argument("network node '" + name + "' is listed twice");
  m.names.push_back(name);
  boost::add_vertex(m.graph);
  m.in_links.emplace_back();
  return id;
}

LinkId Topology::add_link(const LinkSpec& spec)
{
  Impl& m = *impl_;
  auto node_of = [&](const std::string& name) {
    const auto it = m.by_name.find(name);
    if (it == m.by_name.end()) throw std::invalid_argument("network link to unknown node '" + name + "'");
    return it->second;
  };
  const NodeId a = node_of(spec.a);
  const NodeId b = node_of(spec.b);
  const std::string what = "network link between '" + spec.a + "' and '" + spec.b + "'";
  if (a == b) throw std::invalid_argument(what + " joins a node to itself");
  if (!(spec.bandwidth_bps > 0) || !std::isfinite(spec.bandwidth_bps))
    throw std::invalid_argument(what + ": bandwidth must be positive");
  if (spec.latency < engine::SimTime::zero()) throw std::invalid_argument(what + ": latency must be >= 0");
  if (!(spec.loss >= 0 && spec.loss < 1)) throw std::invalid_argument(what + ": loss must be in [0, 1)");
  const auto first = static_cast<LinkId>(m.links.size());
  for (const auto& [from, to] : {std::pair{a, b}, std::pair{b, a}}) {
    const auto id = static_cast<LinkId>(m.links.size());
    m.links.push_back(DirectedLink{from, to, spec.bandwidth_bps, spec.latency, spec.loss});
    m.in_links[to].push_back(id);
    boost::add_edge(from, to, EdgeProps{m.cost(id)}, m.graph);
  }
  return first;
}

Topology::~Topology() = default;
Topology::Topology(Topology&&) noexcept = default;
Topology& Topology::operator=(Topology&&) noexcept = default;

size_t Topology::node_count() const { return impl_->names.size(); }
const std::string& Topology::node_name(NodeId node) const { return impl_->names.at(node); }
size_t Topology::link_count() const { return impl_->links.size(); }
const DirectedLink& Topology::link(LinkId id) const { return impl_->links.at(id); }

std::optional<NodeId> Topology::find_node(std::string_view name) const
{
  const auto it = impl_->by_name.find(name);
  if (it == impl_->by_name.end()) return std::nullopt;
  return it->second;
}

std::vector<double> Topology::bandwidths_bps() const
{
  std::vector<double> out;
  out.reserve(impl_->links.size());
  for (const DirectedLink& l : impl_->links) out.push_back(l.bandwidth_bps);
  return out;
}

RouteResult Topology::route(std::string_view from, std::string_view to) const
{
  for (std::string_view name : {from, to}) {
    if (!find_node(name)) {
      RouteResult r;
      r.node = std::string(name);
      r.error = "unknown network node '" + r.node + "'";
      return r;
    }
  }
  return route(*find_node(from), *find_node(to));
}

RouteResult Topology::route(NodeId from, NodeId to) const
{
  const Impl& m = *impl_;
  if (from >= m.names.size() || to >= m.names.size()) throw std::out_of_range("Topology::route: no such node");
  return m.walk_back(m.distances(from), from, to);
}

std::vector<RouteResult> Topology::routes_from(NodeId from) const
{
  const Impl& m = *impl_;
  if (from >= m.names.size()) throw std::out_of_range("Topology::routes_from: no such node");
  const std::vector<PathCost> dist = m.distances(from);
  std::vector<RouteResult> out;
  out.reserve(m.names.size());
  for (NodeId to = 0; to < m.names.size(); ++to) out.push_back(m.walk_back(dist, from, to));
  return out;
}

std::vector<PathCost> Topology::Impl::distances(NodeId from) const
{
  std::vector<PathCost> dist(names.size(), kUnreached);
  boost::dijkstra_shortest_paths(
      graph, from,
      boost::weight_map(boost::get(&EdgeProps::cost, graph))
          .distance_map(boost::make_iterator_property_map(dist.begin(), boost::get(boost::vertex_index, graph)))
          .distance_compare(std::less<PathCost>())
          .distance_combine(Combine())
          .distance_inf(kUnreached)
          .distance_zero(PathCost{}));
  return dist;
}

RouteResult Topology::Impl::walk_back(const std::vector<PathCost>& dist, NodeId from, NodeId to) const
{
  RouteResult result;
  if (dist[to] == kUnreached) {
    result.node = names[to];
    result.error = "no network path from '" + names[from] + "' to '" + names[to] + "'";
    return result;
  }
  // Walk back from the destination over tight links, lowest id first: every link has one hop, so
  // the distance strictly falls and the walk ends at the source.
  Route r;
  r.latency = engine::SimTime::from_ns(dist[to].latency_ns);
  for (NodeId v = to; v != from;) {
    for (LinkId id : in_links[v]) {
      const NodeId u = links[id].from;
      if (dist[u] != kUnreached && Combine()(dist[u], cost(id)) == dist[v]) {
        r.links.push_back(id);
        v = u;
        break;
      }
    }
  }
  std::reverse(r.links.begin(), r.links.end());
  double pass = 1;
  for (LinkId id : r.links) pass *= 1 - links[id].loss;
  r.loss = 1 - pass;
  result.route = std::move(r);
  return result;
}

}  // namespace lbsim::models
