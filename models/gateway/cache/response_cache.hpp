// ResponseCache: a route's response cache at the gateway (docs/gateway-cache.md): TTL set when a
// response is stored (optionally reset by each hit), LRU eviction past a capacity in entries and/or
// bytes, a fill-in-progress flag per key for request collapsing (nginx proxy_cache_lock) and stale
// serving within a grace (nginx proxy_cache_use_stale, Varnish grace). Keys are the gateway's 64-bit
// hashes of method + path (+ API key or client); this class never sees requests, and requests waiting
// for a fill stay with the gateway: the cache only says whether a fill is in progress.
//
// Every operation is O(1) (expected, for the hash table): an open-addressing table (linear probing,
// backward-shift deletion) maps a key to a slot of one vector, and the stored responses form an
// intrusive doubly-linked LRU list over the slots. Freed slots are reused, so once the cache is full
// (or reserve() was called) no operation allocates.
#pragma once

#include "engine/sim_time.hpp"
#include "models/gateway/gateway_config.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace lbsim::models {

enum class CacheStatus : uint8_t {
  hit,    // a fresh response: serve it
  stale,  // an expired response within the stale grace that may be served now (see lookup)
  miss,   // nothing to serve: go upstream (and fill), or wait for the fill in progress
};

struct CacheLookup {
  CacheStatus status = CacheStatus::miss;
  bool filling = false;  // a fill of this key is in progress (with lock: collapse onto it)
  bool expired = false;  // an expired response was found (nginx EXPIRED, STALE or UPDATING)
};

struct CacheCounters {
  uint64_t hits = 0;       // lookups served fresh
  uint64_t misses = 0;     // lookups with nothing servable (collapsed requests included)
  uint64_t stale = 0;      // responses served stale (by lookup or serve_stale_on_error)
  uint64_t collapsed = 0;  // misses that waited for another request's fill (reported by the caller)
  uint64_t expired = 0;    // lookups that found an expired response (served stale or not)
  uint64_t evictions = 0;  // responses removed to make room (LRU)
};

// What the cache holds for a key, for inspection (tests, logs); no counters change.
struct CacheEntryView {
  bool has_response = false;  // false: only a fill in progress, nothing stored yet
  bool filling = false;
  engine::SimTime expiry;     // fresh while now < expiry
  engine::SimTime last_use;   // the last store, hit or stale serve (or begin_fill, without a response)
  uint64_t bytes = 0;
};

class ResponseCache {
public:
  // Uses ttl, ttl_reset_on_hit, capacity_entries, capacity_bytes, stale_updating, stale_if_error,
  // background_update and stale_grace; the rest (key, methods, statuses, lock, lock_timeout,
  // hit_cost) is the gateway's business.
  explicit ResponseCache(const CacheConfig& config);

  // What a request for `key` at `now` gets. Counts exactly one of hits, misses, stale, and expired
  // when an expired response is found.
  // - hit: fresh (now < expiry). The entry becomes the most recently used; with ttl_reset_on_hit
  //   its expiry moves to now + ttl.
  // - stale: expired, now < expiry + stale_grace, and either a fill is in progress and
  //   stale.updating is on (nginx UPDATING), or no fill is in progress and background_update is on
  //   (nginx STALE: the caller serves the stale copy and starts a background fill with begin_fill).
  //   The entry becomes the most recently used; its expiry does not move.
  // - miss: anything else. With `filling` and a lock the caller waits for the fill and calls
  //   report_collapsed(); otherwise it goes upstream and calls begin_fill.
  CacheLookup lookup(uint64_t key, engine::SimTime now);

  // Marks a fill of `key` in progress (creating a placeholder when nothing is stored). Returns true
  // when this call started it, false when one was already in progress (the flag is one per key).
  bool begin_fill(uint64_t key, engine::SimTime now);
  // The upstream answered. Cacheable: stores `bytes` with expiry = now + ttl (the TTL runs from the
  // store, nginx proxy_cache_valid), makes it the most recently used and evicts least recently used
  // responses until within capacity; a response larger than capacity_bytes is not stored. Not
  // cacheable: an older (expired) copy stays. Clears the fill flag either way; works without a
  // begin_fill (no lock). Returns true when the response was stored.
  bool complete_fill(uint64_t key, engine::SimTime now, uint64_t bytes, bool cacheable);
  // The fill failed or was given up: clears the flag; an older copy stays.
  void abandon_fill(uint64_t key);
  // stale.if_error: the upstream failed for a request that looked up `key` and missed. When
  // stale_if_error is on and a response is stored with now < expiry + stale_grace, returns true and
  // turns that request's miss into a stale serve (misses - 1, stale + 1), as nginx logs it STALE.
  bool serve_stale_on_error(uint64_t key, engine::SimTime now);
  // A miss waited for another request's fill instead of going upstream.
  void report_collapsed() { ++counters_.collapsed; }

  std::optional<CacheEntryView> peek(uint64_t key) const;
  size_t entries() const { return entries_; }  // stored responses, fresh or expired
  uint64_t bytes() const { return bytes_; }    // their sizes
  size_t fills_in_progress() const { return filling_; }
  // The heap this cache holds (slot vector and hash table at their capacities) plus the object.
  size_t memory_bytes() const;
  // Room for `entries` responses and entries / 64 + 64 fills in progress without allocating.
  void reserve(size_t entries);

  const CacheCounters& counters() const { return counters_; }
  void reset_counters() { counters_ = {}; }

private:
  static constexpr uint32_t kNone = 0xffff'ffffu;
  static constexpr uint8_t kHasResponse = 1, kFilling = 2;
  struct Slot {
    uint64_t key = 0;
    int64_t expiry_ns = 0;
    int64_t last_use_ns = 0;
    uint64_t bytes = 0;
    uint32_t prev = kNone, next = kNone;  // LRU neighbours; `next` chains free slots
    uint8_t flags = 0;
  };
  struct Bucket {
    uint32_t slot = kNone;  // kNone: empty
    uint32_t tag = 0;       // high half of the key's hash, checked before the slot's key
  };

  static uint64_t mix(uint64_t key);
  uint32_t find(uint64_t key) const;
  uint32_t insert(uint64_t key);  // a new slot for a key not present
  void erase(uint32_t slot);      // out of the table and onto the free list (not linked)
  void grow_table(size_t min_buckets);
  void link_front(uint32_t slot);
  void unlink(uint32_t slot);
  void drop_response(uint32_t slot);  // out of the LRU list and the accounts; the slot stays
  void make_room(uint64_t bytes);     // evicts until one more response of `bytes` fits
  void clear_fill(uint32_t slot);
  bool stale_allowed(const Slot& s, engine::SimTime now) const;

  // Configuration.
  int64_t ttl_ns_;
  int64_t grace_ns_;
  uint64_t capacity_entries_;  // 0: none
  uint64_t capacity_bytes_;    // 0: none
  bool reset_on_hit_;
  bool stale_updating_, stale_background_, stale_if_error_;

  std::vector<Slot> slots_;
  std::vector<Bucket> buckets_;  // a power of two, at most half full
  uint32_t free_ = kNone;        // first free slot
  uint32_t head_ = kNone, tail_ = kNone;  // most and least recently used
  size_t live_ = 0;              // keys in the table (responses and placeholders)
  size_t entries_ = 0;
  size_t filling_ = 0;
  uint64_t bytes_ = 0;
  CacheCounters counters_;
};

}  // namespace lbsim::models
