// FingerprintObserver: a 64-bit hash of the event trajectory (time, handler, kind, argument of
// every event, in order). Two runs with the same fingerprint executed the same events; golden
// tests compare it, as OMNeT++'s fingerprint tests do.
#pragma once

#include "engine/observer.hpp"

#include <cstdint>
#include <string>

namespace lbsim::engine {

class FingerprintObserver final : public SimObserver {
public:
  void on_event(const Event& event) override
  {
    mix(static_cast<uint64_t>(event.time.ns()));
    mix((static_cast<uint64_t>(event.handler()) << 32) ^ event.kind() ^ (event.arg << 40) ^ (event.arg >> 24));
  }
  uint64_t value() const { return state_; }
  std::string hex() const;

private:
  void mix(uint64_t x)
  {
    // One multiply-xorshift round per word (as in the xxHash/wyhash family): cheap enough to run on
    // every event, and any change in the trajectory changes the result with overwhelming odds.
    const uint64_t z = (state_ ^ x) * 0x9e3779b97f4a7c15ULL;
    state_ = z ^ (z >> 29);
  }
  uint64_t state_ = 0x6c6273696d000001ULL;  // "lbsim" and a format version
};

}  // namespace lbsim::engine
