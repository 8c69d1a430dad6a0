// The families of explanations (pick_explanation.hpp) and the phrases they share. Each family
// returns an empty string for an algorithm that is not one of its own.
#pragma once

#include "models/balancers/explain/pick_explanation.hpp"

#include <string>
#include <vector>

namespace lbsim::models::explain {

// "A", "A and B", "A, B and C".
std::string name_list(const std::vector<std::string>& names);
// The eligible members other than the chosen one, each as "B 2" (what = its figure).
template <class Figure>
std::string others(const PickFacts& facts, Figure&& figure)
{
  std::string out;
  for (uint32_t i = 0; i < facts.before.size(); ++i) {
    if (i == *facts.chosen || !facts.before[i].eligible) continue;
    out += (out.empty() ? "" : ", ") + facts.names[i] + " " + figure(i);
  }
  return out;
}
// " (C not eligible)" for the members out of rotation, or "".
std::string not_eligible(const PickFacts& facts);
bool equal_weights(const PickFacts& facts);

// round_robin, weighted_round_robin, first, random, sticky_round_robin.
std::string turns(const PickFacts& facts, PickExplainer::Memory& memory);
// least_connections, weighted_least_connections, least_response_time, power_of_two_choices, least_request.
std::string loads(const PickFacts& facts, const PickExplainer::Memory& memory);
// ip_hash, haproxy_hash, consistent_hash, maglev, ring_hash.
std::string hashes(const PickFacts& facts, PickExplainer::Memory& memory);

}  // namespace lbsim::models::explain
