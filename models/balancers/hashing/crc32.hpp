// CRC-32 as nginx's ngx_crc32 and zlib's crc32 compute it (IEEE 802.3 polynomial, reflected
// 0xEDB88320, register initialised to and finally xored with 0xffffffff). Used by the ketama ring
// of consistent_hash (nginx ngx_http_upstream_hash_module.c).
#pragma once

#include <cstdint>
#include <string_view>

namespace lbsim::models {

inline constexpr uint32_t kCrc32Init = 0xffff'ffffu;

// Feeds `bytes` into a running register (start from kCrc32Init), like ngx_crc32_update().
uint32_t crc32_update(uint32_t reg, std::string_view bytes);

// The checksum of a running register, like ngx_crc32_final().
constexpr uint32_t crc32_final(uint32_t reg) { return reg ^ 0xffff'ffffu; }

// The CRC-32 of `bytes` in one go (ngx_crc32_long, zlib crc32): crc32("alpha") == 0xd0e0396a.
inline uint32_t crc32(std::string_view bytes) { return crc32_final(crc32_update(kCrc32Init, bytes)); }

}  // namespace lbsim::models
