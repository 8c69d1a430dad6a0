// sticky_round_robin: round robin for new clients, then each client stays on its server.
//
// A pin table maps a client address to the server it was sent to, like nginx's `sticky learn`
// (ngx_http_upstream_sticky_module.c) and HAProxy's stick-table on the source address:
//   - a client without a live pin gets the next eligible server in round robin (configuration
//     order, weights ignored: round_robin.hpp) and is pinned to it;
//   - a pin unused for `timeout` (measured from its creation or last use; default 10 min, nginx
//     sticky learn's default) is forgotten: the client is new again;
//   - a pin to an ineligible server (down, failed, or removed from the pool) is overwritten with a
//     fresh round-robin choice: no snap-back when the old server recovers (HAProxy stick-table
//     store, ALB, nginx sticky cookie rewrite; nginx's hash/ip_hash would snap back).
// Vector: 192.168.1.2 -> A, .3 -> B, .2 -> A, .4 -> C. With no eligible server the pick is none and
// the pin is kept.
//
// State: the pin table and its expiry order, which hold only clients seen within the timeout
// (expired pins are dropped as time passes, so memory follows the active clients, not every client
// ever seen), plus the round-robin cursor. The pins form a list from the least recently used,
// which time's order keeps sorted: a use moves its pin to the recent end (O(1), as simulated time
// only moves forward; a step back in time walks the list to keep it sorted), and expiry takes
// from the old end. With a hash table from client to pin: O(1) per pick.
#pragma once

#include "models/balancers/algorithms/balancer.hpp"
#include "models/balancers/algorithms/declaration.hpp"
#include "models/balancers/algorithms/round_robin.hpp"

#include <optional>
#include <unordered_map>
#include <vector>

namespace lbsim::models {

class StickyRoundRobinBalancer final : public Balancer {
public:
  // Throws std::invalid_argument unless timeout > 0.
  explicit StickyRoundRobinBalancer(engine::SimTime timeout = engine::minutes(10));

  ServerChoice pick(std::span<const PoolMember> pool, PickContext& context) override;

  // How many clients are pinned now (pins past their timeout are counted until the next pick).
  std::size_t pin_table_size() const { return pins_.size(); }
  // The server `client_address` is pinned to, if any.
  ServerChoice pinned_server(uint32_t client_address) const;

private:
  static constexpr uint32_t kNone = UINT32_MAX;
  struct Pin {
    uint32_t client;
    uint32_t server;
    engine::SimTime last_used;
    uint32_t older = kNone;  // neighbours in the order of last use
    uint32_t newer = kNone;
  };

  void expire(engine::SimTime now);
  void pin(uint32_t client, uint32_t server, engine::SimTime now);
  void unlink(uint32_t index);
  void link_in_order(uint32_t index);  // by last_used, among the pins already linked

  engine::SimTime timeout_;
  std::unordered_map<uint32_t, uint32_t> pins_;  // client address -> index in slots_
  std::vector<Pin> slots_;
  std::vector<uint32_t> free_slots_;
  uint32_t oldest_ = kNone;
  uint32_t newest_ = kNone;
  RoundRobinBalancer round_robin_;
};

// sticky_round_robin: its name, rule, options and routing (declaration.hpp).
AlgorithmDeclaration sticky_round_robin_declaration();

}  // namespace lbsim::models
