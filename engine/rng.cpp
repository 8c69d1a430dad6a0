#include "engine/rng.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>

namespace lbsim::engine {

namespace {

struct Product128 {
  uint64_t hi;
  uint64_t lo;
};

// Full 64x64 -> 128-bit product from 32-bit halves: __int128 is not ISO C++.
Product128 multiply_wide(uint64_t a, uint64_t b)
{
  constexpr uint64_t kLow32 = 0xffff'ffffu;
  const uint64_t a_lo = a & kLow32;
  const uint64_t a_hi = a >> 32;
  const uint64_t b_lo = b & kLow32;
  const uint64_t b_hi = b >> 32;
  const uint64_t p0 = a_lo * b_lo;
  const uint64_t p1 = a_lo * b_hi;
  const uint64_t p2 = a_hi * b_lo;
  const uint64_t p3 = a_hi * b_hi;
  const uint64_t middle = (p0 >> 32) + (p1 & kLow32) + (p2 & kLow32);
  return {p3 + (p1 >> 32) + (p2 >> 32) + (middle >> 32), (middle << 32) | (p0 & kLow32)};
}

}  // namespace

uint64_t stable_hash(std::string_view text)
{
  uint64_t hash = 0xcbf2'9ce4'8422'2325u;  // FNV-1a 64 offset basis
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x0000'0100'0000'01b3u;  // FNV 64 prime
  }
  return hash;
}

uint64_t splitmix64(uint64_t& state)
{
  uint64_t z = (state += 0x9e37'79b9'7f4a'7c15u);
  z = (z ^ (z >> 30)) * 0xbf58'476d'1ce4'e5b9u;
  z = (z ^ (z >> 27)) * 0x94d0'49bb'1331'11ebu;
  return z ^ (z >> 31);
}

RngStream::RngStream(uint64_t master_seed, std::string_view entity_name)
{
  // Scramble the master seed first so that nearby seeds and the name hash do
  // not cancel out under the xor.
  uint64_t mix = master_seed;
  seed_from(splitmix64(mix) ^ stable_hash(entity_name));
}

RngStream::RngStream(uint64_t seed) { seed_from(seed); }

RngStream RngStream::from_state(const std::array<uint64_t, 4>& state)
{
  if (state[0] == 0 && state[1] == 0 && state[2] == 0 && state[3] == 0)
    throw std::invalid_argument("RngStream::from_state: the all-zero state is not allowed");
  RngStream stream;
  stream.s_ = state;
  return stream;
}

// Four consecutive splitmix64 outputs, as the xoshiro authors recommend. They
// come from four distinct splitmix64 states and splitmix64's output is a
// bijection of its state, so at most one word can be zero: never all zero.
void RngStream::seed_from(uint64_t seed)
{
  for (uint64_t& word : s_) word = splitmix64(seed);
}

uint64_t RngStream::below(uint64_t n)
{
  if (n == 0) throw std::invalid_argument("RngStream::below: n must be positive");
  Product128 m = multiply_wide(next_u64(), n);
  if (m.lo < n) {
    // 2^64 mod n: the low words below it belong to an over-represented value.
    const uint64_t threshold = (0 - n) % n;
    while (m.lo < threshold) m = multiply_wide(next_u64(), n);
  }
  return m.hi;
}

double RngStream::standard_normal()
{
  const double radius = std::sqrt(-2.0 * std::log(uniform_open01()));
  const double angle = 2.0 * std::numbers::pi * uniform01();
  return radius * std::cos(angle);
}

}  // namespace lbsim::engine
