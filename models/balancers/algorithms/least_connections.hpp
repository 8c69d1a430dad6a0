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
//   - otherwise, more than 32 servers: an indexed binary min-heap keyed on (active/weight, index)
//     that on_active_changed() moves one server in, O(log n). A pick reads the root; the servers
//     tied with it form a subtree at the root (a heap never puts a larger key above a smaller one),
//     so a unique minimum is recognised from the root's two children in O(1), and t ties cost O(t);
//   - otherwise (uneven weights, at most 32 servers), and before the first on_pool_changed(): a
//     scan of the pool as nginx does (one pass that also collects the ties).
// All three make the same choices (tests/models/balancer_test.cpp holds them to an nginx scan).
#pragma once

#include "models/balancers/algorithms/balancer.hpp"
#include "models/balancers/algorithms/declaration.hpp"
#include "models/balancers/algorithms/load_levels.hpp"

#include <vector>

namespace lbsim::models {

class LeastConnectionsBalancer final : public Balancer {
public:
  ServerChoice pick(std::span<const PoolMember> pool, PickContext& context) override;
  void on_pool_changed(std::span<const PoolMember> pool) override;
  void on_active_changed(std::span<const PoolMember> pool, uint32_t server) override;
  PerRequestHooks per_request_hooks() const override { return {.active_changes = true}; }

private:
  static constexpr uint32_t kNotInHeap = 0xffff'ffffu;
  static constexpr std::size_t kScanUpTo = 32;  // uneven pools up to this size are scanned, as nginx does
  enum class Mode { scan, levels, heap };

  struct Entry {
    uint64_t active = 0;
    uint64_t weight = 1;
    bool eligible = false;
    uint32_t position = kNotInHeap;  // index in heap_
  };

  ServerChoice pick_by_mode(std::span<const PoolMember> pool);
  ServerChoice pick_by_scan(std::span<const PoolMember> pool);
  ServerChoice pick_from_levels(std::span<const PoolMember> pool);
  ServerChoice pick_from_heap(std::span<const PoolMember> pool);
  uint32_t break_tie(std::span<const uint32_t> tied);
  void rebuild(std::span<const PoolMember> pool);
  [[gnu::noinline]] void on_other_active_change(std::span<const PoolMember> pool, uint32_t server);
  void check_in_step(std::span<const PoolMember> pool, uint32_t member) const;

  bool less(uint32_t a, uint32_t b) const;
  bool same_load(uint32_t a, uint32_t b) const;
  void place(std::size_t position, uint32_t member);
  void sift_up(std::size_t position);
  void sift_down(std::size_t position);

  std::vector<int64_t> current_weight_;  // nginx's per-peer `current_weight`
  Mode mode_ = Mode::scan;               // levels and heap trust the hooks (after on_pool_changed())
  int64_t uniform_weight_ = 0;           // in levels mode, every member's weight
  LoadLevels levels_;
  std::vector<Entry> members_;
  std::vector<uint32_t> heap_;           // member indices of the eligible servers
  std::vector<uint32_t> tied_;           // scratch: the tie set of a pick
  std::vector<uint32_t> stack_;          // scratch: heap positions still to visit
};

// least_connections: its name, rule, options and routing (declaration.hpp).
AlgorithmDeclaration least_connections_declaration();

}  // namespace lbsim::models
