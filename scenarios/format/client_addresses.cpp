#include "scenarios/format/client_addresses.hpp"

#include "engine/rng.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <vector>

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

namespace {

// The addresses drawn so far, in an open-addressing table at most half full: 10^6 of them cost 8 MB
// and a probe or two each, where a std::set cost 40 MB and a fifth of a 10^6-address run's time
// (docs/benchmarks.md, W3). 0 marks an empty slot: a drawn address never has first octet 0.
class AddressSet {
public:
  explicit AddressSet(uint32_t count) : slots_(std::bit_ceil(std::max<uint64_t>(16, 2 * uint64_t{count})), 0) {}

  bool insert(uint32_t address)
  {
    const uint64_t mask = slots_.size() - 1;
    for (uint64_t i = ((address * 0x9E3779B97F4A7C15ull) >> 32) & mask;; i = (i + 1) & mask) {
      if (slots_[i] == address) return false;
      if (slots_[i] == 0) {
        slots_[i] = address;
        return true;
      }
    }
  }

private:
  std::vector<uint32_t> slots_;
};

}  // namespace

std::vector<uint32_t> generate_addresses(const std::string& group_name, uint64_t seed, uint32_t count)
{
  engine::RngStream rng(seed, "addresses:" + group_name);
  AddressSet used(count);
  std::vector<uint32_t> out;
  out.reserve(count);
  while (out.size() < count) {
    // First octet 1..223 except 127 (loopback): ordinary unicast space.
    uint32_t first = 1 + static_cast<uint32_t>(rng.below(223));
    if (first == 127) continue;
    const uint32_t a = (first << 24) | static_cast<uint32_t>(rng.below(1u << 24));
    if ((a & 255) == 0 || (a & 255) == 255) continue;
    if (used.insert(a)) out.push_back(a);
  }
  return out;
}

}  // namespace lbsim::scenarios
