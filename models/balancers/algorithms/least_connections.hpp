// least_connections: nginx's least_conn (ngx_http_upstream_least_conn_module.c).
//
// The eligible server with the fewest active requests per unit of weight wins, compared exactly
// as active_a * weight_b < active_b * weight_a. Ties are broken by nginx's smooth weighted round
// robin over the tied servers only (cw += w for each tied server, the largest cw wins, first in
// configuration order on equal cw, the winner does cw -= total), so equal idle servers take turns:
// 2,1,1 all idle -> a b c a a b c a.
//
// Cost: nginx scans all peers (O(n)). Here, once the owner calls on_pool_changed(), the servers
// are kept in a structure that on_active_changed() updates, chosen by the pool:
//   - equal weights, at most 64 servers: LoadLevels, a bit mask of servers per active count; a
//     pick reads the tie set in O(1) and breaks the tie in O(t) for t tied servers;
//   - otherwise, more than 32 servers: LoadTieSets, the eligible servers grouped by load, each group
//     a SmoothWeightSet (nginx's current weights kept lazily, one heap per distinct weight); a pick
//     takes the least load's group and breaks its tie there, in O(log n + k) for k distinct
//     weights, and on_active_changed() moves one server between groups in the same cost;
//   - otherwise (uneven weights, at most 32 servers): a scan of the pool as nginx does (one pass
//     that also collects the ties).
// All three make the same choices (tests/models/balancer_test.cpp and balancer_scale_test.cpp hold
// them to an nginx scan).
#pragma once

#include "models/balancers/algorithms/balancer.hpp"
#include "models/balancers/algorithms/declaration.hpp"
#include "models/balancers/algorithms/load_levels.hpp"
#include "models/balancers/algorithms/load_tie_sets.hpp"

#include <vector>

namespace lbsim::models {

class LeastConnectionsBalancer final : public Balancer {
public:
  ServerChoice pick(std::span<const PoolMember> pool, PickContext& context) override;
  void on_pool_changed(std::span<const PoolMember> pool) override;
  void on_member_changed(std::span<const PoolMember> pool, uint32_t server) override;
  void on_active_changed(std::span<const PoolMember> pool, uint32_t server) override;
  PerRequestHooks per_request_hooks() const override { return {.active_changes = true}; }

private:
  static constexpr std::size_t kScanUpTo = 32;  // uneven pools up to this size are scanned, as nginx does
  enum class Mode { scan, levels, tie_sets };

  ServerChoice pick_by_mode(std::span<const PoolMember> pool);
  ServerChoice pick_by_scan(std::span<const PoolMember> pool);
  ServerChoice pick_from_levels(std::span<const PoolMember> pool);
  ServerChoice pick_from_tie_sets(std::span<const PoolMember> pool);
  [[gnu::noinline]] void on_other_active_change(std::span<const PoolMember> pool, uint32_t server);
  bool tie_sets_in_step(std::span<const PoolMember> pool, uint32_t server) const;

  std::vector<int64_t> current_weight_;  // nginx's per-peer `current_weight` (in tie_sets mode, tie_sets_ holds them)
  Mode mode_ = Mode::scan;               // levels and tie_sets trust the hooks (after on_pool_changed())
  int64_t uniform_weight_ = 0;           // in levels mode, every member's weight
  LoadLevels levels_;
  LoadTieSets tie_sets_;
  std::vector<uint32_t> tied_;           // scratch: the tie set of a scan
};

// least_connections: its name, rule, options and routing (declaration.hpp).
AlgorithmDeclaration least_connections_declaration();

}  // namespace lbsim::models
