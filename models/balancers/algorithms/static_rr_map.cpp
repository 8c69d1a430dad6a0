#include "models/balancers/algorithms/static_rr_map.hpp"

#include <numeric>

namespace lbsim::models {

std::vector<uint32_t> build_static_rr_map(std::span<const PoolMember> pool)
{
  const auto n = static_cast<uint32_t>(pool.size());
  // HAProxy reduces by the GCD of every server's configured weight, usable or not.
  int64_t divisor = 0;
  for (const PoolMember& m : pool) divisor = std::gcd(divisor, effective_weight(m));
  if (divisor == 0) return {};

  std::vector<int64_t> weight(n, 0);
  int64_t tot = 0;
  for (uint32_t i = 0; i < n; ++i) {
    if (!pool[i].eligible) continue;
    weight[i] = effective_weight(pool[i]) / divisor;
    tot += weight[i];
  }
  std::vector<uint32_t> map;
  if (tot == 0) return map;
  map.reserve(static_cast<std::size_t>(tot));

  std::vector<int64_t> score(n, 0);  // HAProxy's wscore
  for (int64_t slot = 0; slot < tot; ++slot) {
    uint32_t best = n;
    int64_t max = 0;
    for (uint32_t i = 0; i < n; ++i) {
      if (weight[i] == 0) continue;
      if (tot == 1) {  // one slot: the first usable server, as HAProxy short-cuts it
        best = i;
        break;
      }
      score[i] += weight[i];
      const int64_t v = (score[i] + tot) / tot;  // truncating division, as in C
      if (best == n || v > max) {
        max = v;
        best = i;
      }
    }
    map.push_back(best);
    score[best] -= tot;
  }
  return map;
}

}  // namespace lbsim::models
