#include "models/gateway/cache/response_cache.hpp"

#include <cmath>
#include <limits>

namespace lbsim::models {

namespace {

constexpr int64_t kMaxNs = std::numeric_limits<int64_t>::max();

// a + b for b >= 0, saturating: a TTL of centuries must not wrap into the past.
int64_t add_saturating(int64_t a, int64_t b) { return a > kMaxNs - b ? kMaxNs : a + b; }

uint64_t to_capacity_bytes(double bytes)
{
  if (!(bytes > 0)) return 0;
  if (bytes >= 1.8e19) return std::numeric_limits<uint64_t>::max();
  return static_cast<uint64_t>(std::llround(bytes));
}

}  // namespace

ResponseCache::ResponseCache(const CacheConfig& config)
    : ttl_ns_(config.ttl.ns() > 0 ? config.ttl.ns() : 0),
      grace_ns_(config.stale_grace.ns() > 0 ? config.stale_grace.ns() : 0),
      capacity_entries_(config.capacity_entries),
      capacity_bytes_(to_capacity_bytes(config.capacity_bytes)),
      reset_on_hit_(config.ttl_reset_on_hit),
      // nginx needs "updating" for a background update; background_update alone implies it here.
      stale_updating_(config.stale_updating || config.background_update),
      stale_background_(config.background_update),
      stale_if_error_(config.stale_if_error)
{
}

// The splitmix64 finalizer (Stafford's variant 13): callers' keys may be small ids, and linear
// probing needs every bit of the key in the low bits of the hash.
uint64_t ResponseCache::mix(uint64_t key)
{
  key = (key ^ (key >> 30)) * 0xbf58'476d'1ce4'e5b9u;
  key = (key ^ (key >> 27)) * 0x94d0'49bb'1331'11ebu;
  return key ^ (key >> 31);
}

uint32_t ResponseCache::find(uint64_t key) const
{
  if (buckets_.empty()) return kNone;
  const uint64_t h = mix(key);
  const size_t mask = buckets_.size() - 1;
  const auto tag = static_cast<uint32_t>(h >> 32);
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    const Bucket& b = buckets_[i];
    if (b.slot == kNone) return kNone;
    if (b.tag == tag && slots_[b.slot].key == key) return b.slot;
  }
}

void ResponseCache::grow_table(size_t min_buckets)
{
  size_t size = buckets_.empty() ? 16 : buckets_.size();
  while (size < min_buckets) size *= 2;
  if (size == buckets_.size()) return;
  std::vector<Bucket> old(size);
  old.swap(buckets_);
  const size_t mask = buckets_.size() - 1;
  for (const Bucket& b : old) {
    if (b.slot == kNone) continue;
    size_t i = mix(slots_[b.slot].key) & mask;
    while (buckets_[i].slot != kNone) i = (i + 1) & mask;
    buckets_[i] = b;
  }
}

uint32_t ResponseCache::insert(uint64_t key)
{
  if (2 * (live_ + 1) > buckets_.size()) grow_table(2 * (live_ + 1));
  uint32_t slot = free_;
  if (slot != kNone) {
    free_ = slots_[slot].next;
    slots_[slot] = Slot{};
  } else {
    slot = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  slots_[slot].key = key;
  const uint64_t h = mix(key);
  const size_t mask = buckets_.size() - 1;
  size_t i = h & mask;
  while (buckets_[i].slot != kNone) i = (i + 1) & mask;
  buckets_[i] = Bucket{slot, static_cast<uint32_t>(h >> 32)};
  ++live_;
  return slot;
}

void ResponseCache::erase(uint32_t slot)
{
  const size_t mask = buckets_.size() - 1;
  size_t i = mix(slots_[slot].key) & mask;
  while (buckets_[i].slot != slot) i = (i + 1) & mask;
  // Backward-shift deletion: pull later entries of the probe run into the hole when their home
  // bucket does not lie cyclically in (hole, their position], so no tombstones are needed.
  for (size_t j = (i + 1) & mask;; j = (j + 1) & mask) {
    if (buckets_[j].slot == kNone) break;
    const size_t home = mix(slots_[buckets_[j].slot].key) & mask;
    if (((j - home) & mask) >= ((j - i) & mask)) {
      buckets_[i] = buckets_[j];
      i = j;
    }
  }
  buckets_[i] = Bucket{};
  --live_;
  slots_[slot].flags = 0;
  slots_[slot].prev = kNone;
  slots_[slot].next = free_;
  free_ = slot;
}

void ResponseCache::link_front(uint32_t slot)
{
  Slot& s = slots_[slot];
  s.prev = kNone;
  s.next = head_;
  if (head_ != kNone) slots_[head_].prev = slot;
  else tail_ = slot;
  head_ = slot;
}

void ResponseCache::unlink(uint32_t slot)
{
  Slot& s = slots_[slot];
  if (s.prev != kNone) slots_[s.prev].next = s.next;
  else head_ = s.next;
  if (s.next != kNone) slots_[s.next].prev = s.prev;
  else tail_ = s.prev;
  s.prev = s.next = kNone;
}

void ResponseCache::reserve(size_t entries)
{
  // Fills in progress hold a slot of their own until they store: room for entries / 64 + 64 of them
  // (15,689 at 10^6 entries; more than that many concurrent fills only grow the vectors once).
  const size_t slots = entries + entries / 64 + 64;
  slots_.reserve(slots);
  grow_table(2 * slots);
}

size_t ResponseCache::memory_bytes() const
{
  return sizeof(*this) + slots_.capacity() * sizeof(Slot) + buckets_.capacity() * sizeof(Bucket);
}

bool ResponseCache::stale_allowed(const Slot& s, engine::SimTime now) const
{
  return now.ns() < add_saturating(s.expiry_ns, grace_ns_);
}

CacheLookup ResponseCache::lookup(uint64_t key, engine::SimTime now)
{
  CacheLookup out;
  const uint32_t slot = find(key);
  if (slot == kNone) {
    ++counters_.misses;
    return out;
  }
  Slot& s = slots_[slot];
  out.filling = (s.flags & kFilling) != 0;
  if (!(s.flags & kHasResponse)) {
    ++counters_.misses;
    return out;
  }
  if (now.ns() < s.expiry_ns) {
    ++counters_.hits;
    out.status = CacheStatus::hit;
    s.last_use_ns = now.ns();
    if (reset_on_hit_) s.expiry_ns = add_saturating(now.ns(), ttl_ns_);
    unlink(slot);
    link_front(slot);
    return out;
  }
  out.expired = true;
  ++counters_.expired;
  const bool serve = out.filling ? stale_updating_ : stale_background_;
  if (serve && stale_allowed(s, now)) {
    ++counters_.stale;
    out.status = CacheStatus::stale;
    s.last_use_ns = now.ns();
    unlink(slot);
    link_front(slot);
    return out;
  }
  ++counters_.misses;
  return out;
}

bool ResponseCache::begin_fill(uint64_t key, engine::SimTime now)
{
  uint32_t slot = find(key);
  if (slot == kNone) {
    slot = insert(key);
    slots_[slot].last_use_ns = now.ns();
  } else if (slots_[slot].flags & kFilling) {
    return false;
  }
  slots_[slot].flags |= kFilling;
  ++filling_;
  return true;
}

void ResponseCache::clear_fill(uint32_t slot)
{
  Slot& s = slots_[slot];
  if (s.flags & kFilling) {
    s.flags &= static_cast<uint8_t>(~kFilling);
    --filling_;
  }
  if (!(s.flags & kHasResponse)) erase(slot);
}

void ResponseCache::drop_response(uint32_t slot)
{
  Slot& s = slots_[slot];
  unlink(slot);
  bytes_ -= s.bytes;
  --entries_;
  s.bytes = 0;
  s.flags &= static_cast<uint8_t>(~kHasResponse);
}

void ResponseCache::make_room(uint64_t bytes)
{
  while ((capacity_entries_ != 0 && entries_ + 1 > capacity_entries_) ||
         (capacity_bytes_ != 0 && bytes_ + bytes > capacity_bytes_)) {
    const uint32_t victim = tail_;
    if (victim == kNone) return;  // cannot happen: the caller checked that `bytes` alone fits
    drop_response(victim);
    ++counters_.evictions;
    // A fill in progress keeps its key (and flag) as a placeholder.
    if (!(slots_[victim].flags & kFilling)) erase(victim);
  }
}

bool ResponseCache::complete_fill(uint64_t key, engine::SimTime now, uint64_t bytes, bool cacheable)
{
  uint32_t slot = find(key);
  const bool fits = capacity_bytes_ == 0 || bytes <= capacity_bytes_;
  if (!cacheable || !fits) {
    if (slot != kNone) clear_fill(slot);
    return false;
  }
  // The old copy leaves the accounts first (it cannot be its own victim), room is made, and only
  // then a new key takes a slot: the one just freed when the cache is full.
  if (slot != kNone && (slots_[slot].flags & kHasResponse)) drop_response(slot);
  make_room(bytes);
  if (slot == kNone) slot = insert(key);
  Slot& s = slots_[slot];
  s.flags |= kHasResponse;
  s.bytes = bytes;
  s.expiry_ns = add_saturating(now.ns(), ttl_ns_);
  s.last_use_ns = now.ns();
  bytes_ += bytes;
  ++entries_;
  link_front(slot);
  clear_fill(slot);
  return true;
}

void ResponseCache::abandon_fill(uint64_t key)
{
  if (const uint32_t slot = find(key); slot != kNone) clear_fill(slot);
}

bool ResponseCache::serve_stale_on_error(uint64_t key, engine::SimTime now)
{
  if (!stale_if_error_) return false;
  const uint32_t slot = find(key);
  if (slot == kNone) return false;
  Slot& s = slots_[slot];
  if (!(s.flags & kHasResponse) || !stale_allowed(s, now)) return false;
  if (counters_.misses > 0) --counters_.misses;
  ++counters_.stale;
  s.last_use_ns = now.ns();
  unlink(slot);
  link_front(slot);
  return true;
}

std::optional<CacheEntryView> ResponseCache::peek(uint64_t key) const
{
  const uint32_t slot = find(key);
  if (slot == kNone) return std::nullopt;
  const Slot& s = slots_[slot];
  CacheEntryView v;
  v.has_response = (s.flags & kHasResponse) != 0;
  v.filling = (s.flags & kFilling) != 0;
  v.expiry = engine::SimTime::from_ns(s.expiry_ns);
  v.last_use = engine::SimTime::from_ns(s.last_use_ns);
  v.bytes = s.bytes;
  return v;
}

}  // namespace lbsim::models
