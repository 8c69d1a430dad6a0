// least_request: Envoy's least_request (source/extensions/load_balancing_policies/least_request/
// least_request_lb.{h,cc} over EdfLoadBalancerBase in common/load_balancer_impl.cc).
//
// Equal weights (or at most one eligible server), `selection_method: n_choices` (the default):
//   `choice_count` draws (default 2) of an eligible server, uniformly and with replacement; a draw
//   replaces the candidate only with strictly fewer active requests, so a tie keeps the first.
// Equal weights, `selection_method: full_scan`: the fewest active requests over all eligible
//   servers; ties by reservoir sampling (the k-th tied server replaces the candidate with
//   probability 1/k), so each tied server is equally likely. O(n), as in Envoy.
// Unequal weights: Envoy's EDF scheduler (edf_scheduler.hpp) with the weight
//   weight / (active + 1)^active_request_bias (bias default 1.0; 0 is plain weighted round robin),
//   computed when the chosen server goes back into the schedule, from its active requests before
//   this request is counted: a weight stays as it was until the server is picked again.
// The eligible servers and the schedule are rebuilt on every change of eligibility, weight or
// size, as Envoy refreshes on every host change (createWithPicks with 0 picks; Envoy's phase is
// random). Envoy's panic mode, slow start and pending-request counting are not modelled.
//
// A new algorithm rather than a variant of power_of_two_choices: it samples with replacement,
// turns to a weighted schedule when weights differ, and has options of its own.
// Cost: O(choice_count) per pick with equal weights, O(n) with full_scan, O(log n) with EDF.
#pragma once

#include "models/balancers/algorithms/balancer.hpp"
#include "models/balancers/algorithms/declaration.hpp"
#include "models/balancers/algorithms/edf_scheduler.hpp"
#include "models/balancers/algorithms/pool_watch.hpp"

#include <cmath>
#include <string>
#include <vector>

namespace lbsim::models {

class LeastRequestBalancer final : public Balancer {
public:
  enum class Selection { n_choices, full_scan };
  // "n_choices" (or "") and "full_scan"; anything else throws std::invalid_argument.
  static Selection parse_selection(const std::string& text);

  // Throws std::invalid_argument when choice_count < 2 (Envoy's bound) or the bias is negative.
  explicit LeastRequestBalancer(int choice_count = 2, double active_request_bias = 1.0,
                                Selection selection = Selection::n_choices);

  ServerChoice pick(std::span<const PoolMember> pool, PickContext& context) override;
  void on_pool_changed(std::span<const PoolMember> pool) override;

  // Envoy's hostWeight(): weight / (active + 1)^bias, with bias 1 and 0 computed as Envoy does.
  static double host_weight(const PoolMember& member, double bias)
  {
    const double weight = static_cast<double>(effective_weight(member));
    const double active = static_cast<double>(member.active) + 1;
    if (bias == 1.0) return weight / active;
    if (bias != 0.0) return weight / std::pow(active, bias);
    return weight;
  }

  // unweightedHostPickNChoices(): `draw(m)` is Envoy's random() % m, an index in [0, m).
  template <class Draw>
  static uint32_t n_choices(std::span<const PoolMember> pool, std::span<const uint32_t> hosts, uint32_t choice_count,
                            Draw&& draw)
  {
    uint32_t candidate = hosts[draw(hosts.size())];
    for (uint32_t k = 1; k < choice_count; ++k) {
      const uint32_t sampled = hosts[draw(hosts.size())];
      if (pool[sampled].active < pool[candidate].active) candidate = sampled;
    }
    return candidate;
  }

  // unweightedHostPickFullScan(): `draw(k)` is Envoy's random() % k for the k-th tie.
  template <class Draw>
  static uint32_t full_scan(std::span<const PoolMember> pool, std::span<const uint32_t> hosts, Draw&& draw)
  {
    uint32_t candidate = hosts[0];
    uint64_t tied = 1;
    for (std::size_t i = 1; i < hosts.size(); ++i) {
      const uint32_t sampled = hosts[i];
      if (pool[sampled].active < pool[candidate].active) {
        tied = 1;
        candidate = sampled;
      } else if (pool[sampled].active == pool[candidate].active) {
        ++tied;
        if (draw(tied) == 0) candidate = sampled;
      }
    }
    return candidate;
  }

private:
  void rebuild(std::span<const PoolMember> pool);

  uint32_t choice_count_;
  double bias_;
  Selection selection_;
  PoolWatch watch_;
  std::vector<uint32_t> hosts_;  // the eligible members, in pool order
  EdfScheduler edf_;             // empty unless the eligible weights differ
};

// least_request: its name, rule, options and routing (declaration.hpp).
AlgorithmDeclaration least_request_declaration();

}  // namespace lbsim::models
