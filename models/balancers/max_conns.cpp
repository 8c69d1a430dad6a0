#include "models/balancers/max_conns.hpp"

#include <algorithm>

namespace lbsim::models {

MaxConns::MaxConns(std::vector<uint64_t> limits)
    : limits_(std::move(limits)), full_(limits_.size(), false), usable_(limits_.size(), true),
      any_(std::any_of(limits_.begin(), limits_.end(), [](uint64_t n) { return n > 0; }))
{
}

void MaxConns::add_member(uint64_t limit)
{
  limits_.push_back(limit);
  full_.push_back(false);
  usable_.push_back(false);
  any_ = any_ || limit > 0;
}

bool MaxConns::only_full() const
{
  for (size_t m = 0; m < full_.size(); ++m)
    if (full_[m] && usable_[m]) return true;
  return false;
}

}  // namespace lbsim::models
