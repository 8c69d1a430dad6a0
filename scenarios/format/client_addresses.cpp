#include "scenarios/format/client_addresses.hpp"

#include "engine/rng.hpp"

#include <charconv>
#include <set>

namespace lbsim::scenarios {

std::optional<uint32_t> parse_ipv4(std::string_view text)
{
  uint32_t address = 0;
  const char* p = text.data();
  const char* end = text.data() + text.size();
  for (int octet = 0; octet < 4; ++octet) {
    unsigned value = 0;
    auto [next, ec] = std::from_chars(p, end, value);
    if (ec != std::errc{} || next == p || value > 255) return std::nullopt;
    address = (address << 8) | value;
    p = next;
    if (octet < 3) {
      if (p == end || *p != '.') return std::nullopt;
      ++p;
    }
  }
  if (p != end) return std::nullopt;
  return address;
}

std::string format_ipv4(uint32_t a)
{
  return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 255) + "." + std::to_string((a >> 8) & 255) +
         "." + std::to_string(a & 255);
}

std::optional<std::pair<uint32_t, int>> parse_cidr(std::string_view text)
{
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const auto base = parse_ipv4(text.substr(0, slash));
  int prefix = -1;
  const std::string_view bits = text.substr(slash + 1);
  auto [next, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), prefix);
  if (!base || ec != std::errc{} || next != bits.data() + bits.size() || prefix < 0 || prefix > 32) return std::nullopt;
  const uint32_t mask = prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix);
  return std::make_pair(*base & mask, prefix);
}

std::vector<uint32_t> generate_addresses(const std::string& group_name, uint64_t seed, uint32_t count)
{
  engine::RngStream rng(seed, "addresses:" + group_name);
  std::set<uint32_t> used;
  std::vector<uint32_t> out;
  out.reserve(count);
  while (out.size() < count) {
    // First octet 1..223 except 127 (loopback): ordinary unicast space.
    uint32_t first = 1 + static_cast<uint32_t>(rng.below(223));
    if (first == 127) continue;
    const uint32_t a = (first << 24) | static_cast<uint32_t>(rng.below(1u << 24));
    if ((a & 255) == 0 || (a & 255) == 255) continue;
    if (used.insert(a).second) out.push_back(a);
  }
  return out;
}

}  // namespace lbsim::scenarios
