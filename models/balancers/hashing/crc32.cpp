#include "models/balancers/hashing/crc32.hpp"

#include <array>

namespace lbsim::models {

namespace {

constexpr std::array<uint32_t, 256> make_crc32_table()
{
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int bit = 0; bit < 8; ++bit) c = (c & 1u) ? 0xedb8'8320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  return table;
}

constexpr std::array<uint32_t, 256> kTable = make_crc32_table();

}  // namespace

uint32_t crc32_update(uint32_t reg, std::string_view bytes)
{
  for (const char ch : bytes) reg = kTable[(reg ^ static_cast<unsigned char>(ch)) & 0xffu] ^ (reg >> 8);
  return reg;
}

}  // namespace lbsim::models
