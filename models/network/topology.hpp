// Topology: the network section as a graph of named nodes (client regions, the balancer, servers)
// joined by full-duplex links, and the routes between them.
//
// Every undirected link i becomes two directed links, 2i (a -> b) and 2i + 1 (b -> a), each with the
// link's full bandwidth, latency and loss: the directions never share capacity. A route is the list
// of directed link ids from one node to another with the least total one-way latency; ties go to
// the fewest hops, then (walking back from the destination) to the lowest directed link id, so a
// route never depends on the order Boost happens to visit vertices in. The graph itself (Boost.Graph)
// lives only in topology.cpp.
#pragma once

#include "engine/sim_time.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lbsim::models {

using LinkId = uint32_t;  // a directed link: 2i is link i from a to b, 2i + 1 from b to a
using NodeId = uint32_t;

struct LinkSpec {
  std::string a;
  std::string b;
  double bandwidth_bps = 0;  // each direction; > 0
  engine::SimTime latency;   // one way; >= 0
  double loss = 0;           // fraction of packets lost, in [0, 1)
};

struct DirectedLink {
  NodeId from = 0;
  NodeId to = 0;
  double bandwidth_bps = 0;
  engine::SimTime latency;
  double loss = 0;
};

struct Route {
  std::vector<LinkId> links;  // in travel order; empty from a node to itself
  engine::SimTime latency;    // sum of the one-way latencies
  double loss = 0;            // 1 - product of (1 - loss) over the links
};

// A route, or why there is none. The error names both nodes ("no network path from 'tokyo' to
// 'web-2'", "unknown network node 'tokio'") and `node` is the one at fault: the unknown name, or the
// destination that cannot be reached.
struct RouteResult {
  std::optional<Route> route;
  std::string error;
  std::string node;
  bool ok() const { return route.has_value(); }
};

class Topology {
public:
  // Throws std::invalid_argument for a duplicate or empty node name, a link to a node not in
  // `nodes` (the message names it), a link from a node to itself, bandwidth <= 0, negative latency
  // or loss outside [0, 1).
  Topology(std::vector<std::string> nodes, const std::vector<LinkSpec>& links);
  ~Topology();
  Topology(Topology&&) noexcept;
  Topology& operator=(Topology&&) noexcept;
  Topology(const Topology&) = delete;
  Topology& operator=(const Topology&) = delete;

  // A node joins (a server added during the run), and its links; ids go on from the last ones.
  // Routes computed before stay as they were: ask again for routes that may pass through it.
  NodeId add_node(const std::string& name);
  LinkId add_link(const LinkSpec& link);  // the id of its a -> b direction; b -> a is that + 1

  size_t node_count() const;
  const std::string& node_name(NodeId node) const;
  std::optional<NodeId> find_node(std::string_view name) const;

  size_t link_count() const;  // directed links: twice the number of LinkSpecs
  const DirectedLink& link(LinkId id) const;
  std::vector<double> bandwidths_bps() const;  // indexed by LinkId, for FlowNetwork

  // Dijkstra over latency (Boost.Graph): O((V + E) log V) per call. Compute the routes a model
  // needs once, when it is built, not per request.
  RouteResult route(std::string_view from, std::string_view to) const;
  RouteResult route(NodeId from, NodeId to) const;  // throws std::out_of_range for a bad id
  // The routes from one node to every node (indexed by NodeId), from one Dijkstra: the same routes
  // route(from, to) gives, for O((V + E) log V) in all rather than per destination.
  std::vector<RouteResult> routes_from(NodeId from) const;  // throws std::out_of_range for a bad id

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lbsim::models
