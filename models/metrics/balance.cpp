#include "models/metrics/balance.hpp"

#include <algorithm>

namespace lbsim::models {

BalanceFigures balance_of(std::span<const uint64_t> counts)
{
  BalanceFigures b;
  if (counts.empty()) return b;
  double sum = 0, sum_squares = 0, max = 0;
  for (const uint64_t c : counts) {
    const auto x = static_cast<double>(c);
    sum += x;
    sum_squares += x * x;
    max = std::max(max, x);
  }
  if (sum == 0) return b;
  const auto n = static_cast<double>(counts.size());
  b.max_over_mean = max / (sum / n);
  b.jain_index = sum * sum / (n * sum_squares);
  return b;
}

}  // namespace lbsim::models
