// least_connections: nginx's least_conn (ngx_http_upstream_least_conn_module.c).
//
// The eligible server with the fewest active requests per unit of weight wins, compared exactly
// as active_a * weight_b < active_b * weight_a. Ties are broken by nginx's smooth weighted round
// robin over the tied servers only (cw += w for each tied server, the largest cw wins, first in
// configuration order on equal cw, the winner does cw -= total), so equal idle servers take turns:
// 2,1,1 all idle -> a b c a a b c a.
//
// Cost: nginx scans all peers (O(n)). Here, once the owner calls on_pool_changed(), the eligible
// servers sit in an indexed binary min-heap keyed on (active/weight, index) and
// on_active_changed() moves one server in O(log n). A pick reads the root; the servers tied with
// it form a subtree at the root (a heap never puts a larger key above a smaller one), so a unique
// minimum is recognised from the root's two children in O(1), and t tied servers cost O(t).
// Before the first on_pool_changed(), and for pools of at most 32 servers, it scans the pool as
// nginx does (one pass that also collects the ties), with the same choices.
#pragma once

#include "models/balancers/balancer.hpp"

#include <vector>

namespace lbsim::models {

class LeastConnectionsBalancer final : public Balancer {
public:
  std::optional<uint32_t> pick(std::span<const PoolMember> pool, PickContext& context) override;
  void on_pool_changed(std::span<const PoolMember> pool) override;
  void on_active_changed(std::span<const PoolMember> pool, uint32_t server) override;
  PerRequestHooks per_request_hooks() const override { return {.active_changes = true}; }

private:
  static constexpr uint32_t kNotInHeap = 0xffff'ffffu;
  static constexpr std::size_t kScanUpTo = 32;  // pools up to this size are scanned, as nginx does
  // A server's place in the equal-weights scan: its active count, past any count when ineligible
  // (computed without a branch).
  static constexpr uint64_t kNoneEligible = uint64_t{1} << 32;
  static uint64_t load_key(const PoolMember& p) { return uint64_t{p.active} | (uint64_t{!p.eligible} << 32); }

  struct Entry {
    uint64_t active = 0;
    uint64_t weight = 1;
    bool eligible = false;
    uint32_t position = kNotInHeap;  // index in heap_
  };

  std::optional<uint32_t> pick_by_scan(std::span<const PoolMember> pool);
  std::optional<uint32_t> pick_equal_weights(std::span<const PoolMember> pool);
  std::optional<uint32_t> pick_from_heap(std::span<const PoolMember> pool);
  uint32_t break_tie(std::span<const uint32_t> tied);
  void rebuild(std::span<const PoolMember> pool);
  void check_in_step(std::span<const PoolMember> pool, uint32_t member) const;

  bool less(uint32_t a, uint32_t b) const;
  bool same_load(uint32_t a, uint32_t b) const;
  void place(std::size_t position, uint32_t member);
  void sift_up(std::size_t position);
  void sift_down(std::size_t position);

  std::vector<int64_t> current_weight_;  // nginx's per-peer `current_weight`
  bool attached_ = false;                // on_pool_changed() seen: the heap is authoritative
  bool uniform_weights_ = false;         // as of the last on_pool_changed(), all weights are equal
  uint32_t known_size_ = 0;              // the pool size at that call
  std::vector<Entry> members_;
  std::vector<uint32_t> heap_;           // member indices of the eligible servers
  std::vector<uint32_t> tied_;           // scratch: the tie set of a pick
  std::vector<uint32_t> stack_;          // scratch: heap positions still to visit
};

}  // namespace lbsim::models
