// IPv4 client addresses: parsing, CIDR blocks, and the deterministic default population.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lbsim::scenarios {

std::optional<uint32_t> parse_ipv4(std::string_view text);
std::string format_ipv4(uint32_t address);
// "10.1.0.0/16" -> (first address, prefix length); nullopt if malformed.
std::optional<std::pair<uint32_t, int>> parse_cidr(std::string_view text);
// `count` distinct addresses spread over many /24 networks (as real client populations are, which
// matters for ip_hash), derived from the group name so a scenario always gets the same ones.
std::vector<uint32_t> generate_addresses(const std::string& group_name, uint64_t seed, uint32_t count);

}  // namespace lbsim::scenarios
