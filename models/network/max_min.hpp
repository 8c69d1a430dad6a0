// Max-min fair rates with per-flow caps, by progressive filling ("water-filling").
//
// The input is one connected component of the network: its links (capacities) and its flow
// classes. A class is `weight` flows with the same route and the same cap; max-min fairness gives
// identical flows identical rates, so the solver works per class, not per flow, and its cost does
// not depend on how many flows a class holds. A class of weight 0 (idle) gets rate 0 and uses
// nothing.
//
// Progressive filling raises every unfrozen class's rate together. A class freezes when it reaches
// its cap, or when one of its links fills up (then every unfrozen class on that link freezes at
// the link's fair share, remaining capacity / unfrozen flows). Ties go to the cap, then to the
// lowest link index, then the lowest class index, so the result is a pure function of the input.
//
// The structure (links, classes, routes, caps in order) is kept between solves: built in bulk
// (add_* then prepare(), O(C log C + R)) or grown one class at a time (append_class(), O(C + route)
// for the ordered insert). A solve keeps the links in a tournament tree by fair share and, after
// each freezing step, updates only the links it touched, each in O(log L), or rebuilds the tree in
// O(L) when that is cheaper. A solve costs O(C + L + sum over steps of min(k log L, L)), where C is
// the number of classes, L of links and k the links a step touched (at most R, the total route
// length of the active classes, over the whole solve).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace lbsim::models {

class MaxMinProblem {
public:
  void clear();
  uint32_t add_link(double capacity_bps);
  // Bulk building: add_class() then add_route_link() for each of its links; prepare() at the end.
  void add_class(double cap_bps);
  void add_route_link(uint32_t link);
  void prepare();
  // Growing a prepared problem by one class; returns its index.
  uint32_t append_class(double cap_bps, std::span<const uint32_t> links);

  std::size_t link_count() const { return capacity_.size(); }
  std::size_t class_count() const { return cap_.size(); }
  // Input of each solve: flows per class, in add order.
  std::vector<uint64_t> weight;

private:
  friend class MaxMinSolver;
  std::vector<double> capacity_;                     // per link, bit/s
  std::vector<double> cap_;                          // per class: each flow's cap (infinity: none)
  std::vector<uint32_t> route_begin_;                // per class, plus an end: offsets into route_links_
  std::vector<uint32_t> route_links_;
  std::vector<std::vector<uint32_t>> link_classes_;  // per link: the classes crossing it, ascending
  std::vector<uint32_t> by_cap_;                     // classes by ascending (cap, index)
};

// Keeps its scratch space between calls, so a solve allocates nothing once warmed up.
class MaxMinSolver {
public:
  // rates[c] = the rate of each flow of class c: 0 if idle, infinity with no link and no cap.
  void solve(const MaxMinProblem& problem, std::vector<double>& rates);

private:
  struct Share {  // a link's fair share; ties go to the lower link index
    double share;
    uint32_t link;
    bool operator<(const Share& o) const { return share < o.share || (share == o.share && link < o.link); }
  };
  void freeze(const MaxMinProblem& p, uint32_t c, double rate, std::vector<double>& rates);
  void update_changed_links();

  std::vector<double> remaining_;
  std::vector<uint64_t> unfrozen_weight_;
  std::vector<char> frozen_;
  std::size_t left_ = 0;
  // A tournament tree over the links by fair share: leaf_ + l holds link l (or no share once no
  // unfrozen class crosses it), each node the smaller child, tree_[1] the tightest link.
  std::vector<Share> tree_;
  std::size_t leaf_ = 1;
  unsigned depth_ = 0;
  std::vector<uint32_t> changed_;   // links whose share moved since the tree was last updated
  std::vector<char> is_changed_;
};

}  // namespace lbsim::models
