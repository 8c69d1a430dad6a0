#include "models/balancers/hashing/xxhash64.hpp"

#include <bit>
#include <cstddef>

namespace lbsim::models {

namespace {

constexpr uint64_t kPrime1 = 0x9e37'79b1'85eb'ca87u;
constexpr uint64_t kPrime2 = 0xc2b2'ae3d'27d4'eb4fu;
constexpr uint64_t kPrime3 = 0x1656'67b1'9e37'79f9u;
constexpr uint64_t kPrime4 = 0x85eb'ca77'c2b2'ae63u;
constexpr uint64_t kPrime5 = 0x27d4'eb2f'1656'67c5u;

// Little-endian loads, byte by byte: the same result on any host byte order or alignment.
uint64_t read64(const unsigned char* p)
{
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

uint32_t read32(const unsigned char* p)
{
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

uint64_t lane_round(uint64_t acc, uint64_t lane)
{
  acc += lane * kPrime2;
  acc = std::rotl(acc, 31);
  return acc * kPrime1;
}

uint64_t merge_round(uint64_t acc, uint64_t value)
{
  acc ^= lane_round(0, value);
  return acc * kPrime1 + kPrime4;
}

}  // namespace

uint64_t xxhash64(std::string_view bytes, uint64_t seed)
{
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t length = bytes.size();
  const unsigned char* const end = p + length;
  uint64_t h = 0;

  if (length >= 32) {
    uint64_t v1 = seed + kPrime1 + kPrime2;
    uint64_t v2 = seed + kPrime2;
    uint64_t v3 = seed;
    uint64_t v4 = seed - kPrime1;
    const unsigned char* const limit = end - 32;
    do {
      v1 = lane_round(v1, read64(p));
      v2 = lane_round(v2, read64(p + 8));
      v3 = lane_round(v3, read64(p + 16));
      v4 = lane_round(v4, read64(p + 24));
      p += 32;
    } while (p <= limit);
    h = std::rotl(v1, 1) + std::rotl(v2, 7) + std::rotl(v3, 12) + std::rotl(v4, 18);
    h = merge_round(h, v1);
    h = merge_round(h, v2);
    h = merge_round(h, v3);
    h = merge_round(h, v4);
  } else {
    h = seed + kPrime5;
  }

  h += static_cast<uint64_t>(length);

  while (end - p >= 8) {
    h ^= lane_round(0, read64(p));
    h = std::rotl(h, 27) * kPrime1 + kPrime4;
    p += 8;
  }
  if (end - p >= 4) {
    h ^= static_cast<uint64_t>(read32(p)) * kPrime1;
    h = std::rotl(h, 23) * kPrime2 + kPrime3;
    p += 4;
  }
  while (p < end) {
    h ^= static_cast<uint64_t>(*p) * kPrime5;
    h = std::rotl(h, 11) * kPrime1;
    ++p;
  }

  // Avalanche.
  h ^= h >> 33;
  h *= kPrime2;
  h ^= h >> 29;
  h *= kPrime3;
  h ^= h >> 32;
  return h;
}

}  // namespace lbsim::models
