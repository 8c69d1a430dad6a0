// Transfers: the network of a run that has one. Every request and every response crosses it as a
// transfer: the bytes cross the route's links at the rate max-min sharing gives them (FlowNetwork,
// capped per transfer by the TCP window and Mathis bounds), then the last byte takes the route's
// one-way latency to arrive. docs/network.md states the model.
//
// A request's trip has up to four legs: client region -> balancer, balancer -> server, and back
// (server -> balancer, balancer -> client region). Without a balancer (one server), it has two:
// region -> server and back. Every route is computed once, when the run is built: one Dijkstra
// from the balancer (or the only server) to every node; a response retraces its request's route.
#pragma once

#include "engine/event_handler.hpp"
#include "engine/simulation.hpp"
#include "models/metrics/metrics.hpp"
#include "models/network/flow_network.hpp"
#include "models/network/topology.hpp"
#include "models/requests/request.hpp"
#include "models/system_config.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace lbsim::models {

class TransferListener {
public:
  virtual ~TransferListener() = default;
  // The last byte of the transfer started by Transfers::send for this request has arrived. Called
  // from an event, never from inside send().
  virtual void on_transfer_done(RequestId request) = 0;
};

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

class Transfers final : public engine::EventHandler, public LinkMeter, private FlowListener {
public:
  using PathId = uint32_t;

  // Builds the topology and every route; `config.network` must be set. Throws
  // std::invalid_argument when a client region, the balancer or a server is not a node or cannot
  // be reached (the loader reports these with file and line before a System is ever built).
  // Registers its handlers with `sim`: build it after every other handler, so that a run without a
  // network has exactly the handler numbers (and fingerprint) it had before networks existed.
  Transfers(const SystemConfig& config, engine::Simulation& sim, TransferListener& listener);
  Transfers(const Transfers&) = delete;
  Transfers& operator=(const Transfers&) = delete;

  // Client region of this group -> the balancer (or the only server), and back.
  PathId path_in(uint32_t client_group) const { return in_[group_region_[client_group]]; }
  PathId path_out(uint32_t client_group) const { return out_[group_region_[client_group]]; }
  // The balancer -> this server, and back (only with a balancer).
  PathId path_to_server(uint32_t server) const { return to_server_[server]; }
  PathId path_from_server(uint32_t server) const { return from_server_[server]; }
  const NetworkPath& path(PathId id) const { return paths_[id]; }

  // Moves `bytes` (>= 0) along the path for `request`: the bytes at the shared rate, then the
  // path's latency; the listener hears of it when the last byte has arrived. 0 bytes cost only
  // the latency. One transfer per request at a time.
  void send(PathId path, double bytes, RequestId request);
  void handle(const engine::Event& event) override;  // the latency after the bytes has passed

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
  void on_flow_done(uint64_t tag) override;
  PathId add_path(const Route& route, bool reversed, const NetworkConfig& network);

  engine::Simulation& sim_;
  TransferListener& listener_;
  engine::HandlerId handler_;
  Topology topology_;
  std::vector<NetworkLinkInfo> links_;
  std::vector<NetworkPath> paths_;
  std::vector<uint32_t> group_region_;  // client group -> region index
  std::vector<PathId> in_, out_;        // per region
  std::vector<PathId> to_server_, from_server_;
  FlowNetwork flows_;
};

}  // namespace lbsim::models
