#include "models/balancers/algorithms/consistent_hash.hpp"

#include "models/balancers/hashing/request_key.hpp"
#include "models/balancers/hashing/crc32.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

namespace lbsim::models {

namespace {

constexpr int kPointsPerWeight = 160;
constexpr int kMaxTries = 20;
constexpr uint64_t kMaxPoints = uint64_t{1} << 24;  // 128 MiB of ring: far beyond any sane pool

std::string member_identity(const std::vector<std::string>& names, std::size_t i)
{
  return i < names.size() ? names[i] : "server" + std::to_string(i + 1);
}

}  // namespace

ConsistentHashBalancer::ConsistentHashBalancer(RequestKeySource source, std::vector<std::string> names)
    : key_(source), names_(std::move(names))
{
}

std::pair<std::string_view, std::string_view> ConsistentHashBalancer::split_host_port(std::string_view server)
{
  for (std::size_t j = 0; j < server.size(); ++j) {
    const char c = server[server.size() - j - 1];
    if (c == ':') return {server.substr(0, server.size() - j - 1), server.substr(server.size() - j)};
    if (c < '0' || c > '9') break;
  }
  return {server, std::string_view{}};
}

std::vector<ConsistentHashBalancer::Point> ConsistentHashBalancer::build_ring(std::span<const std::string> identities,
                                                                              std::span<const int64_t> weights)
{
  uint64_t total = 0;
  for (const int64_t w : weights) total += static_cast<uint64_t>(w) * kPointsPerWeight;
  if (total > kMaxPoints)
    throw std::length_error("consistent_hash: " + std::to_string(total) +
                            " ring points (160 per unit of weight) is more than the 16,777,216 supported");
  std::vector<Point> ring;
  ring.reserve(static_cast<std::size_t>(total));
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const auto [host, port] = split_host_port(identities[i]);
    uint32_t base = crc32_update(kCrc32Init, host);
    base = crc32_update(base, std::string_view("", 1));
    base = crc32_update(base, port);
    uint32_t previous = 0;
    for (int64_t j = 0; j < weights[i] * kPointsPerWeight; ++j) {
      const std::array<char, 4> bytes = {static_cast<char>(previous & 0xffu), static_cast<char>((previous >> 8) & 0xffu),
                                         static_cast<char>((previous >> 16) & 0xffu),
                                         static_cast<char>((previous >> 24) & 0xffu)};
      const uint32_t point = crc32_final(crc32_update(base, std::string_view(bytes.data(), bytes.size())));
      ring.push_back(Point{point, static_cast<uint32_t>(i)});
      previous = point;
    }
  }
  std::sort(ring.begin(), ring.end(),
            [](const Point& a, const Point& b) { return a.hash != b.hash ? a.hash < b.hash : a.member < b.member; });
  ring.erase(std::unique(ring.begin(), ring.end(), [](const Point& a, const Point& b) { return a.hash == b.hash; }),
             ring.end());
  return ring;
}

void ConsistentHashBalancer::rebuild(std::span<const PoolMember> pool)
{
  std::vector<std::string> identities;
  std::vector<int64_t> weights;
  identities.reserve(pool.size());
  weights.reserve(pool.size());
  for (std::size_t i = 0; i < pool.size(); ++i) {
    identities.push_back(member_identity(names_, i));
    weights.push_back(effective_weight(pool[i]));
  }
  ring_ = build_ring(identities, weights);
  int bits = 0;
  while (bits < 24 && (std::size_t{2} << bits) < ring_.size()) ++bits;  // one or two points per bucket
  bucket_shift_ = 32 - bits;
  const std::size_t buckets = std::size_t{1} << bits;
  bucket_start_.assign(buckets + 1, static_cast<uint32_t>(ring_.size()));
  std::size_t point = 0;
  for (std::size_t b = 0; b < buckets; ++b) {
    const uint64_t start = uint64_t{b} << bucket_shift_;
    while (point < ring_.size() && ring_[point].hash < start) ++point;
    bucket_start_[b] = static_cast<uint32_t>(point);
  }
}

// lower_bound over the ring, started at the hash's bucket: the answer lies between the bucket's
// first point and the next bucket's.
std::size_t ConsistentHashBalancer::first_point_at_or_after(uint32_t hash) const
{
  const std::size_t bucket = bucket_shift_ >= 32 ? 0 : hash >> bucket_shift_;
  std::size_t point = bucket_start_[bucket];
  const std::size_t end = bucket_start_[bucket + 1];
  while (point < end && ring_[point].hash < hash) ++point;
  return point;
}

void ConsistentHashBalancer::on_pool_changed(std::span<const PoolMember> pool) { watch_.notify(pool); }

void ConsistentHashBalancer::on_server_names(std::span<const std::string> names)
{
  names_.assign(names.begin(), names.end());
  watch_.invalidate();
}

ServerChoice ConsistentHashBalancer::pick(std::span<const PoolMember> pool, PickContext& context)
{
  if (watch_.needs_rebuild(pool)) rebuild(pool);
  const std::string_view key = key_.text(context);
  if (pool.size() < 2 || key.empty() || ring_.empty()) return fallback_.pick(pool);

  const uint32_t h = crc32(key);
  const std::size_t first = first_point_at_or_after(h);
  for (std::size_t tries = 0; tries <= kMaxTries; ++tries) {
    const uint32_t member = ring_[(first + tries) % ring_.size()].member;
    if (member < pool.size() && pool[member].eligible) return member;
  }
  return fallback_.pick(pool);
}

AlgorithmDeclaration consistent_hash_declaration()
{
  AlgorithmDeclaration declaration{"consistent_hash",
          "hashes the request key onto a ring of servers: few keys move when the pool changes.",
          {{"hash_key", AlgorithmOption::Type::choice, &BalancerOptions::hash_key,
       "what is hashed: client (the address, default) or path", {"client", "path"}}},
          AnalyticRouting::by_hash,
          [](const BalancerOptions& o) { return std::make_unique<ConsistentHashBalancer>(parse_request_key_source(o.hash_key), o.server_names); }};
  // nginx refuses `backup` with ip_hash, hash and random ("invalid parameter \"backup\"").
  declaration.backups = [](const BalancerOptions&) { return BackupRule{BackupRule::Use::refused}; };
  return declaration;
}

}  // namespace lbsim::models
