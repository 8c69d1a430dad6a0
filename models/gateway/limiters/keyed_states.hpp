// KeyedStates: a limiter's per-key state in a hash map that does not grow without bound. A key
// whose state would make every later decision exactly as a key never seen would (a full token
// bucket, a window already over, no request in flight) is "stale": dropping it changes nothing.
// Before a new key is added, once the map has doubled since the last sweep, every stale state is
// dropped: amortized O(1) per new key, and the map holds at most about twice the live keys.
// (nginx's limit_req has its own expiry rule, which is visible; it does not use this.)
#pragma once

#include "models/gateway/limiters/heap_bytes.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <unordered_map>

namespace lbsim::models {

template <class State>
class KeyedStates {
public:
  // Maps smaller than this are never swept: too few states to be worth the walk.
  static constexpr std::size_t kMinSweep = 1024;

  explicit KeyedStates(std::size_t expected_keys) { map_.reserve(expected_keys); }

  State* find(uint64_t key)
  {
    const auto it = map_.find(key);
    return it == map_.end() ? nullptr : &it->second;
  }

  // Adds `key` with `state` (the key must not be present); `stale(const State&)` says whether a
  // state may be dropped at this moment.
  template <class Stale>
  State& add(uint64_t key, const State& state, Stale&& stale)
  {
    if (map_.size() >= sweep_at_) {
      std::erase_if(map_, [&](const auto& entry) { return stale(entry.second); });
      sweep_at_ = std::max(kMinSweep, 2 * map_.size());
    }
    return map_.emplace(key, state).first->second;
  }

  void erase(uint64_t key) { map_.erase(key); }
  std::size_t size() const { return map_.size(); }
  std::size_t memory_bytes() const { return unordered_map_heap_bytes(map_); }

private:
  std::unordered_map<uint64_t, State> map_;
  std::size_t sweep_at_ = kMinSweep;
};

}  // namespace lbsim::models
