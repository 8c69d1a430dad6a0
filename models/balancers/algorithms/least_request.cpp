#include "models/balancers/algorithms/least_request.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace lbsim::models {

LeastRequestBalancer::Selection LeastRequestBalancer::parse_selection(const std::string& text)
{
  if (text.empty() || text == "n_choices") return Selection::n_choices;
  if (text == "full_scan") return Selection::full_scan;
  throw std::invalid_argument("least_request selection_method must be \"n_choices\" or \"full_scan\", not \"" + text + "\"");
}

LeastRequestBalancer::LeastRequestBalancer(int choice_count, double active_request_bias, Selection selection)
    : bias_(active_request_bias), selection_(selection)
{
  if (choice_count < 2)
    throw std::invalid_argument("least_request: choice_count must be at least 2, not " + std::to_string(choice_count));
  if (!(active_request_bias >= 0))
    throw std::invalid_argument("least_request: active_request_bias must be at least 0, not " +
                                std::to_string(active_request_bias));
  choice_count_ = static_cast<uint32_t>(choice_count);
}

void LeastRequestBalancer::on_pool_changed(std::span<const PoolMember> pool) { watch_.notify(pool); }

// Envoy's refresh(): the healthy hosts, and a schedule when their configured weights differ.
void LeastRequestBalancer::rebuild(std::span<const PoolMember> pool)
{
  hosts_.clear();
  for (uint32_t i = 0; i < pool.size(); ++i)
    if (pool[i].eligible) hosts_.push_back(i);
  const bool equal = std::all_of(hosts_.begin(), hosts_.end(), [&](uint32_t i) {
    return effective_weight(pool[i]) == effective_weight(pool[hosts_.front()]);
  });
  if (equal || hosts_.size() <= 1) {
    edf_.clear();
    return;
  }
  std::vector<double> weights;
  weights.reserve(hosts_.size());
  for (const uint32_t i : hosts_) weights.push_back(host_weight(pool[i], bias_));
  edf_.build(hosts_, weights);
}

ServerChoice LeastRequestBalancer::pick(std::span<const PoolMember> pool, PickContext& context)
{
  if (watch_.needs_rebuild(pool)) rebuild(pool);
  uint32_t chosen = 0;
  if (!edf_.empty()) {
    chosen = edf_.pick_and_add(host_weight(pool[edf_.next()], bias_));
  } else {
    if (hosts_.empty()) return std::nullopt;
    auto draw = [&](uint64_t m) { return context.rng.below(m); };
    chosen = selection_ == Selection::n_choices ? n_choices(pool, hosts_, choice_count_, draw)
                                                : full_scan(pool, hosts_, draw);
  }
  if (!pool[chosen].eligible)
    throw std::logic_error("least_request: server " + std::to_string(chosen) + " became ineligible without on_pool_changed()");
  return chosen;
}

AlgorithmDeclaration least_request_declaration()
{
  return {"least_request",
          "Envoy's least_request: the fewer active of `choice_count` random servers; with unequal weights an EDF "
          "schedule by weight / (active + 1)^active_request_bias.",
          {{"choice_count", AlgorithmOption::Type::integer, &BalancerOptions::choices,
            "servers drawn per pick, with replacement (Envoy's choice_count), default 2", {}, 2, 1000},
           {"active_request_bias", AlgorithmOption::Type::number, &BalancerOptions::active_request_bias,
            "the exponent of (active + 1) that divides a weight when weights differ, default 1.0", {}, 0, 100},
           {"selection_method", AlgorithmOption::Type::choice, &BalancerOptions::selection_method,
            "n_choices (the default) or full_scan (the fewest active of all, ties at random)", {"n_choices", "full_scan"}}},
          AnalyticRouting::power_of_d,
          [](const BalancerOptions& o) {
            return std::make_unique<LeastRequestBalancer>(o.choices, o.active_request_bias,
                                                          LeastRequestBalancer::parse_selection(o.selection_method));
          },
          // The queueing models see identical servers (equal weights): n_choices is the supermarket
          // model's sampling with replacement for any d, full_scan joins the shortest queue.
          [](const BalancerOptions& o) {
            return LeastRequestBalancer::parse_selection(o.selection_method) == LeastRequestBalancer::Selection::full_scan
                       ? AnalyticRouting::shortest_queue
                       : AnalyticRouting::power_of_d;
          },
          {},
          // Envoy's slow_start_config (lbsim ramps as HAProxy does: docs/algorithms.md).
          [](const BalancerOptions&) { return true; }};
}

}  // namespace lbsim::models
