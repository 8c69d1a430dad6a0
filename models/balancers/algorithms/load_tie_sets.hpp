// LoadTieSets: the eligible servers of a least_connections pool grouped by load (active / weight,
// compared exactly as fractions), each group a SmoothWeightSet. A pick takes the least load's
// group: a lone server wins as it is, a tie is broken by nginx's smooth weighted round robin over
// that group only. A server whose active count changes moves to its new group with its current
// weight. Costs: O(log n + k) per pick and per change of an active count, k being the number of
// distinct weights in a group (1 when the pool's weights are equal), instead of nginx's O(n) scan
// and O(t) tie-break over t tied servers.
//
// Equal weights: the groups are indexed by active count and the least one is tracked as counts
// move (by one step at a time). Uneven weights: an ordered map from the reduced fraction to the
// group, O(log g) for g distinct loads; empty groups are recycled.
#pragma once

#include "models/balancers/algorithms/balancer.hpp"
#include "models/balancers/algorithms/smooth_weight_set.hpp"

#include <cstdint>
#include <map>
#include <span>
#include <utility>
#include <vector>

namespace lbsim::models {

class LoadTieSets {
public:
  // From the pool as it is and each server's current weight (current.size() == pool.size()).
  void rebuild(std::span<const PoolMember> pool, std::span<const int64_t> current);
  // Server `server`'s active count is now `active`.
  void set_active(uint32_t server, uint32_t active);
  // Server `server` came into rotation or left it (its current weight kept), with `active` requests.
  void set_eligible(uint32_t server, bool eligible, uint32_t active);
  // nginx's least_conn choice, none when no server is eligible.
  ServerChoice pick();
  // Every server's current weight, eligible or not (out.size() becomes size()).
  void current_weights(std::vector<int64_t>& out) const;

  // What was last given for a server, to check that the owner kept it in step.
  uint32_t active(uint32_t server) const { return members_[server].active; }
  bool eligible(uint32_t server) const { return members_[server].eligible; }
  int64_t weight(uint32_t server) const { return members_[server].weight; }
  std::size_t size() const { return members_.size(); }

private:
  static constexpr uint32_t kNoGroup = UINT32_MAX;
  struct Member {
    uint32_t active = 0;
    bool eligible = false;
    int64_t weight = 1;
    uint32_t group = kNoGroup;  // the group holding it (eligible servers only)
    int64_t parked = 0;         // its current weight while ineligible
  };
  // A load as a reduced fraction active / weight; ordered by exact cross-multiplication.
  using Load = std::pair<uint64_t, uint64_t>;
  struct LoadOrder {
    bool operator()(const Load& a, const Load& b) const { return a.first * b.second < b.first * a.second; }
  };

  uint32_t group_for(uint32_t active, int64_t weight);
  void join(uint32_t server, int64_t current);
  int64_t leave(uint32_t server);

  bool uniform_ = true;             // every weight equal: groups_[a] holds the servers with a active
  std::vector<SmoothWeightSet> groups_;
  uint32_t least_ = 0;              // uniform: the least non-empty group (groups_.size() if none)
  std::map<Load, uint32_t, LoadOrder> by_load_;  // uneven: load -> group, non-empty groups only
  std::vector<uint32_t> free_groups_;            // uneven: recycled groups
  std::vector<Load> group_load_;                 // uneven: each group's load
  std::vector<Member> members_;
  std::vector<SmoothWeightSet::Place> places_;
};

}  // namespace lbsim::models
