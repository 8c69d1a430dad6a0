#include "models/balancers/hashing/request_key.hpp"

#include <stdexcept>

namespace lbsim::models {

namespace {

// Writes "a.b.c.d" into `out` (at least 15 chars) and returns its length.
std::size_t write_dotted_quad(uint32_t address, char* out)
{
  std::size_t n = 0;
  for (int shift = 24; shift >= 0; shift -= 8) {
    const uint32_t octet = (address >> shift) & 0xffu;
    if (octet >= 100) out[n++] = static_cast<char>('0' + octet / 100);
    if (octet >= 10) out[n++] = static_cast<char>('0' + octet / 10 % 10);
    out[n++] = static_cast<char>('0' + octet % 10);
    if (shift != 0) out[n++] = '.';
  }
  return n;
}

}  // namespace

RequestKeySource parse_request_key_source(const std::string& text)
{
  if (text == "client" || text.empty()) return RequestKeySource::client;
  if (text == "path") return RequestKeySource::path;
  throw std::invalid_argument("balancer hash_key must be \"client\" or \"path\", not \"" + text + "\"");
}

std::string dotted_quad(uint32_t address)
{
  std::array<char, 16> buffer{};
  return std::string(buffer.data(), write_dotted_quad(address, buffer.data()));
}

std::string_view RequestKey::text(const PickContext& context)
{
  if (source_ == RequestKeySource::path) return context.path;
  return std::string_view(buffer_.data(), write_dotted_quad(context.client_address, buffer_.data()));
}

}  // namespace lbsim::models
