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
// State: the list of eligible members, whose order is the shuffle's. After every change of the
// pool it starts again in pool order. With max_conns a server leaves and rejoins rotation with
// nearly every request, so the list is not written out at each change (O(n)): until n / 32 picks
// pass without a change it is read as "the k-th eligible member in pool order" (a Fenwick tree
// over the members, O(log n)) with the places the picks have swapped kept apart. The choices are
// the same either way (tests/models/balancer_test.cpp holds it against a list rebuilt at every
// change). O(d) per pick once written out, O(d log n) before; O(log n) per change of one member.
#pragma once

#include "models/balancers/algorithms/balancer.hpp"
#include "models/balancers/algorithms/declaration.hpp"
#include "models/balancers/algorithms/weight_prefix_sums.hpp"

#include <vector>

namespace lbsim::models {

class PowerOfTwoChoicesBalancer final : public Balancer {
public:
  // Throws std::invalid_argument when choices < 1.
  explicit PowerOfTwoChoicesBalancer(int choices = 2);

  ServerChoice pick(std::span<const PoolMember> pool, PickContext& context) override;
  void on_pool_changed(std::span<const PoolMember> pool) override;
  void on_member_changed(std::span<const PoolMember> pool, uint32_t server) override;

  // The members the last pick sampled, in the order drawn, until the pool changes: the first d
  // places of the list, where the shuffle put them, so keeping them costs the pick nothing.
  // (The GUI's explanation of a pick, models/balancers/explain/pick_explanation.hpp.)
  std::vector<uint32_t> last_sample() const;

private:
  void start_list_again();  // pool order, read through eligible_
  uint32_t at(uint32_t place) const;
  void put(uint32_t place, uint32_t server);
  void write_list_out(std::span<const PoolMember> pool);

  uint32_t choices_;
  WeightPrefixSums eligible_;  // 1 for an eligible member, as the hooks last said
  std::vector<uint32_t> list_;  // the list written out, when written_
  bool written_ = false;
  // The places the picks have swapped since the last change: swapped_[place] holds a member when
  // swapped_at_[place] is this change's number (so a change forgets them all in O(1)).
  std::vector<uint32_t> swapped_;
  std::vector<uint32_t> swapped_at_;
  uint32_t change_ = 1;
  std::size_t picks_since_change_ = 0;
};

// power_of_two_choices: its name, rule, options and routing (declaration.hpp).
AlgorithmDeclaration power_of_two_choices_declaration();

}  // namespace lbsim::models
