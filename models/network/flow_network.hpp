// FlowNetwork: transfers (flows) over directed links, sharing each link max-min fairly.
//
// A flow moves `bytes` along a route of directed links (Topology::route). At every instant the
// flows' rates are the max-min fair allocation with per-flow caps (the TCP window and Mathis bounds,
// tcp_bounds.hpp): no link carries more than its bandwidth, no flow exceeds its cap, and no flow
// can go faster without slowing one that is no faster than it. A flow is done when its last byte
// has crossed the route at those rates; the listener is told then. Propagation latency is NOT
// part of it: as in SimGrid's CM02 model, a transfer takes latency + size / achieved rate, and
// the caller adds the route's one-way latency as a separate delay (docs/network.md).
//
// Flows with the same route and the same cap always have the same rate, so they form one class.
// Each class keeps its own clock of bytes sent per flow since it was created (virtual time, as in
// processor sharing): a flow finishes when that clock reaches its start value plus its size, so a
// rate change costs O(1) per class however many flows it holds, and only each class's first
// finisher has a completion time. A start or finish re-solves only the connected component
// (links <-> classes) it touches. A class that empties stays, idle, so that a route in steady use
// does not change the components' shape; a new class joins its component in place, and only when
// idle classes outnumber active ones (beyond kIdleClassesKept) are they dropped and the components
// rediscovered. The network has one engine event, at its earliest completion. docs/network.md
// gives the costs.
#pragma once

#include "engine/event_handler.hpp"
#include "engine/simulation.hpp"
#include "engine/indexed_heap.hpp"
#include "models/network/max_min.hpp"
#include "models/network/topology.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <span>
#include <utility>
#include <vector>

namespace lbsim::models {

using FlowId = uint64_t;  // never 0; stays unique after the flow ends (slot + generation)
inline constexpr FlowId kNoFlow = 0;

class FlowListener {
public:
  virtual ~FlowListener() = default;
  // The flow started with this tag has delivered its last byte. Called from the network's own
  // event, after the rates have been updated; flows ending at the same nanosecond are reported in
  // one go, in finishing order, then start order. May start or abort flows.
  virtual void on_flow_done(uint64_t tag) = 0;
};

// Work counters, to check the incremental cost (bench/flow_network_bench.cpp prints them).
struct FlowNetworkStats {
  uint64_t starts = 0;
  uint64_t finishes = 0;
  uint64_t aborts = 0;
  uint64_t recomputes = 0;        // max-min solves (one per touched component per change)
  uint64_t classes_solved = 0;    // summed over solves: classes in the touched component
  uint64_t links_solved = 0;      // summed over solves: links in the touched component
  uint64_t components_built = 0;  // component (re)discoveries, after components merged or split
  uint64_t classes_collected = 0; // idle classes dropped
  uint64_t rate_changes = 0;      // classes whose rate changed
  uint64_t reschedules = 0;       // engine event cancelled and moved
};

class FlowNetwork final : public engine::EventHandler {
public:
  // One entry per directed link (Topology::bandwidths_bps()), each > 0.
  FlowNetwork(engine::Simulation& sim, FlowListener& listener, std::vector<double> link_bandwidth_bps);
  FlowNetwork(const FlowNetwork&) = delete;
  FlowNetwork& operator=(const FlowNetwork&) = delete;

  // Starts moving `bytes` (>= 0) along `route` now, each flow at most `rate_cap_bps` (> 0;
  // kUnlimitedRate for none). An empty route with no cap finishes at once (in an event at now,
  // never inside this call). Throws std::invalid_argument for a bad link id, size or cap.
  FlowId start(std::span<const LinkId> route, double bytes, double rate_cap_bps, uint64_t tag);
  // Drops an unfinished flow without telling the listener; false if it is not active.
  bool abort(FlowId id);
  void handle(const engine::Event& event) override;

  // Idle classes (route and cap with no flow now) kept for reuse beyond the active ones.
  static constexpr size_t kIdleClassesKept = 1024;

  size_t active_flows() const { return active_flows_; }
  size_t active_classes() const { return live_classes_; }  // classes with at least one flow
  size_t idle_classes() const { return class_of_key_.size() - live_classes_; }
  bool active(FlowId id) const;
  double rate_bps(FlowId id) const;         // its current rate; 0 if not active
  double remaining_bytes(FlowId id) const;  // at the simulation's current time

  // A link joins (a server added during the run); its measurement starts now. Returns its id.
  LinkId add_link(double bandwidth_bps);

  size_t link_count() const { return links_.size(); }
  double bandwidth_bps(LinkId link) const { return links_.at(link).bandwidth_bps; }
  double load_bps(LinkId link) const { return links_.at(link).load_bps; }  // sum of current rates
  uint64_t flows_on(LinkId link) const;

  // Measurement since the last reset (or construction), up to `now` (>= the last event):
  // bytes carried, throughput = bits carried / elapsed time, utilization = throughput / bandwidth
  // (the time average of load / bandwidth). A link nothing crossed reports 0 for each.
  double bytes_carried(LinkId link, engine::SimTime now) const;
  double throughput_bps(LinkId link, engine::SimTime now) const;
  double utilization(LinkId link, engine::SimTime now) const;
  void reset_measurement(engine::SimTime now);

  const FlowNetworkStats& stats() const { return stats_; }

private:
  struct FlowKey {  // a flow's finish tag on its class's clock; seq breaks ties (start order)
    double finish;
    uint64_t seq;
    bool operator<(const FlowKey& o) const { return finish < o.finish || (finish == o.finish && seq < o.seq); }
  };
  struct DueKey {  // a class's next completion
    int64_t ns;
    uint32_t cls;
    bool operator<(const DueKey& o) const { return ns < o.ns || (ns == o.ns && cls < o.cls); }
  };
  struct Flow {
    uint32_t cls = 0;
    uint32_t generation = 0;
    uint64_t tag = 0;
    bool live = false;
  };
  struct FlowClass {
    double cap_bps = 0;
    std::vector<LinkId> route;
    double rate_bps = 0;
    double clock_bytes = 0;  // bytes each member has been sent since the class began, at `clock_at`
    engine::SimTime clock_at;
    engine::IndexedMinHeap<FlowKey> members;
    uint32_t comp = kNoComponent;
    uint32_t mark = 0;  // BFS epoch
    bool due = false;   // in due_
    bool alive = false; // the slot holds a class (with flows or idle)
  };
  struct Link {
    double bandwidth_bps = 0;
    double load_bps = 0;
    std::vector<uint32_t> classes;  // classes crossing it, in creation order
    uint32_t mark = 0;              // BFS epoch
    uint32_t local = 0;             // index in its component
    double bits = 0;                // carried since window_start, up to measured_at
    engine::SimTime measured_at;
    engine::SimTime window_start;
  };
  // A connected set of classes and links, with its max-min problem kept and re-solved with new
  // weights. A new class is appended; when components merge or a class is dropped, `valid` drops
  // and the component is rediscovered from the change.
  struct Component {
    std::vector<uint32_t> classes;
    std::vector<LinkId> links;
    MaxMinProblem problem;
    uint32_t refs = 0;  // classes pointing at it
    uint32_t mark = 0;  // recompute epoch
    bool valid = false;
  };
  static constexpr uint32_t kNoComponent = UINT32_MAX;

  struct ClassKeyLess {
    using is_transparent = void;
    template <class A, class B>
    bool operator()(const A& a, const B& b) const
    {
      if (a.first != b.first) return a.first < b.first;
      return std::lexicographical_compare(a.second.begin(), a.second.end(), b.second.begin(), b.second.end());
    }
  };
  using ClassKey = std::pair<double, std::vector<LinkId>>;
  using ClassKeyView = std::pair<double, std::span<const LinkId>>;

  uint32_t class_for(std::span<const LinkId> route, double cap_bps);
  void attach_class(uint32_t c);
  void destroy_class(uint32_t c);
  void collect_idle_classes();
  void advance(FlowClass& c);
  void remove_flow(uint32_t slot);
  void refresh_due(uint32_t c);
  void recompute();
  uint32_t component_of(uint32_t c);
  uint32_t build_component(uint32_t c);
  void release_component(uint32_t id);
  void solve_component(uint32_t id);
  void sync_event();
  void meter(Link& link, engine::SimTime now);
  const Flow* find(FlowId id) const;

  engine::Simulation& sim_;
  FlowListener& listener_;
  engine::HandlerId handler_;
  std::vector<Link> links_;
  std::vector<FlowClass> classes_;
  std::vector<uint32_t> free_classes_;
  std::map<ClassKey, uint32_t, ClassKeyLess> class_of_key_;
  std::vector<Flow> flows_;
  std::vector<uint32_t> free_flows_;
  std::vector<uint32_t> flow_pos_;  // each live flow's place in its class's heap
  size_t active_flows_ = 0;
  size_t live_classes_ = 0;
  bool collect_pending_ = false;
  uint64_t next_seq_ = 0;
  engine::IndexedMinHeap<DueKey> due_;      // classes by next completion
  std::vector<uint32_t> due_pos_;
  engine::EventHandle pending_;     // the one engine event, at due_'s top
  int64_t pending_ns_ = 0;

  std::vector<Component> comps_;
  std::vector<uint32_t> free_comps_;

  // Scratch for recompute(), kept to avoid allocating per event.
  std::vector<uint32_t> seed_classes_;
  std::vector<LinkId> seed_links_;
  std::vector<uint32_t> targets_;
  std::vector<uint32_t> local_links_;
  uint32_t epoch_ = 0;
  uint32_t bfs_epoch_ = 0;
  MaxMinSolver solver_;
  std::vector<double> rates_;
  std::vector<uint64_t> done_tags_;
  FlowNetworkStats stats_;
};

}  // namespace lbsim::models
