// What a limiter's per-key state costs on the heap: an estimate that counts what the allocator
// really hands out (glibc malloc: an 8-byte header per chunk, 16-byte granularity, 32 bytes at
// least) for each node of libstdc++'s std::unordered_map, plus its bucket array.
#pragma once

#include <cstddef>
#include <unordered_map>
#include <utility>

namespace lbsim::models {

// The chunk glibc's malloc uses for a request of `n` bytes.
constexpr std::size_t malloc_chunk_bytes(std::size_t n)
{
  const std::size_t chunk = (n + sizeof(std::size_t) + 15) & ~std::size_t{15};
  return chunk < 32 ? 32 : chunk;
}

// One node holds the next-node pointer, then the (key, value) pair at its alignment; libstdc++
// caches no hash code for std::hash of an integer (it is "fast"). One bucket is one pointer; a map
// with a single bucket keeps it inside the map object, off the heap.
template <class Key, class Value>
std::size_t unordered_map_heap_bytes(const std::unordered_map<Key, Value>& map)
{
  using Entry = std::pair<const Key, Value>;
  constexpr std::size_t align = alignof(Entry) > alignof(void*) ? alignof(Entry) : alignof(void*);
  constexpr std::size_t offset = (sizeof(void*) + align - 1) / align * align;
  constexpr std::size_t node = malloc_chunk_bytes((offset + sizeof(Entry) + align - 1) / align * align);
  const std::size_t buckets = map.bucket_count() > 1 ? malloc_chunk_bytes(map.bucket_count() * sizeof(void*)) : 0;
  return map.size() * node + buckets;
}

}  // namespace lbsim::models
