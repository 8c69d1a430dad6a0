// nginx's limit_req (ngx_http_limit_req_module.c, reference/gateway.md 1.2), to the integer: the
// rate in milli-requests per second, the per-key `excess` in milli-requests, the millisecond
// clock, and the zone's least-recently-used queue with its expiry of idle keys.
#pragma once

#include "models/gateway/limiters/rate_limiter.hpp"

#include <unordered_map>
#include <utility>

namespace lbsim::models {

class LeakyBucketLimiter final : public RateLimiter {
public:
  // rate_milli > 0 (r/s x 1000, or r/m x 1000 / 60 truncated, as nginx stores `rate=`), burst >= 0
  // requests, delay >= 0 requests (ignored with nodelay). Throws std::invalid_argument otherwise.
  LeakyBucketLimiter(int64_t rate_milli, int64_t burst, int64_t delay, bool nodelay, std::size_t expected_keys);
  explicit LeakyBucketLimiter(const RateLimitConfig& config);

  LimitDecision admit(uint64_t key, SimTime now) override;
  std::size_t keys() const override { return nodes_.size(); }
  std::size_t memory_bytes() const override;

private:
  struct Node;
  using Entry = std::pair<const uint64_t, Node>;
  // ngx_http_limit_req_node_t: excess and last, and its place in the zone's LRU queue.
  struct Node {
    int64_t excess = 0;   // milli-requests above the rate
    int64_t last = 0;     // ms of the last accepted request that moved the clock
    Entry* newer = nullptr;
    Entry* older = nullptr;
  };

  void unlink(Entry& e);
  void push_newest(Entry& e);
  void expire(int64_t now_ms);

  int64_t rate_;    // milli-requests per second
  int64_t burst_;   // x 1000
  int64_t delay_;   // x 1000; nodelay: never reached
  std::unordered_map<uint64_t, Node> nodes_;
  Entry* newest_ = nullptr;  // the queue's head (nginx inserts at the head)
  Entry* oldest_ = nullptr;  // its tail, where expiry looks
};

}  // namespace lbsim::models
