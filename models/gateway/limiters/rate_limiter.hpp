// RateLimiter: one of the gateway's rate limits (the contract's "Rate limits"; semantics and sources
// in ../shared/reference/gateway.md 1.2-1.5, docs/gateway-rate-limits.md). A limiter is a pure
// function of the requests it has seen: it keeps per-key state, schedules no events and draws no
// random numbers, so the gateway may call it from anywhere in a run.
//
// Time is the simulated time since the run's start, which is the epoch: windows are aligned to it,
// as Kong's are to UTC and envoyproxy/ratelimit's to the Unix epoch. Calls for one limiter come in
// non-decreasing `now`.
#pragma once

#include "engine/sim_time.hpp"
#include "models/gateway/gateway_config.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>

namespace lbsim::models {

struct LimitDecision {
  enum class Kind : uint8_t { pass, delay, reject };
  Kind kind = Kind::pass;
  SimTime delay{};  // Kind::delay: how long nginx holds the request before it goes on
};

class RateLimiter {
public:
  virtual ~RateLimiter() = default;
  // A request of key `key` arrives at `now` (simulated ns since the run's start = the epoch):
  // pass, delay (nginx limit_req only) or reject. The gateway answers a rejection with the
  // limit's configured status.
  virtual LimitDecision admit(uint64_t key, SimTime now) = 0;
  // concurrency only: an admitted request of `key` has finished (no-op for the others)
  virtual void release(uint64_t /*key*/, SimTime /*now*/) {}
  virtual std::size_t keys() const = 0;          // keys holding state
  virtual std::size_t memory_bytes() const = 0;  // an honest estimate of the state's heap bytes (container nodes, buckets)
};

// The limiter `config.algorithm` names, with the config's parameters. A quota is a fixed window of
// `window` (the YAML's `period`). Throws std::invalid_argument on parameters the algorithm cannot
// work with (a rate of zero, a limit below 1, a window of zero).
std::unique_ptr<RateLimiter> make_rate_limiter(const RateLimitConfig& config);

}  // namespace lbsim::models
