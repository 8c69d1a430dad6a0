#include "models/gateway/limiters/rate_limiter.hpp"

#include "models/gateway/limiters/concurrency_limiter.hpp"
#include "models/gateway/limiters/fixed_window_limiter.hpp"
#include "models/gateway/limiters/leaky_bucket_limiter.hpp"
#include "models/gateway/limiters/sliding_window_limiter.hpp"
#include "models/gateway/limiters/token_bucket_limiter.hpp"

#include <stdexcept>

namespace lbsim::models {

std::unique_ptr<RateLimiter> make_rate_limiter(const RateLimitConfig& config)
{
  using Algorithm = RateLimitConfig::Algorithm;
  switch (config.algorithm) {
    case Algorithm::leaky_bucket: return std::make_unique<LeakyBucketLimiter>(config);
    case Algorithm::token_bucket: return std::make_unique<TokenBucketLimiter>(config);
    // An AWS usage-plan quota is a fixed window of its period (kept in `window`).
    case Algorithm::fixed_window:
    case Algorithm::quota: return std::make_unique<FixedWindowLimiter>(config);
    case Algorithm::sliding_window: return std::make_unique<SlidingWindowLimiter>(config);
    case Algorithm::concurrency: return std::make_unique<ConcurrencyLimiter>(config);
  }
  throw std::invalid_argument("rate limit \"" + config.name + "\": unknown algorithm");
}

}  // namespace lbsim::models
