// power_of_two_choices: sample d distinct eligible servers uniformly at random and send the
// request to the one with the fewest active requests (Finagle's P2C, p2c/P2CPick.scala, samples two
// distinct nodes; `choices` sets d, default 2; d = 1 is plain uniform random).
//
// Sampling is a partial Fisher-Yates shuffle of the eligible members: d draws of
// RngStream::below(m - k), without replacement (Envoy's least_request samples with replacement).
// Ties go to the first sampled server: Envoy's least_request keeps the first sample on a tie, while
// Finagle's P2C and nginx's `random two` take the second; sampling is uniform, so the choice of
// rule does not bias the load. Weights are ignored (the comparison is on active requests alone,
// as in Finagle's least-loaded P2C). With d >= the number of eligible servers every eligible
// server is sampled, in random order.
//
// State: the list of eligible members (its order is the shuffle's), rebuilt when the pool
// changes. O(d) per pick.
#pragma once

#include "models/balancers/algorithms/balancer.hpp"
#include "models/balancers/algorithms/declaration.hpp"
#include "models/balancers/algorithms/pool_watch.hpp"

#include <vector>

namespace lbsim::models {

class PowerOfTwoChoicesBalancer final : public Balancer {
public:
  // Throws std::invalid_argument when choices < 1.
  explicit PowerOfTwoChoicesBalancer(int choices = 2);

  ServerChoice pick(std::span<const PoolMember> pool, PickContext& context) override;
  void on_pool_changed(std::span<const PoolMember> pool) override;

private:
  uint32_t choices_;
  PoolWatch watch_;
  std::vector<uint32_t> eligible_;
};

// power_of_two_choices: its name, rule, options and routing (declaration.hpp).
AlgorithmDeclaration power_of_two_choices_declaration();

}  // namespace lbsim::models
