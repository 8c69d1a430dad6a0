// xxHash64 (Yann Collet's XXH64, the 64-bit variant of xxHash), written out from the published
// algorithm: Envoy's HashUtil::xxHash64 hashes Maglev host keys and request keys with it.
// Vectors (xxhsum -H64 and the xxHash sanity tests): xxhash64("") == 0xef46db3751d8e999,
// xxhash64("abc") == 0x44bc2cf5ad770999.
#pragma once

#include <cstdint>
#include <string_view>

namespace lbsim::models {

uint64_t xxhash64(std::string_view bytes, uint64_t seed = 0);

}  // namespace lbsim::models
