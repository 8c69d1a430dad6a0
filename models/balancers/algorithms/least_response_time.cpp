#include "models/balancers/algorithms/least_response_time.hpp"

#include <stdexcept>

namespace lbsim::models {

LeastResponseTimeBalancer::LeastResponseTimeBalancer(engine::SimTime decay) : decay_(decay)
{
  if (decay.ns() <= 0) throw std::invalid_argument("least_response_time: decay must be positive");
}

void LeastResponseTimeBalancer::resize(std::size_t n, engine::SimTime now)
{
  while (estimators_.size() < n) estimators_.emplace_back(decay_, now);
  if (estimators_.size() > n) estimators_.erase(estimators_.begin() + static_cast<std::ptrdiff_t>(n), estimators_.end());
  current_weight_.resize(n, 0);
}

ServerChoice LeastResponseTimeBalancer::pick(std::span<const PoolMember> pool, PickContext& context)
{
  const auto n = static_cast<uint32_t>(pool.size());
  if (estimators_.size() != n) resize(n, context.now);

  double best = 0;
  tied_.clear();
  PeakEwma::DecayMemo memo;  // most servers were last read at the previous pick: one exp() for them all
  for (uint32_t i = 0; i < n; ++i) {
    if (!pool[i].eligible) continue;
    const double load = estimators_[i].load(pool[i].active, context.now, memo);
    if (tied_.empty() || load < best) {
      best = load;
      tied_.assign(1, i);
    } else if (load == best) {
      tied_.push_back(i);
    }
  }
  if (tied_.empty()) return std::nullopt;
  if (tied_.size() == 1) return tied_[0];

  int64_t total = 0;
  uint32_t chosen = tied_[0];
  for (const uint32_t i : tied_) {  // ascending index: nginx's order, first on equal cw
    current_weight_[i] += effective_weight(pool[i]);
    total += effective_weight(pool[i]);
    if (current_weight_[i] > current_weight_[chosen]) chosen = i;
  }
  current_weight_[chosen] -= total;
  return chosen;
}

void LeastResponseTimeBalancer::on_response(uint32_t server, engine::SimTime response_time, engine::SimTime now)
{
  if (server >= estimators_.size()) resize(server + 1, now);
  estimators_[server].observe(static_cast<double>(response_time.ns()), now);
}

AlgorithmDeclaration least_response_time_declaration()
{
  return {"least_response_time",
          "sends to the server with the lowest decayed average response time (and fewest active).",
          {{"decay", AlgorithmOption::Type::time, &BalancerOptions::decay,
       "the Peak-EWMA decay time (Finagle's decayTime), default 10 s"}},
          AnalyticRouting::measured,
          [](const BalancerOptions& o) { return std::make_unique<LeastResponseTimeBalancer>(o.decay); }};
}

}  // namespace lbsim::models
