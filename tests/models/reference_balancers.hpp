// The balancer algorithms written the straightforward way, each pick an O(n) pass over the pool as
// nginx or HAProxy describe it: the references that the indexed implementations must match pick
// for pick (balancer_test.cpp, balancer_scale_test.cpp).
#pragma once

#include "models/balancers/algorithms/balancer.hpp"
#include "models/balancers/algorithms/peak_ewma.hpp"

#include <cstdint>
#include <map>
#include <set>
#include <utility>
#include <vector>

namespace lbsim::models::reference {

// nginx's least_conn (ngx_http_upstream_get_least_conn_peer()): the least active/weight, then
// smooth weighted round robin over the tied only. A change of pool size resets the current weights.
class LeastConn {
public:
  ServerChoice pick(const std::vector<PoolMember>& pool)
  {
    const auto n = static_cast<uint32_t>(pool.size());
    if (cw_.size() != n) cw_.assign(n, 0);
    ServerChoice best;
    for (uint32_t i = 0; i < n; ++i) {
      if (!pool[i].eligible) continue;
      if (!best || uint64_t{pool[i].active} * static_cast<uint64_t>(pool[*best].weight) <
                       uint64_t{pool[*best].active} * static_cast<uint64_t>(pool[i].weight))
        best = i;
    }
    if (!best) return std::nullopt;
    std::vector<uint32_t> tied;
    for (uint32_t i = 0; i < n; ++i)
      if (pool[i].eligible && uint64_t{pool[i].active} * static_cast<uint64_t>(pool[*best].weight) ==
                                  uint64_t{pool[*best].active} * static_cast<uint64_t>(pool[i].weight))
        tied.push_back(i);
    if (tied.size() == 1) return tied[0];
    int64_t total = 0;
    ServerChoice chosen;
    for (const uint32_t i : tied) {
      cw_[i] += pool[i].weight;
      total += pool[i].weight;
      if (!chosen || cw_[i] > cw_[*chosen]) chosen = i;
    }
    cw_[*chosen] -= total;
    return chosen;
  }

private:
  std::vector<int64_t> cw_;
};

// nginx's smooth weighted round robin (ngx_http_upstream_get_peer()) over the eligible servers.
// A server added at the end starts at 0; the others keep their current weights.
class SmoothWrr {
public:
  ServerChoice pick(const std::vector<PoolMember>& pool)
  {
    cw_.resize(pool.size(), 0);
    int64_t total = 0;
    ServerChoice best;
    for (uint32_t i = 0; i < pool.size(); ++i) {
      if (!pool[i].eligible) continue;
      cw_[i] += pool[i].weight;
      total += pool[i].weight;
      if (!best || cw_[i] > cw_[*best]) best = i;
    }
    if (best) cw_[*best] -= total;
    return best;
  }

private:
  std::vector<int64_t> cw_;
};

// HAProxy's leastconn (lb_fwlc.c) with one thread: the least key, first in first out among equal
// keys; a server takes a new place at the tail of its key only when its key or weight changes or
// it comes back, as fwlc_srv_reposition() does. Told of every change (`update`) as the hooks are.
class Fwlc {
public:
  static uint64_t key(const PoolMember& m)
  {
    if (m.active == 0) return 0;
    return (uint64_t{m.active} + 1) * 4096 / (static_cast<uint64_t>(m.weight) * 16);
  }
  void update(const std::vector<PoolMember>& pool)
  {
    places_.resize(pool.size());
    for (uint32_t i = 0; i < pool.size(); ++i) {
      Place& p = places_[i];
      const bool same = p.queued && pool[i].eligible && p.key == key(pool[i]) && p.weight == pool[i].weight;
      if (same) continue;
      p.queued = pool[i].eligible;
      p.key = key(pool[i]);
      p.weight = pool[i].weight;
      p.arrival = next_arrival_++;
    }
  }
  ServerChoice pick(const std::vector<PoolMember>& pool) const
  {
    ServerChoice best;
    for (uint32_t i = 0; i < pool.size(); ++i) {
      const Place& p = places_[i];
      if (!p.queued) continue;
      if (!best || p.key < places_[*best].key || (p.key == places_[*best].key && p.arrival < places_[*best].arrival))
        best = i;
    }
    return best;
  }

private:
  struct Place {
    bool queued = false;
    uint64_t key = 0;
    int weight = 0;
    uint64_t arrival = 0;
  };
  std::vector<Place> places_;
  uint64_t next_arrival_ = 0;
};

// nginx's ip_hash (ngx_http_upstream_ip_hash_module.c): the byte loop on octets 1-3, then the
// walk over the peers by weight on h mod total weight, again on the current h while the peer is
// down, up to 20 tries; returns none where nginx falls back to round robin.
inline ServerChoice ip_hash(const std::vector<PoolMember>& pool, uint32_t client)
{
  uint64_t total = 0;
  for (const PoolMember& m : pool) total += static_cast<uint64_t>(m.weight);
  uint32_t h = 89;
  for (int tries = 0; tries <= 20; ++tries) {
    for (int shift = 24; shift >= 8; shift -= 8) h = (h * 113 + ((client >> shift) & 0xffu)) % 6271;
    uint64_t w = h % total;
    uint32_t peer = 0;
    while (w >= static_cast<uint64_t>(pool[peer].weight)) w -= static_cast<uint64_t>(pool[peer++].weight);
    if (pool[peer].eligible) return peer;
  }
  return std::nullopt;
}

// A sticky table as an ordered map and an ordered set of (last use, client): pins unused for
// `timeout` are dropped before each pick; a pin to an eligible server is used (and renewed),
// otherwise the next server of `next_server` is pinned.
class StickyTable {
public:
  explicit StickyTable(engine::SimTime timeout) : timeout_(timeout) {}
  template <class Next>
  ServerChoice pick(const std::vector<PoolMember>& pool, uint32_t client, engine::SimTime now, Next next_server)
  {
    while (!by_use_.empty() && now - by_use_.begin()->first >= timeout_) {
      pins_.erase(by_use_.begin()->second);
      by_use_.erase(by_use_.begin());
    }
    const auto it = pins_.find(client);
    ServerChoice chosen;
    if (it != pins_.end() && it->second.first < pool.size() && pool[it->second.first].eligible) chosen = it->second.first;
    else chosen = next_server();
    if (!chosen) return chosen;
    if (it != pins_.end()) by_use_.erase({it->second.second, client});
    pins_[client] = {*chosen, now};
    by_use_.insert({now, client});
    return chosen;
  }
  std::size_t size() const { return pins_.size(); }

private:
  engine::SimTime timeout_;
  std::map<uint32_t, std::pair<uint32_t, engine::SimTime>> pins_;
  std::set<std::pair<engine::SimTime, uint32_t>> by_use_;
};

}  // namespace lbsim::models::reference
