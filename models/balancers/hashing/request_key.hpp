// RequestKey: the text a hashing balancer hashes for a request (consistent_hash, maglev).
//   "client": the client address as dotted decimal ("192.168.1.10"), like nginx's `hash
//             $remote_addr consistent` and Envoy's `connection_properties: {source_ip: true}`;
//   "path":   the request path, like nginx's `hash $request_uri consistent` and Envoy's
//             `header: {header_name: ":path"}`.
#pragma once

#include "models/balancers/algorithms/balancer.hpp"

#include <array>
#include <string>
#include <string_view>

namespace lbsim::models {

enum class RequestKeySource { client, path };

// Parses BalancerOptions::hash_key; throws std::invalid_argument on anything but "client"/"path".
RequestKeySource parse_request_key_source(const std::string& text);

// "a.b.c.d" for an IPv4 address with its first octet in the most significant byte.
std::string dotted_quad(uint32_t address);

class RequestKey {
public:
  explicit RequestKey(RequestKeySource source) : source_(source) {}
  // The key of this request; the view is valid until the next call (no allocation per pick).
  std::string_view text(const PickContext& context);

private:
  RequestKeySource source_;
  std::array<char, 16> buffer_{};
};

}  // namespace lbsim::models
