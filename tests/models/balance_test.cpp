// Imbalance figures of summary.json's `balance` block on vectors computed by hand.
#include "models/metrics/balance.hpp"

#include <catch2/catch.hpp>

#include <vector>

using lbsim::models::balance_of;

TEST_CASE("Jain's index and max/mean on hand-computed vectors", "[balance]")
{
  using V = std::vector<uint64_t>;
  // Equal counts: perfectly fair.
  CHECK(balance_of(V{5, 5, 5, 5}).jain_index == 1.0);
  CHECK(balance_of(V{5, 5, 5, 5}).max_over_mean == 1.0);
  // One server has everything: 1/n and n.
  CHECK(balance_of(V{12, 0, 0, 0}).jain_index == Approx(0.25));
  CHECK(balance_of(V{12, 0, 0, 0}).max_over_mean == Approx(4.0));
  // 1, 2, 3: (6)^2 / (3 * 14) = 36/42 = 6/7; max 3 over mean 2 = 1.5.
  CHECK(balance_of(V{1, 2, 3}).jain_index == Approx(6.0 / 7.0));
  CHECK(balance_of(V{1, 2, 3}).max_over_mean == Approx(1.5));
  // 10, 30: 1600 / (2 * 1000) = 0.8; 30 / 20 = 1.5.
  CHECK(balance_of(V{10, 30}).jain_index == Approx(0.8));
  CHECK(balance_of(V{10, 30}).max_over_mean == Approx(1.5));
  // Half the servers idle: k of n equal, the rest 0 -> k/n.
  CHECK(balance_of(V{7, 7, 0, 0, 0, 0}).jain_index == Approx(2.0 / 6.0));
  // Nothing completed, or no servers: 1 and 1 by definition.
  CHECK(balance_of(V{0, 0, 0}).jain_index == 1.0);
  CHECK(balance_of(V{0, 0, 0}).max_over_mean == 1.0);
  CHECK(balance_of(V{}).jain_index == 1.0);
}
