#include "models/gateway/limiters/leaky_bucket_limiter.hpp"

#include "models/gateway/limiters/heap_bytes.hpp"

#include <limits>
#include <stdexcept>

namespace lbsim::models {

namespace {
// nginx's clock: ngx_current_msec, whole milliseconds.
int64_t milliseconds_of(SimTime t) { return t.ns() / 1'000'000; }
}  // namespace

LeakyBucketLimiter::LeakyBucketLimiter(int64_t rate_milli, int64_t burst, int64_t delay, bool nodelay,
                                       std::size_t expected_keys)
    : rate_(rate_milli), burst_(burst * 1000), delay_(delay * 1000)
{
  if (rate_milli <= 0) throw std::invalid_argument("leaky_bucket: the rate must be above zero");
  if (burst < 0 || burst > std::numeric_limits<int64_t>::max() / 4000)
    throw std::invalid_argument("leaky_bucket: burst out of range");
  if (delay < 0) throw std::invalid_argument("leaky_bucket: delay must not be negative");
  // nodelay: nginx sets delay to NGX_MAX_INT_T_VALUE / 1000, above any excess; a delay above the
  // burst is never reached either.
  if (nodelay || delay > burst) delay_ = std::numeric_limits<int64_t>::max();
  nodes_.reserve(expected_keys);
}

LeakyBucketLimiter::LeakyBucketLimiter(const RateLimitConfig& c)
    : LeakyBucketLimiter(c.rate_milli, c.burst, c.delay, c.nodelay, c.key == RateLimitConfig::Key::global ? 1 : 64)
{
}

void LeakyBucketLimiter::unlink(Entry& e)
{
  Node& n = e.second;
  (n.newer ? n.newer->second.older : newest_) = n.older;
  (n.older ? n.older->second.newer : oldest_) = n.newer;
  n.newer = n.older = nullptr;
}

void LeakyBucketLimiter::push_newest(Entry& e)
{
  e.second.older = newest_;
  e.second.newer = nullptr;
  (newest_ ? newest_->second.newer : oldest_) = &e;
  newest_ = &e;
}

// ngx_http_limit_req_expire(ctx, 1), run before a new key's node is made: up to two of the least
// recently looked-up keys go, each only if idle for a minute and drained (the loop stops at the
// first that is not). nginx's forced eviction of a full zone (expire(ctx, 0)) is not modelled: the
// zone has no size here.
void LeakyBucketLimiter::expire(int64_t now_ms)
{
  for (int n = 1; n < 3 && oldest_; ++n) {
    Entry& e = *oldest_;
    int64_t ms = now_ms - e.second.last;
    if (ms < 0) ms = -ms;  // ngx_abs
    if (ms < 60000) return;
    if (e.second.excess - rate_ * ms / 1000 > 0) return;
    unlink(e);
    nodes_.erase(e.first);
  }
}

// ngx_http_limit_req_lookup with account = 1, then ngx_http_limit_req_account's delay.
LimitDecision LeakyBucketLimiter::admit(uint64_t key, SimTime now)
{
  const int64_t now_ms = milliseconds_of(now);
  const auto found = nodes_.find(key);
  if (found == nodes_.end()) {
    // A new key is accepted at once with excess 0 (and delay 0: excess 0 <= delay).
    expire(now_ms);
    Entry& e = *nodes_.emplace(key, Node{0, now_ms, nullptr, nullptr}).first;
    push_newest(e);
    return {};
  }
  Entry& e = *found;
  Node& node = e.second;
  // Every lookup moves the key to the head of the queue, a rejected one too.
  unlink(e);
  push_newest(e);

  int64_t ms = now_ms - node.last;
  if (ms < -60000) ms = 1;  // nginx's guard against a clock that went back
  else if (ms < 0) ms = 0;
  int64_t excess = node.excess - rate_ * ms / 1000 + 1000;
  if (excess < 0) excess = 0;
  // Over the burst: rejected, and the node keeps its state (a rejection does not count).
  if (excess > burst_) return {LimitDecision::Kind::reject, {}};
  node.excess = excess;
  if (ms != 0) node.last = now_ms;  // within the same ms nginx leaves `last`, so no drain is lost
  if (excess <= delay_) return {};
  // Delayed requests leave in excess order, 1/rate apart; ms, truncated.
  // A delay that truncates to 0 ms is a pass, as in nginx (`if (!delay)`).
  const int64_t delay_ms = (excess - delay_) * 1000 / rate_;
  if (delay_ms == 0) return {};
  return {LimitDecision::Kind::delay, engine::milliseconds(delay_ms)};
}

std::size_t LeakyBucketLimiter::memory_bytes() const { return unordered_map_heap_bytes(nodes_); }

}  // namespace lbsim::models
