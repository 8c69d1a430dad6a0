// least_response_time: the least Peak-EWMA load over all eligible servers.
//
// Each server has a PeakEwma estimator (Finagle's, see peak_ewma.hpp) fed by on_response() with
// the dispatch-to-response time the balancer saw. A pick reads every eligible server's load,
// cost * (active + 1) (Penalty + active for a busy server without history), which decays its cost
// as in Finagle, and takes the smallest: a full scan, the textbook "least response time" (and the
// shape of nginx's least_time, which scans all peers), not Finagle's P2C, which compares two
// random servers (use power_of_two_choices for sampling). Equal loads, such as idle servers
// without history at the start, are broken by smooth weighted round robin over the tied servers,
// nginx's rule for least_conn and least_time. Weights play no other part.
//
// State: an estimator per server and the tie-break current weights. O(n) per pick (one exp() per
// distinct instant the servers were last read). A server added later starts without history at
// the time it is first seen.
//
// `selection: indexed` (an lbsim option, not Finagle's or nginx's): the scan's picks cannot be had
// in less than O(n), because reading decays every cost (cost *= exp(-dt/tau), rounded at each
// read), and the rounded chain of products differs from server to server. The indexed selection
// decays a cost in closed form from its last response instead, cost * exp(-(now - stamp)/tau),
// which is the same number up to rounding, and never changes a cost by reading it (a response
// first decays the cost to when the scan would last have read it, for the peak test). The order of
// two servers then no longer changes with time: ln(cost * (active + 1)) + stamp/tau ranks them,
// and they are kept in groups of equal rank (KeyedTieSets): O(log n) per pick, per response and
// per change of an active count. Servers without history rank first when idle (load 0, ties by
// smooth weighted round robin as the scan's), last when busy (the scan's Penalty + active, which
// the scan ranks below a server with history only if that server's load exceeds 2^47 ns).
#pragma once

#include "models/balancers/algorithms/balancer.hpp"
#include "models/balancers/algorithms/declaration.hpp"
#include "models/balancers/algorithms/keyed_tie_sets.hpp"
#include "models/balancers/algorithms/peak_ewma.hpp"

#include <string>
#include <utility>
#include <vector>

namespace lbsim::models {

class LeastResponseTimeBalancer final : public Balancer {
public:
  enum class Selection { scan, indexed };
  // "scan" or "" -> scan, "indexed" -> indexed; anything else throws std::invalid_argument.
  static Selection parse_selection(const std::string& text);

  // Throws std::invalid_argument unless decay > 0.
  explicit LeastResponseTimeBalancer(engine::SimTime decay = engine::seconds(10), Selection selection = Selection::scan);

  ServerChoice pick(std::span<const PoolMember> pool, PickContext& context) override;
  void on_pool_changed(std::span<const PoolMember> pool) override;
  void on_active_changed(std::span<const PoolMember> pool, uint32_t server) override;
  void on_response(uint32_t server, engine::SimTime response_time, engine::SimTime now) override;
  PerRequestHooks per_request_hooks() const override
  {
    return {.active_changes = selection_ == Selection::indexed, .responses = true};
  }

  // The estimate of one server (nanoseconds), without decaying it; 0 when unknown.
  double cost_ns(uint32_t server) const { return server < estimators_.size() ? estimators_[server].cost_ns() : 0.0; }

private:
  // The indexed selection's rank: idle without history (0), with history (1, ln load + stamp/tau),
  // busy without history (2, active).
  using Rank = std::pair<int, double>;

  void resize(std::size_t n, engine::SimTime now);
  ServerChoice pick_by_scan(std::span<const PoolMember> pool, engine::SimTime now);
  ServerChoice pick_indexed(std::span<const PoolMember> pool, engine::SimTime now);
  void resync(std::span<const PoolMember> pool);
  void rerank(uint32_t server);
  Rank rank(uint32_t server) const;

  engine::SimTime decay_;
  Selection selection_;
  std::vector<PoolMember> known_;       // indexed: each server's active count, weight and eligibility
  KeyedTieSets<Rank> ranked_;           // indexed: the eligible servers by rank
  // indexed: when the scan would have last read each server's cost (at each pick while eligible),
  // so that a response's peak test compares with the cost as the scan would have it.
  engine::SimTime last_pick_;
  uint64_t picks_ = 0;
  std::vector<uint64_t> eligible_since_pick_;  // picks_ when it last became eligible
  std::vector<engine::SimTime> scan_read_;     // its last read before it last became ineligible
  std::vector<PeakEwma> estimators_;
  std::vector<int64_t> current_weight_;
  std::vector<uint32_t> tied_;
};

// least_response_time: its name, rule, options and routing (declaration.hpp).
AlgorithmDeclaration least_response_time_declaration();

}  // namespace lbsim::models
