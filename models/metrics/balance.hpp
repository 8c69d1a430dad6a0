// How evenly a balancer spread the work: imbalance figures over per-server counts (completed
// requests), reported as summary.json's `balance` block (docs/results.md).
#pragma once

#include <cstdint>
#include <span>

namespace lbsim::models {

struct BalanceFigures {
  // The busiest server's count over the mean count: 1 is perfect, n means one server took all of
  // the work of n. 1 when every count is zero.
  double max_over_mean = 1.0;
  // Jain's fairness index (sum x)^2 / (n * sum x^2), Jain, Chiu and Hawe (DEC-TR-301, 1984):
  // 1 when all counts are equal, 1/n when one server has everything. 1 when every count is zero.
  double jain_index = 1.0;
};

// Over an empty span both are 1.
BalanceFigures balance_of(std::span<const uint64_t> counts);

}  // namespace lbsim::models
