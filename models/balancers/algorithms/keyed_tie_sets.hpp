// KeyedTieSets: servers grouped by an ordered key, each group a SmoothWeightSet. A pick takes the
// least key's group: a lone server wins as it is, a tie is broken by nginx's smooth weighted round
// robin over that group only (the rule nginx's least_conn and least_time apply to their ties).
// O(log g + log n + k) to move a server or to pick, for g distinct keys and k distinct weights in
// a group. Servers outside (ineligible ones) keep their current weight for when they come back.
#pragma once

#include "models/balancers/algorithms/server_choice.hpp"
#include "models/balancers/algorithms/smooth_weight_set.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <vector>

namespace lbsim::models {

template <class Key, class Less = std::less<Key>>
class KeyedTieSets {
public:
  // n servers, all outside, each with current weight 0.
  void reset(std::size_t n)
  {
    groups_.clear();
    by_key_.clear();
    free_groups_.clear();
    members_.assign(n, Member{});
    places_.assign(n, SmoothWeightSet::Place{});
  }
  std::size_t size() const { return members_.size(); }
  bool inside(uint32_t server) const { return members_[server].group != kNoGroup; }

  // Puts `server` in the group of `key` (moving it there with its current weight if it was in another).
  void place(uint32_t server, const Key& key, int64_t weight)
  {
    Member& m = members_[server];
    if (m.group != kNoGroup) {
      if (!Less{}(m.key, key) && !Less{}(key, m.key) && m.weight == weight) return;
      m.parked = leave(server);
    }
    m.key = key;
    m.weight = weight;
    const uint32_t group = group_for(key);
    groups_[group].set.insert(server, weight, m.parked, places_);
    m.group = group;
  }
  // Sets the current weight of `server`, which is outside.
  void park(uint32_t server, int64_t current) { members_[server].parked = current; }
  // Takes `server` out (it keeps its current weight).
  void remove(uint32_t server)
  {
    if (members_[server].group != kNoGroup) members_[server].parked = leave(server);
  }

  ServerChoice pick()
  {
    if (by_key_.empty()) return std::nullopt;
    SmoothWeightSet& tied = groups_[by_key_.begin()->second].set;
    if (tied.size() == 1) return tied.only();  // nginx changes no current weight for a lone server
    return tied.take_turn(places_);
  }

  int64_t current_weight(uint32_t server) const
  {
    const Member& m = members_[server];
    return m.group == kNoGroup ? m.parked : groups_[m.group].set.current_weight(server, places_);
  }

private:
  static constexpr uint32_t kNoGroup = UINT32_MAX;
  struct Member {
    uint32_t group = kNoGroup;
    int64_t weight = 1;
    int64_t parked = 0;  // the current weight while outside
    Key key{};
  };
  struct Group {
    Key key{};
    SmoothWeightSet set;
  };

  uint32_t group_for(const Key& key)
  {
    const auto found = by_key_.find(key);
    if (found != by_key_.end()) return found->second;
    uint32_t group;
    if (!free_groups_.empty()) {
      group = free_groups_.back();
      free_groups_.pop_back();
    } else {
      group = static_cast<uint32_t>(groups_.size());
      groups_.emplace_back();
    }
    groups_[group].key = key;
    by_key_.emplace(key, group);
    return group;
  }
  int64_t leave(uint32_t server)
  {
    Member& m = members_[server];
    Group& g = groups_[m.group];
    const int64_t current = g.set.erase(server, places_);
    if (g.set.empty()) {
      by_key_.erase(g.key);
      g.set.clear();
      free_groups_.push_back(m.group);
    }
    m.group = kNoGroup;
    return current;
  }

  std::vector<Group> groups_;
  std::map<Key, uint32_t, Less> by_key_;  // non-empty groups only
  std::vector<uint32_t> free_groups_;
  std::vector<Member> members_;
  std::vector<SmoothWeightSet::Place> places_;
};

}  // namespace lbsim::models
