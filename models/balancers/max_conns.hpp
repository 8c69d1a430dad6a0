// MaxConns: the balancer's view of its servers' `max_conns` (nginx max_conns, HAProxy maxconn).
// A member with max_conns requests in flight from this balancer is full, and a full member is out
// of rotation until one of them leaves, as nginx skips it (ngx_http_upstream_round_robin.c) and
// HAProxy's algorithms pass over it (lb_fwrr.c, lb_fwlc.c, lb_fas.c: `s->served <
// srv_dynamic_maxconn(s)`). When no member is eligible and some are only full, the request waits
// in the backend queue (backend_queue.hpp) or is refused (`queue: false`).
#pragma once

#include <cstdint>
#include <vector>

namespace lbsim::models {

class MaxConns {
public:
  // limits[m]: member m's max_conns, 0 for none.
  explicit MaxConns(std::vector<uint64_t> limits);

  bool any() const { return any_; }
  void add_member(uint64_t limit);
  // After member m's active count changed to `active`: true when it became full or got a free slot.
  bool track(uint32_t member, uint64_t active)
  {
    if (limits_[member] == 0) return false;
    const bool full = active >= limits_[member];
    if (full == full_[member]) return false;
    full_[member] = full;
    return true;
  }
  // Whether the member would be in rotation were it not full (up, checked, enabled...).
  void set_usable(uint32_t member, bool usable) { usable_[member] = usable; }
  bool eligible(uint32_t member) const { return usable_[member] && !full_[member]; }
  // Some member is in rotation but full: a request with no eligible server waits rather than
  // failing for want of servers. O(n), on that path only.
  bool only_full() const;

private:
  std::vector<uint64_t> limits_;
  std::vector<bool> full_;
  std::vector<bool> usable_;
  bool any_ = false;
};

}  // namespace lbsim::models
