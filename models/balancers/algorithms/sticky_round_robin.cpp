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
  return it->second.server;
}

void StickyRoundRobinBalancer::expire(engine::SimTime now)
{
  while (!by_last_use_.empty() && now - by_last_use_.begin()->first >= timeout_) {
    pins_.erase(by_last_use_.begin()->second);
    by_last_use_.erase(by_last_use_.begin());
  }
}

void StickyRoundRobinBalancer::pin(uint32_t client, uint32_t server, engine::SimTime now)
{
  const auto [it, inserted] = pins_.try_emplace(client, Pin{server, now});
  if (!inserted) {
    by_last_use_.erase({it->second.last_used, client});
    it->second = Pin{server, now};
  }
  by_last_use_.insert({now, client});
}

ServerChoice StickyRoundRobinBalancer::pick(std::span<const PoolMember> pool, PickContext& context)
{
  expire(context.now);
  const auto it = pins_.find(context.client_address);
  if (it != pins_.end() && it->second.server < pool.size() && pool[it->second.server].eligible) {
    pin(context.client_address, it->second.server, context.now);
    return it->second.server;
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
