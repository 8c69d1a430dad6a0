#include "models/network/max_min.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>

namespace lbsim::models {

void MaxMinProblem::clear()
{
  weight.clear();
  capacity_.clear();
  cap_.clear();
  route_begin_.assign(1, 0);
  route_links_.clear();
  link_classes_.clear();
  by_cap_.clear();
}

uint32_t MaxMinProblem::add_link(double capacity_bps)
{
  capacity_.push_back(capacity_bps);
  link_classes_.emplace_back();
  return static_cast<uint32_t>(capacity_.size() - 1);
}

void MaxMinProblem::add_class(double cap_bps)
{
  if (route_begin_.empty()) route_begin_.push_back(0);
  cap_.push_back(cap_bps);
  weight.push_back(0);
  route_begin_.push_back(static_cast<uint32_t>(route_links_.size()));
}

void MaxMinProblem::add_route_link(uint32_t link)
{
  route_links_.push_back(link);
  route_begin_.back() = static_cast<uint32_t>(route_links_.size());
  link_classes_[link].push_back(static_cast<uint32_t>(cap_.size() - 1));
}

void MaxMinProblem::prepare()
{
  // Sorting (cap, index) pairs is several times faster than sorting indices by an indirect key.
  const auto classes = static_cast<uint32_t>(cap_.size());
  std::vector<std::pair<double, uint32_t>> order(classes);
  for (uint32_t c = 0; c < classes; ++c) order[c] = {cap_[c], c};
  std::sort(order.begin(), order.end());
  by_cap_.resize(classes);
  for (uint32_t c = 0; c < classes; ++c) by_cap_[c] = order[c].second;
}

uint32_t MaxMinProblem::append_class(double cap_bps, std::span<const uint32_t> links)
{
  add_class(cap_bps);
  for (uint32_t l : links) add_route_link(l);
  const auto c = static_cast<uint32_t>(cap_.size() - 1);
  // The newest index is the largest, so it goes after every class with the same cap.
  const auto at = std::upper_bound(by_cap_.begin(), by_cap_.end(), cap_bps,
                                   [&](double cap, uint32_t k) { return cap < cap_[k]; });
  by_cap_.insert(at, c);
  return c;
}

void MaxMinSolver::freeze(const MaxMinProblem& p, uint32_t c, double rate, std::vector<double>& rates)
{
  rates[c] = rate;
  frozen_[c] = 1;
  --left_;
  const double used = static_cast<double>(p.weight[c]) * rate;
  for (uint32_t i = p.route_begin_[c]; i < p.route_begin_[c + 1]; ++i) {
    const uint32_t l = p.route_links_[i];
    remaining_[l] -= used;
    unfrozen_weight_[l] -= p.weight[c];
    if (!is_changed_[l]) {
      is_changed_[l] = 1;
      changed_.push_back(l);
    }
  }
}

void MaxMinSolver::update_changed_links()
{
  constexpr Share kNone{std::numeric_limits<double>::infinity(), UINT32_MAX};
  for (uint32_t l : changed_) {
    is_changed_[l] = 0;
    const double w = static_cast<double>(unfrozen_weight_[l]);
    tree_[leaf_ + l] = unfrozen_weight_[l] > 0 ? Share{std::max(remaining_[l], 0.0) / w, l} : kNone;
  }
  auto pull = [&](size_t i) { tree_[i] = std::min(tree_[2 * i], tree_[2 * i + 1]); };
  if (changed_.size() * depth_ > leaf_) {
    for (size_t i = leaf_ - 1; i >= 1; --i) pull(i);
  } else {
    for (uint32_t l : changed_)
      for (size_t i = (leaf_ + l) / 2; i >= 1; i /= 2) pull(i);
  }
  changed_.clear();
}

void MaxMinSolver::solve(const MaxMinProblem& p, std::vector<double>& rates)
{
  constexpr double kInf = std::numeric_limits<double>::infinity();
  const auto links = static_cast<uint32_t>(p.capacity_.size());
  const auto classes = static_cast<uint32_t>(p.cap_.size());
  rates.assign(classes, 0.0);
  remaining_.assign(p.capacity_.begin(), p.capacity_.end());
  unfrozen_weight_.assign(links, 0);
  is_changed_.assign(links, 0);
  changed_.clear();
  frozen_.resize(classes);
  left_ = 0;
  for (uint32_t c = 0; c < classes; ++c) {
    frozen_[c] = p.weight[c] == 0;  // idle: rate 0
    if (frozen_[c]) continue;
    ++left_;
    for (uint32_t i = p.route_begin_[c]; i < p.route_begin_[c + 1]; ++i)
      unfrozen_weight_[p.route_links_[i]] += p.weight[c];
  }
  leaf_ = 1;
  depth_ = 0;
  while (leaf_ < links) {
    leaf_ *= 2;
    ++depth_;
  }
  tree_.assign(2 * leaf_, Share{kInf, UINT32_MAX});
  for (uint32_t l = 0; l < links; ++l) {
    is_changed_[l] = 1;
    changed_.push_back(l);
  }

  update_changed_links();

  size_t next_cap = 0;
  while (left_ > 0) {
    while (frozen_[p.by_cap_[next_cap]]) ++next_cap;
    const uint32_t capped = p.by_cap_[next_cap];
    // Freeze the class with the lowest cap if no link fills up before it reaches it; otherwise
    // every unfrozen class on the tightest link, at that link's fair share. Fair shares only rise
    // while filling, so a cap at or below the last minimum computed is below the current one:
    // the tree is brought up to date only when that test fails.
    if (p.cap_[capped] <= tree_[1].share) {
      freeze(p, capped, p.cap_[capped], rates);
      continue;
    }
    update_changed_links();
    const Share tightest = tree_[1];
    if (p.cap_[capped] <= tightest.share) {
      freeze(p, capped, p.cap_[capped], rates);
      continue;
    }
    for (uint32_t c : p.link_classes_[tightest.link])
      if (!frozen_[c]) freeze(p, c, tightest.share, rates);
  }
  for (uint32_t l : changed_) is_changed_[l] = 0;
  changed_.clear();
}

}  // namespace lbsim::models
