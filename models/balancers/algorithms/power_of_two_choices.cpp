#include "models/balancers/algorithms/power_of_two_choices.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

namespace lbsim::models {

namespace {
constexpr std::size_t kQuietPicksPerMember = 32;
}  // namespace

PowerOfTwoChoicesBalancer::PowerOfTwoChoicesBalancer(int choices)
{
  if (choices < 1)
    throw std::invalid_argument("power_of_two_choices: choices must be at least 1, not " + std::to_string(choices));
  choices_ = static_cast<uint32_t>(choices);
}

void PowerOfTwoChoicesBalancer::on_pool_changed(std::span<const PoolMember> pool)
{
  eligible_.reset(pool.size());
  for (uint32_t i = 0; i < pool.size(); ++i) eligible_.set(i, pool[i].eligible ? 1 : 0);
  swapped_.assign(pool.size(), 0);
  swapped_at_.assign(pool.size(), 0);
  change_ = 1;
  start_list_again();
}

void PowerOfTwoChoicesBalancer::on_member_changed(std::span<const PoolMember> pool, uint32_t server)
{
  if (pool.size() != eligible_.size() || server >= pool.size()) return on_pool_changed(pool);
  eligible_.set(server, pool[server].eligible ? 1 : 0);
  start_list_again();  // as a rebuild would, even for a change of weight alone
}

void PowerOfTwoChoicesBalancer::start_list_again()
{
  written_ = false;
  picks_since_change_ = 0;
  if (++change_ == 0) {  // after 2^32 changes: the old numbers could come back
    std::fill(swapped_at_.begin(), swapped_at_.end(), 0);
    change_ = 1;
  }
}

uint32_t PowerOfTwoChoicesBalancer::at(uint32_t place) const
{
  if (written_) return list_[place];
  return swapped_at_[place] == change_ ? swapped_[place] : static_cast<uint32_t>(eligible_.find(place));
}

void PowerOfTwoChoicesBalancer::put(uint32_t place, uint32_t server)
{
  if (written_) {
    list_[place] = server;
  } else {
    swapped_[place] = server;
    swapped_at_[place] = change_;
  }
}

void PowerOfTwoChoicesBalancer::write_list_out(std::span<const PoolMember> pool)
{
  list_.clear();
  for (uint32_t i = 0; i < pool.size(); ++i)
    if (eligible_.value(i) != 0) list_.push_back(i);
  for (uint32_t place = 0; place < list_.size(); ++place)
    if (swapped_at_[place] == change_) list_[place] = swapped_[place];
  written_ = true;
}

std::vector<uint32_t> PowerOfTwoChoicesBalancer::last_sample() const
{
  std::vector<uint32_t> sample;
  const std::size_t d = std::min<std::size_t>(choices_, eligible_.total());
  for (std::size_t k = 0; k < d; ++k) sample.push_back(at(static_cast<uint32_t>(k)));
  return sample;
}

ServerChoice PowerOfTwoChoicesBalancer::pick(std::span<const PoolMember> pool, PickContext& context)
{
  if (pool.size() != eligible_.size()) on_pool_changed(pool);
  const std::size_t m = eligible_.total();
  if (m == 0) return std::nullopt;
  // Writing the list out costs O(n): after n / 32 quiet picks it is paid for (a small pool, where
  // it is cheaper than the tree, writes it out at once).
  if (!written_ && ++picks_since_change_ * kQuietPicksPerMember >= pool.size()) write_list_out(pool);
  const std::size_t d = std::min<std::size_t>(choices_, m);
  uint32_t best = 0;
  for (std::size_t k = 0; k < d; ++k) {
    const auto place = static_cast<uint32_t>(k + context.rng.below(m - k));
    const uint32_t first = at(static_cast<uint32_t>(k));
    const uint32_t candidate = place == k ? first : at(place);
    put(static_cast<uint32_t>(k), candidate);
    put(place, first);
    if (!pool[candidate].eligible)
      throw std::logic_error("power_of_two_choices: server " + std::to_string(candidate) +
                             " became ineligible without on_pool_changed()");
    if (k == 0 || pool[candidate].active < pool[best].active) best = candidate;
  }
  return best;
}

AlgorithmDeclaration power_of_two_choices_declaration()
{
  return {"power_of_two_choices",
          "samples two servers at random (`choices` of them) and sends to the one with fewer active requests.",
          {{"choices", AlgorithmOption::Type::integer, &BalancerOptions::choices,
       "distinct servers sampled per pick (d), default 2", {}, 1, 1000}},
          AnalyticRouting::power_of_d,
          [](const BalancerOptions& o) { return std::make_unique<PowerOfTwoChoicesBalancer>(o.choices); }};
}

}  // namespace lbsim::models
