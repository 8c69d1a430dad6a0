// Balancer: the interface every load-balancing algorithm implements.
//
// An algorithm sees a read-only view of its pool and a per-balancer RNG stream, and names a
// server or none. It owns whatever state the real algorithm keeps (a cursor, current weights,
// a hash ring, a response-time estimate...).
//
// The owner of the pool (models/balancers/balancer_pool.*) tells the algorithm what changed through the
// hooks below. Every hook has a no-op default, so an algorithm overrides only those it needs.
// The contract, in the order a run produces the calls:
//
//   1. on_pool_changed(pool)            once before the first pick, then after every change of
//                                       the pool's size;
//      on_member_changed(pool, server)  after a change of pool[server]'s weight or eligibility
//                                       (by default the same as on_pool_changed);
//   2. pick(pool, context)              for each request;
//   3. on_active_changed(pool, server)  after each change of pool[server].active: right after the
//                                       increment that follows a pick, and after each decrement
//                                       (answered, refused, failed);
//   4. on_response(server, rt, now)     when a response from `server` reaches the balancer;
//   5. on_server_names(names)           when servers are added and their identities must follow
//                                       (the initial names come from BalancerOptions::server_names).
//
// Calls 3 and 4 come with every request, so the BalancerPool makes them only for an algorithm
// that declares them in per_request_hooks() (tests/models/balancer_pool_test.cpp checks that no
// algorithm's choices depend on an undeclared one).
//
// Algorithms trust the hooks: an owner that changes a weight or an eligibility without
// on_member_changed() or on_pool_changed(), or an active count without on_active_changed(), gets stale choices (the
// indexed ones throw std::logic_error when they notice). In return each picks in its advertised
// cost (O(1) for maglev, O(log n) for least_connections). A change of the pool's size alone is
// noticed (a rebuild at the next pick).
#pragma once

#include "engine/rng.hpp"
#include "engine/sim_time.hpp"
#include "models/balancers/algorithms/server_choice.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace lbsim::models {

// What a balancer knows about one server of its pool.
struct PoolMember {
  int weight = 1;         // >= 1 (the loader enforces 1..1,000,000); algorithms treat < 1 as 1
  uint32_t active = 0;    // requests dispatched to it and not yet answered
  bool eligible = true;   // up and not marked down by health checks
  bool backup = false;    // `backup: true`: used only while no other member is eligible (backup_split.hpp)
  uint32_t max_conns = 0;  // `max_conns`: full at this many active; 0 = no limit (models/balancers/max_conns.hpp)
  bool full() const { return max_conns != 0 && active >= max_conns; }
};

struct PickContext {
  uint32_t client_address = 0;  // IPv4, first octet in the most significant byte
  std::string_view path;
  engine::SimTime now;
  engine::RngStream& rng;
};

class Balancer {
public:
  virtual ~Balancer() = default;

  // Returns the index of the chosen member, or none when no member is eligible. Never returns
  // a member whose `eligible` is false.
  virtual ServerChoice pick(std::span<const PoolMember> pool, PickContext& context) = 0;

  // The pool's size, a weight or an eligibility changed (active counts excepted). Algorithms that
  // build a table, ring, map or heap from the pool rebuild it here (or mark it stale). The owner
  // calls it once before the first pick.
  virtual void on_pool_changed(std::span<const PoolMember> /*pool*/) {}

  // Only pool[server]'s weight or eligibility changed. With max_conns a server leaves and rejoins
  // rotation with nearly every request, so the algorithms that can move one server in their
  // structure (O(log n)) do it here; the others rebuild as for any change of the pool.
  virtual void on_member_changed(std::span<const PoolMember> pool, uint32_t /*server*/) { on_pool_changed(pool); }

  // pool[server].active has just changed by one (a dispatch after a pick, or a completion).
  // least_connections and weighted_least_connections reposition the server in their heap/tree.
  virtual void on_active_changed(std::span<const PoolMember> /*pool*/, uint32_t /*server*/) {}

  // A response from `server` reached the balancer at `now`, `response_time` after its dispatch.
  // least_response_time feeds its Peak-EWMA estimator with it.
  virtual void on_response(uint32_t /*server*/, engine::SimTime /*response_time*/, engine::SimTime /*now*/) {}

  // Which of the two per-request hooks above the algorithm overrides. The owner asks once and
  // skips the calls nobody listens to: they come twice per request, and most algorithms ignore them.
  struct PerRequestHooks {
    bool active_changes = false;  // on_active_changed
    bool responses = false;       // on_response
  };
  virtual PerRequestHooks per_request_hooks() const { return {}; }

  // True for an algorithm that passes over full members itself, as HAProxy's roundrobin does
  // (lb_fwrr.c: a saturated server's turn is consumed, not lost); the owner then keeps full
  // members eligible. For the others it takes a full member out of rotation (max_conns.hpp).
  virtual bool skips_full_members() const { return false; }

  // The members' identities, names[i] for pool member i (servers were added or renamed).
  // consistent_hash and maglev hash them; the others ignore names.
  virtual void on_server_names(std::span<const std::string> /*names*/) {}
};

// The weight an algorithm uses for `member`: its weight, or 1 when it is not positive.
inline int64_t effective_weight(const PoolMember& member) { return member.weight < 1 ? 1 : member.weight; }

}  // namespace lbsim::models
