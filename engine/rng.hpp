// RngStream: one independent, reproducible random stream per entity.
// xoshiro256** seeded through splitmix64; every derivation is written out here
// (no std:: engines or distributions) so a seed gives the same numbers everywhere.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <string_view>

namespace lbsim::engine {

// FNV-1a 64-bit over the bytes of `text`. Stable across machines and runs,
// unlike std::hash, so entity names can seed streams.
uint64_t stable_hash(std::string_view text);

// Advances `state` and returns the next splitmix64 output (Steele, Lea, Flood 2014).
uint64_t splitmix64(uint64_t& state);

class RngStream {
public:
  // A stream of its own for entity `entity_name` under `master_seed`: renaming
  // or adding another entity never shifts this entity's numbers.
  RngStream(uint64_t master_seed, std::string_view entity_name);
  explicit RngStream(uint64_t seed);

  // Exact xoshiro256** state, for checking against the reference vectors.
  // Throws std::invalid_argument on the all-zero state (a fixed point).
  static RngStream from_state(const std::array<uint64_t, 4>& state);

  // xoshiro256** (Blackman, Vigna 2018).
  uint64_t next_u64()
  {
    const uint64_t result = std::rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = std::rotl(s_[3], 45);
    return result;
  }

  // [0, 1) on the grid k * 2^-53: the top 53 bits, exact in a double.
  double uniform01() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

  // (0, 1): odd multiples of 2^-53, so never 0 (safe for log) and never 1.
  // Consumes exactly one next_u64(), like uniform01().
  double uniform_open01() { return static_cast<double>((next_u64() >> 11) | 1u) * 0x1.0p-53; }

  // Unbiased integer in [0, n), Lemire's multiply-shift with rejection.
  // Usually one next_u64(); a retry happens with probability < n / 2^64.
  // Throws std::invalid_argument when n == 0.
  uint64_t below(uint64_t n);

  // N(0, 1) by Box-Muller, cosine branch only: exactly two draws per call
  // (uniform_open01 then uniform01), no cached second value.
  double standard_normal();

private:
  RngStream() = default;
  void seed_from(uint64_t seed);

  std::array<uint64_t, 4> s_{};
};

}  // namespace lbsim::engine
