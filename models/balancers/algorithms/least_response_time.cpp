#include "models/balancers/algorithms/least_response_time.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace lbsim::models {

LeastResponseTimeBalancer::Selection LeastResponseTimeBalancer::parse_selection(const std::string& text)
{
  if (text.empty() || text == "scan") return Selection::scan;
  if (text == "indexed") return Selection::indexed;
  throw std::invalid_argument("least_response_time selection must be \"scan\" or \"indexed\", not \"" + text + "\"");
}

LeastResponseTimeBalancer::LeastResponseTimeBalancer(engine::SimTime decay, Selection selection)
    : decay_(decay), selection_(selection)
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
  if (selection_ == Selection::indexed) return pick_indexed(pool, context.now);
  return pick_by_scan(pool, context.now);
}

ServerChoice LeastResponseTimeBalancer::pick_by_scan(std::span<const PoolMember> pool, engine::SimTime now)
{
  const auto n = static_cast<uint32_t>(pool.size());
  if (estimators_.size() != n) resize(n, now);

  double best = 0;
  tied_.clear();
  PeakEwma::DecayMemo memo;  // most servers were last read at the previous pick: one exp() for them all
  for (uint32_t i = 0; i < n; ++i) {
    if (!pool[i].eligible) continue;
    const double load = estimators_[i].load(pool[i].active, now, memo);
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
  if (selection_ == Selection::indexed && server < scan_read_.size()) {
    // The scan would have read (decayed) this cost at its last pick; the peak test below compares
    // with the cost as of that read, so decay it to then first.
    const engine::SimTime read = known_[server].eligible && picks_ > eligible_since_pick_[server] ? last_pick_ : scan_read_[server];
    if (read > estimators_[server].stamp()) estimators_[server].observe(0.0, read);
  }
  estimators_[server].observe(static_cast<double>(response_time.ns()), now);
  if (server < known_.size()) rerank(server);
}

// The indexed selection.
ServerChoice LeastResponseTimeBalancer::pick_indexed(std::span<const PoolMember> pool, engine::SimTime now)
{
  if (pool.size() != known_.size()) resync(pool);  // before the first on_pool_changed(), or resized
  last_pick_ = now;
  ++picks_;
  const ServerChoice chosen = ranked_.pick();
  if (chosen && !pool[*chosen].eligible)
    throw std::logic_error("least_response_time: server " + std::to_string(*chosen) +
                           " became ineligible without on_pool_changed()");
  return chosen;
}

void LeastResponseTimeBalancer::on_pool_changed(std::span<const PoolMember> pool)
{
  if (selection_ == Selection::indexed) resync(pool);
}

void LeastResponseTimeBalancer::on_active_changed(std::span<const PoolMember> pool, uint32_t server)
{
  if (pool.size() != known_.size() || server >= pool.size()) {
    resync(pool);  // resized: start again from what it is
    return;
  }
  known_[server].active = pool[server].active;
  rerank(server);
}

// Every server's rank from the pool as it is; the tie-break current weights carry over (a new
// server starts at 0, as in the scan).
void LeastResponseTimeBalancer::resync(std::span<const PoolMember> pool)
{
  const auto n = static_cast<uint32_t>(pool.size());
  std::vector<int64_t> current(n, 0);
  for (uint32_t i = 0; i < std::min<std::size_t>(n, ranked_.size()); ++i) current[i] = ranked_.current_weight(i);
  if (estimators_.size() != n) resize(n, engine::SimTime::zero());  // no history: the creation time is not used
  // When the scan last read each server: at every pick while it is eligible.
  scan_read_.resize(n, engine::SimTime::zero());
  eligible_since_pick_.resize(n, picks_);
  for (uint32_t i = 0; i < n; ++i) {
    const bool was = i < known_.size() && known_[i].eligible;
    if (was && !pool[i].eligible && picks_ > eligible_since_pick_[i]) scan_read_[i] = last_pick_;
    if (!was && pool[i].eligible) eligible_since_pick_[i] = picks_;
  }
  known_.assign(pool.begin(), pool.end());
  ranked_.reset(n);
  for (uint32_t i = 0; i < n; ++i) {
    ranked_.park(i, current[i]);
    rerank(i);
  }
}

void LeastResponseTimeBalancer::rerank(uint32_t server)
{
  if (known_[server].eligible) ranked_.place(server, rank(server), effective_weight(known_[server]));
  else ranked_.remove(server);
}

LeastResponseTimeBalancer::Rank LeastResponseTimeBalancer::rank(uint32_t server) const
{
  const PeakEwma& estimator = estimators_[server];
  const uint32_t active = known_[server].active;
  if (estimator.cost_ns() == 0.0) return active == 0 ? Rank{0, 0.0} : Rank{2, static_cast<double>(active)};
  return Rank{1, std::log(estimator.cost_ns() * (static_cast<double>(active) + 1.0)) +
                     static_cast<double>(estimator.stamp().ns()) / static_cast<double>(decay_.ns())};
}

AlgorithmDeclaration least_response_time_declaration()
{
  return {"least_response_time",
          "sends to the server with the lowest decayed average response time (and fewest active).",
          {{"decay", AlgorithmOption::Type::time, &BalancerOptions::decay,
            "the Peak-EWMA decay time (Finagle's decayTime), default 10 s"},
           {"selection", AlgorithmOption::Type::choice, &BalancerOptions::selection,
            "scan (every server read at each pick, Finagle's estimator exactly, the default) or indexed "
            "(costs decayed from their last response, O(log n) per pick)",
            {"scan", "indexed"}}},
          AnalyticRouting::measured,
          [](const BalancerOptions& o) {
            return std::make_unique<LeastResponseTimeBalancer>(o.decay, LeastResponseTimeBalancer::parse_selection(o.selection));
          }};
}

}  // namespace lbsim::models
