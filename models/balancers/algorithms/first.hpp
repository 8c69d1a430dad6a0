// first: HAProxy's `balance first` (lb_fas.c, 2.6): the first server in pool order (HAProxy
// walks its servers by id, which config order assigns) that has a free slot under its
// max_conns; a server without max_conns is never full, so it takes everything once reached.
// It fills servers one after the other, which lets the others be switched off.
//
// A full server is out of rotation in the balancer's view (load_balancer.cpp, track_slots()),
// so the rule is "the first eligible member". Weights play no part, as in HAProxy. No state.
// Per pick: a scan over the full or down servers before the first free one, as HAProxy's walk
// of its tree (O(log n) to the first node, then one step per skipped server): O(n) at worst.
#pragma once

#include "models/balancers/algorithms/balancer.hpp"
#include "models/balancers/algorithms/declaration.hpp"

namespace lbsim::models {

class FirstBalancer final : public Balancer {
public:
  ServerChoice pick(std::span<const PoolMember> pool, PickContext& context) override;
};

// first: its name, rule, options and routing (declaration.hpp).
AlgorithmDeclaration first_declaration();

}  // namespace lbsim::models
