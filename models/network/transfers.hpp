// Transfers: the network of a run that has one, as the Transport between stations
// (models/requests/transport.hpp). Every request and every response crosses it as a transfer: the
// bytes cross the route's links at the rate max-min sharing gives them (FlowNetwork, capped per
// transfer by the TCP window and Mathis bounds), then the last byte takes the route's one-way
// latency to arrive. docs/network.md states the model.
//
// Routes run between any two nodes, computed on first use: one Dijkstra from each node that
// receives requests (a service's balancer, a lone server: an "entry"), and a route from X to an
// entry is the entry's route to X reversed, so a reply retraces its request's route exactly.
// Between two entries the one with the lower node id is the source. A server added during the run
// becomes a node with its group's links, and the routes are computed again.
#pragma once

#include "engine/event_handler.hpp"
#include "engine/simulation.hpp"
#include "models/metrics/metrics.hpp"
#include "models/network/flow_network.hpp"
#include "models/network/topology.hpp"
#include "models/requests/transport.hpp"
#include "models/system_config.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace lbsim::models {

// One way across the network: the directed links in travel order, their total one-way latency
// and each transfer's rate cap (from the TCP window and the route's loss, over RTT = 2 x latency).
struct NetworkPath {
  std::vector<LinkId> links;
  SimTime latency;
  double loss = 0;
  double cap_bps = 0;  // kUnlimitedRate when neither bound applies
};

// One directed link as the results name it: "tokyo->lb".
struct NetworkLinkInfo {
  std::string name;
  std::string from, to;
  double bandwidth_bps = 0;
};

// The directed links of a network section in LinkId order (link i of the section is 2i from a to
// b and 2i + 1 back), named "a->b", and "a->b#2" for a second link between the same two nodes.
std::vector<NetworkLinkInfo> directed_links(const NetworkConfig& network);

class Transfers final : public engine::EventHandler, public Transport, public LinkMeter, private FlowListener {
public:
  using PathId = uint32_t;

  // Builds the topology; `config.network` must be set. Registers its handlers with `sim`: build it
  // after every other handler, so that a run without a network has exactly the handler numbers
  // (and fingerprint) it had before networks existed.
  Transfers(const SystemConfig& config, engine::Simulation& sim, TransportListener& listener);
  Transfers(const Transfers&) = delete;
  Transfers& operator=(const Transfers&) = delete;

  // The node of a name (a client region, a balancer, a server); throws std::invalid_argument for
  // an unknown one (the loader reports these with file and line before a System is ever built).
  NodeId node(const std::string& name) const;
  // A node that receives requests: routes to and from it are computed from it.
  void add_entry(NodeId node);

  // Transport: `bytes` (>= 0) from `from` to `to`, one of them an entry. Throws std::runtime_error
  // when no route joins them (the loader checks every route a scenario needs).
  void carry(RequestId request, NodeId from, NodeId to, double bytes) override;
  NodeId add_server(const std::string& name, const std::string& group) override;
  void handle(const engine::Event& event) override;  // the latency after the bytes has passed

  const NetworkPath& path(PathId id) const { return paths_[id]; }
  PathId path_between(NodeId from, NodeId to);
  const std::vector<NetworkLinkInfo>& links() const { return links_; }
  const FlowNetwork& flows() const { return flows_; }

  // LinkMeter: per directed link, since the last reset (the end of warm-up).
  size_t link_count() const override { return links_.size(); }
  const std::string& link_name(size_t link) const override { return links_[link].name; }
  double link_bandwidth_bps(size_t link) const override { return links_[link].bandwidth_bps; }
  double link_bytes(size_t link, SimTime now) const override
  {
    return flows_.bytes_carried(static_cast<LinkId>(link), now);
  }
  void reset_link_measurement(SimTime now) override { flows_.reset_measurement(now); }

private:
  static constexpr PathId kNoPath = UINT32_MAX;
  struct Entry {
    NodeId node = 0;
    std::vector<RouteResult> routes;  // from this entry to every node
    std::vector<PathId> out, back;    // cached paths to and from every node
  };
  void on_flow_done(uint64_t tag) override;
  PathId add_path(const Route& route, bool reversed);
  PathId make_path(Entry& entry, NodeId other, bool towards_entry);

  const SystemConfig& config_;
  engine::Simulation& sim_;
  TransportListener& listener_;
  engine::HandlerId handler_;
  Topology topology_;
  std::vector<NetworkLinkInfo> links_;
  std::vector<NetworkPath> paths_;
  std::vector<Entry> entries_;
  std::vector<int32_t> entry_of_node_;  // -1 for nodes that are not entries
  std::vector<NetworkLink> added_links_;
  FlowNetwork flows_;
};

}  // namespace lbsim::models
