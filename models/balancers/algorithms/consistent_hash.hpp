// consistent_hash: nginx's `hash $key consistent`, a ketama ring
// (ngx_http_upstream_init_chash() and ngx_http_upstream_get_chash_peer() in
// ngx_http_upstream_hash_module.c).
//
// Ring: each member gets 160 * weight points. Its identity is its server name parsed as nginx
// parses the `server` string: "host:port" (the part after the last ':' when it is all digits) or a
// bare host with an empty port. base = crc32 over host, one zero byte, port; point j =
// crc32(base continued with the previous point as 4 little-endian bytes), the previous point being
// 0 for j = 0. Points are sorted and equal points dropped (the lower member index keeps it; nginx's
// qsort leaves that case unspecified).
// Lookup: the first point >= crc32(key), wrapping; a point of an ineligible member moves on to the
// next point, up to 20 more points, then smooth weighted round robin over the eligible members
// (nginx's get_rr_peer). An empty key (e.g. no path) or a single member also use round robin.
// The key is the client address as dotted text or the request path (BalancerOptions::hash_key).
// Vectors (servers 127.0.0.1:9001..9003, keys alpha..hotel): s2 s3 s3 s3 s3 s3 s1 s3; with s1 dead,
// golf -> s2.
//
// State: the ring (160 * total weight points), rebuilt when a weight, a name or the pool's size
// changes; an ineligible member keeps its points (nginx never rebuilds on failures), so a recovered
// server gets its own clients back. A lookup starts from a bucket index over the hash's top bits
// (one or two points per bucket, as ketama points spread evenly) and scans that bucket: O(1)
// expected per pick instead of the O(log points) of a binary search, with the same result.
#pragma once

#include "models/balancers/algorithms/balancer.hpp"
#include "models/balancers/algorithms/declaration.hpp"
#include "models/balancers/algorithms/pool_watch.hpp"
#include "models/balancers/hashing/request_key.hpp"
#include "models/balancers/algorithms/smooth_weighted_round_robin.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lbsim::models {

class ConsistentHashBalancer final : public Balancer {
public:
  struct Point {
    uint32_t hash;
    uint32_t member;
  };

  // `names[i]` identifies member i; members without a name are called "server<i+1>".
  ConsistentHashBalancer(RequestKeySource source, std::vector<std::string> names);

  // nginx's split of a `server` string into host and port ("127.0.0.1:9001" -> 127.0.0.1, 9001;
  // "web-1" -> web-1, "").
  static std::pair<std::string_view, std::string_view> split_host_port(std::string_view server);
  // The ring nginx builds for these identities and weights, sorted, without duplicates.
  static std::vector<Point> build_ring(std::span<const std::string> identities, std::span<const int64_t> weights);

  ServerChoice pick(std::span<const PoolMember> pool, PickContext& context) override;
  void on_pool_changed(std::span<const PoolMember> pool) override;
  void on_server_names(std::span<const std::string> names) override;

  const std::vector<Point>& ring() const { return ring_; }

private:
  void rebuild(std::span<const PoolMember> pool);
  std::size_t first_point_at_or_after(uint32_t hash) const;

  RequestKey key_;
  std::vector<std::string> names_;
  PoolWatch watch_{PoolWatch::Depends::weights};
  std::vector<Point> ring_;
  // bucket_start_[b]: the first point whose hash >= b << bucket_shift_ (ring_.size() if none).
  std::vector<uint32_t> bucket_start_;
  int bucket_shift_ = 32;
  SmoothWeightedRoundRobin fallback_;
};

// consistent_hash: its name, rule, options and routing (declaration.hpp).
AlgorithmDeclaration consistent_hash_declaration();

}  // namespace lbsim::models
