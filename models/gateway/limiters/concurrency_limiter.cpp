#include "models/gateway/limiters/concurrency_limiter.hpp"

#include "models/gateway/limiters/heap_bytes.hpp"

#include <stdexcept>

namespace lbsim::models {

ConcurrencyLimiter::ConcurrencyLimiter(int64_t limit, std::size_t expected_keys) : limit_(limit)
{
  if (limit < 1) throw std::invalid_argument("concurrency: the limit must be at least 1");
  in_flight_.reserve(expected_keys);
}

ConcurrencyLimiter::ConcurrencyLimiter(const RateLimitConfig& c)
    : ConcurrencyLimiter(c.limit, c.key == RateLimitConfig::Key::global ? 1 : 64)
{
}

LimitDecision ConcurrencyLimiter::admit(uint64_t key, SimTime)
{
  const auto it = in_flight_.find(key);
  if (it == in_flight_.end()) {
    in_flight_.emplace(key, 1);
    return {};
  }
  if (it->second >= limit_) return {LimitDecision::Kind::reject, {}};
  ++it->second;
  return {};
}

void ConcurrencyLimiter::release(uint64_t key, SimTime)
{
  const auto it = in_flight_.find(key);
  if (it == in_flight_.end()) throw std::logic_error("concurrency: a release of a key with nothing in flight");
  if (--it->second == 0) in_flight_.erase(it);
}

std::size_t ConcurrencyLimiter::memory_bytes() const { return unordered_map_heap_bytes(in_flight_); }

}  // namespace lbsim::models
