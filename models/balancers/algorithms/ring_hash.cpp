#include "models/balancers/algorithms/ring_hash.hpp"

#include "models/balancers/hashing/xxhash64.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace lbsim::models {

RingHashBalancer::RingHashBalancer(RequestKeySource source, std::vector<std::string> names, uint64_t minimum_ring_size,
                                   uint64_t maximum_ring_size)
    : key_(source), names_(std::move(names)), minimum_ring_size_(minimum_ring_size), maximum_ring_size_(maximum_ring_size)
{
  for (const uint64_t size : {minimum_ring_size, maximum_ring_size})
    if (size < 1 || size > kDefaultMaximumRingSize)
      throw std::invalid_argument("ring_hash: ring sizes must be between 1 and 8388608, not " + std::to_string(size));
  if (minimum_ring_size > maximum_ring_size)
    throw std::invalid_argument("ring_hash: minimum_ring_size (" + std::to_string(minimum_ring_size) +
                                ") > maximum_ring_size (" + std::to_string(maximum_ring_size) + ")");
}

std::vector<RingHashBalancer::Point> RingHashBalancer::build_ring(std::span<const std::string> keys,
                                                                  std::span<const int64_t> weights,
                                                                  uint64_t minimum_ring_size, uint64_t maximum_ring_size)
{
  std::vector<Point> ring;
  if (keys.empty()) return ring;
  uint64_t sum = 0;
  for (const int64_t w : weights) sum += static_cast<uint64_t>(w);
  // normalizeHostWeights(): weight * 1.0 / sum, and the smallest of them.
  std::vector<double> normalized;
  double min_weight = 1.0;
  for (const int64_t w : weights) {
    normalized.push_back(static_cast<double>(w) * 1.0 / static_cast<double>(sum));
    min_weight = std::min(min_weight, normalized.back());
  }
  const double scale = std::min(std::ceil(min_weight * static_cast<double>(minimum_ring_size)) / min_weight,
                                static_cast<double>(maximum_ring_size));
  ring.reserve(static_cast<std::size_t>(std::ceil(scale)));
  double current = 0.0;
  double target = 0.0;
  std::string hash_key;
  for (std::size_t s = 0; s < keys.size(); ++s) {
    target += scale * normalized[s];
    for (uint64_t i = 0; current < target; ++i, ++current) {
      hash_key.assign(keys[s]).append("_").append(std::to_string(i));
      ring.push_back(Point{xxhash64(hash_key, 0), static_cast<uint32_t>(s)});
    }
  }
  // Envoy's std::sort leaves equal hashes in no particular order; lbsim keeps pool order.
  std::stable_sort(ring.begin(), ring.end(), [](const Point& a, const Point& b) { return a.hash < b.hash; });
  return ring;
}

// Envoy's port of ketama_get_server(), with its signed bounds and `highp = midp - 1`.
std::size_t RingHashBalancer::find_point(std::span<const Point> ring, uint64_t h)
{
  const auto size = static_cast<int64_t>(ring.size());
  int64_t lowp = 0;
  int64_t highp = size;
  for (;;) {
    const int64_t midp = (lowp + highp) / 2;
    if (midp == size) return 0;
    const uint64_t midval = ring[static_cast<std::size_t>(midp)].hash;
    const uint64_t midval1 = midp == 0 ? 0 : ring[static_cast<std::size_t>(midp - 1)].hash;
    if (h <= midval && h > midval1) return static_cast<std::size_t>(midp);
    if (midval < h) lowp = midp + 1;
    else highp = midp - 1;
    if (lowp > highp) return 0;
  }
}

void RingHashBalancer::rebuild(std::span<const PoolMember> pool)
{
  std::vector<uint32_t> members;
  std::vector<std::string> keys;
  std::vector<int64_t> weights;
  for (uint32_t i = 0; i < pool.size(); ++i) {
    if (!pool[i].eligible) continue;
    members.push_back(i);
    keys.push_back(i < names_.size() ? names_[i] : "server" + std::to_string(i + 1));
    weights.push_back(effective_weight(pool[i]));
  }
  ring_ = build_ring(keys, weights, minimum_ring_size_, maximum_ring_size_);
  for (Point& point : ring_) point.server = members[point.server];
}

void RingHashBalancer::on_pool_changed(std::span<const PoolMember> pool) { watch_.notify(pool); }

void RingHashBalancer::on_server_names(std::span<const std::string> names)
{
  names_.assign(names.begin(), names.end());
  watch_.invalidate();
}

ServerChoice RingHashBalancer::pick(std::span<const PoolMember> pool, PickContext& context)
{
  if (watch_.needs_rebuild(pool)) rebuild(pool);
  if (ring_.empty()) return std::nullopt;
  const uint32_t chosen = ring_[find_point(ring_, xxhash64(key_.text(context), 0))].server;
  if (!pool[chosen].eligible)
    throw std::logic_error("ring_hash: server " + std::to_string(chosen) + " became ineligible without on_pool_changed()");
  return chosen;
}

AlgorithmDeclaration ring_hash_declaration()
{
  return {"ring_hash",
          "Envoy's ring_hash: the first point at or after the request key's xxHash64 on a ring of xxHash64(\"name_i\") "
          "points.",
          {{"hash_key", AlgorithmOption::Type::choice, &BalancerOptions::hash_key,
            "what is hashed: client (the address, default) or path", {"client", "path"}},
           {"minimum_ring_size", AlgorithmOption::Type::integer, &BalancerOptions::minimum_ring_size,
            "the fewest points on the ring (Envoy's default 1024)", {}, 1, 8388608},
           {"maximum_ring_size", AlgorithmOption::Type::integer, &BalancerOptions::maximum_ring_size,
            "the most points on the ring (Envoy's default 8388608)", {}, 1, 8388608}},
          AnalyticRouting::by_hash,
          [](const BalancerOptions& o) {
            return std::make_unique<RingHashBalancer>(parse_request_key_source(o.hash_key), o.server_names,
                                                      o.minimum_ring_size, o.maximum_ring_size);
          }};
}

}  // namespace lbsim::models
