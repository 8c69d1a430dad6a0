// weighted_least_connections: HAProxy's `balance leastconn` (src/lb_fwlc.c), the dynamic
// weighted least-connections of HAProxy 3.x.
//
// Each usable server has the key 0 when idle, else (inflight + 1) * 4096 / eweight, with
// eweight = weight * 16 (BE_WEIGHT_SCALE) and inflight = its active requests (HAProxy's served +
// queued: lbsim's balancer counts a request from dispatch to response, queue included). The
// smallest key wins, so an idle server beats any weight: A (w2, 3 inflight) = 512,
// B (w1, 1) = 512, C idle = 0 -> C. Keys are integers, as HAProxy's (coarse for weights far above
// HAProxy's maximum of 256); lbsim computes them in 64 bits, where HAProxy's 32 bits would wrap
// beyond about a million requests in flight.
//
// Equal keys: HAProxy keeps the servers of one key in lists and moves a server to the tail of its
// new key's list only when its key changes (fwlc_srv_reposition()); the head is taken. With one
// thread that is first-in-first-out per key, which lbsim models exactly (HAProxy spreads a key's
// servers over several lists picked at random to cut lock contention: "roughly round robin").
// Idle equal servers therefore take turns in configuration order.
//
// Cost: HAProxy's ebtree is ordered on (key, arrival in the key); here each key present has a
// first-in-first-out list of its servers (linked through the servers' slots) and the keys are in
// an ordered map, which is the same order: O(1) to pick, O(log g) per on_active_changed() for g
// distinct keys (a handful: keys follow the active counts), instead of O(log n).
#pragma once

#include "models/balancers/algorithms/balancer.hpp"
#include "models/balancers/algorithms/declaration.hpp"

#include <map>
#include <vector>

namespace lbsim::models {

class WeightedLeastConnectionsBalancer final : public Balancer {
public:
  // With slow start the pool's weights count sixteenths already (HAProxy's eweight).
  explicit WeightedLeastConnectionsBalancer(bool weights_in_sixteenths = false) : sixteenths_(weights_in_sixteenths) {}

  // HAProxy's key for one server (0 if idle).
  static uint64_t key(const PoolMember& member, bool weights_in_sixteenths = false);

  ServerChoice pick(std::span<const PoolMember> pool, PickContext& context) override;
  void on_pool_changed(std::span<const PoolMember> pool) override;
  void on_member_changed(std::span<const PoolMember> pool, uint32_t server) override;
  void on_active_changed(std::span<const PoolMember> pool, uint32_t server) override;
  PerRequestHooks per_request_hooks() const override { return {.active_changes = true}; }

private:
  bool sixteenths_ = false;
  static constexpr uint32_t kNone = UINT32_MAX;
  struct Slot {
    bool queued = false;
    uint64_t key = 0;
    int64_t weight = 0;
    uint32_t previous = kNone;  // neighbours in its key's list
    uint32_t next = kNone;
  };
  struct KeyList {
    uint32_t head = kNone;  // the first to arrive at this key, taken first
    uint32_t tail = kNone;
  };

  void resync(std::span<const PoolMember> pool);
  void reposition(uint32_t member, const PoolMember& state);
  void unlink(uint32_t member);
  void append(uint32_t member);

  std::vector<Slot> slots_;
  std::map<uint64_t, KeyList> keys_;  // non-empty lists only
};

// weighted_least_connections: its name, rule, options and routing (declaration.hpp).
AlgorithmDeclaration weighted_least_connections_declaration();

}  // namespace lbsim::models
