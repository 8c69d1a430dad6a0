#include "models/balancers/algorithms/sticky_round_robin.hpp"

#include <stdexcept>

namespace lbsim::models {

StickyRoundRobinBalancer::StickyRoundRobinBalancer(engine::SimTime timeout) : timeout_(timeout)
{
  if (timeout.ns() <= 0) throw std::invalid_argument("sticky_round_robin: sticky_timeout must be positive");
}

ServerChoice StickyRoundRobinBalancer::pinned_server(uint32_t client_address) const
{
  const auto it = pins_.find(client_address);
  if (it == pins_.end()) return std::nullopt;
  return slots_[it->second].server;
}

void StickyRoundRobinBalancer::expire(engine::SimTime now)
{
  while (oldest_ != kNone && now - slots_[oldest_].last_used >= timeout_) {
    const uint32_t index = oldest_;
    pins_.erase(slots_[index].client);
    unlink(index);
    free_slots_.push_back(index);
  }
}

void StickyRoundRobinBalancer::pin(uint32_t client, uint32_t server, engine::SimTime now)
{
  const auto [it, inserted] = pins_.try_emplace(client, kNone);
  if (inserted) {
    if (free_slots_.empty()) {
      it->second = static_cast<uint32_t>(slots_.size());
      slots_.emplace_back();
    } else {
      it->second = free_slots_.back();
      free_slots_.pop_back();
    }
  } else {
    unlink(it->second);
  }
  slots_[it->second] = Pin{client, server, now};
  link_in_order(it->second);
}

void StickyRoundRobinBalancer::unlink(uint32_t index)
{
  Pin& p = slots_[index];
  if (p.older == kNone) oldest_ = p.newer;
  else slots_[p.older].newer = p.newer;
  if (p.newer == kNone) newest_ = p.older;
  else slots_[p.newer].older = p.older;
  p.older = p.newer = kNone;
}

void StickyRoundRobinBalancer::link_in_order(uint32_t index)
{
  Pin& p = slots_[index];
  uint32_t before = newest_;  // the pin that will precede it (used no later than it)
  while (before != kNone && slots_[before].last_used > p.last_used) before = slots_[before].older;
  p.older = before;
  p.newer = before == kNone ? oldest_ : slots_[before].newer;
  if (p.older == kNone) oldest_ = index;
  else slots_[p.older].newer = index;
  if (p.newer == kNone) newest_ = index;
  else slots_[p.newer].older = index;
}

ServerChoice StickyRoundRobinBalancer::pick(std::span<const PoolMember> pool, PickContext& context)
{
  expire(context.now);
  const auto it = pins_.find(context.client_address);
  if (it != pins_.end()) {
    const uint32_t server = slots_[it->second].server;
    if (server < pool.size() && pool[server].eligible) {
      pin(context.client_address, server, context.now);
      return server;
    }
  }
  const ServerChoice chosen = round_robin_.pick(pool, context);
  if (chosen) pin(context.client_address, *chosen, context.now);
  return chosen;
}

AlgorithmDeclaration sticky_round_robin_declaration()
{
  return {"sticky_round_robin",
          "a returning client keeps its server (until the idle timeout); new clients go round robin.",
          {{"sticky.timeout", AlgorithmOption::Type::time, &BalancerOptions::sticky_timeout,
       "a pin unused this long is forgotten (nginx sticky learn's timeout), default 10 min"}},
          AnalyticRouting::sticky,
          [](const BalancerOptions& o) { return std::make_unique<StickyRoundRobinBalancer>(o.sticky_timeout); }};
}

}  // namespace lbsim::models
