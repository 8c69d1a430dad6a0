// Explanations for the algorithms that take turns or draw lots: whose turn it was, or what chance
// each server had.
#include "models/balancers/algorithms/sticky_round_robin.hpp"
#include "models/balancers/explain/explain_parts.hpp"
#include "models/balancers/hashing/request_key.hpp"

#include <cstdio>

namespace lbsim::models::explain {

namespace {

std::string number(int64_t n) { return std::to_string(n); }

// The member after `previous` in configuration order, skipping the ineligible: the chosen one, if
// the cursor moved as round robin moves it.
std::string next_in_turn(const PickFacts& f, ServerChoice previous)
{
  const auto n = static_cast<uint32_t>(f.before.size());
  if (previous && *previous >= n) previous = std::nullopt;
  const uint32_t chosen = *f.chosen;
  if (n == 1) return "the only server";
  std::vector<std::string> skipped;
  uint32_t i = previous ? (*previous + 1) % n : 0;
  for (uint32_t steps = 0; i != chosen && steps < n; ++steps, i = (i + 1) % n) {
    if (f.before[i].eligible) return "its turn in the cycle";  // the cursor moved without us
    skipped.push_back(f.names[i]);
  }
  std::string out = previous ? "next in turn after " + f.names[*previous] : "the first in turn";
  if (!skipped.empty()) out += ", skipping " + name_list(skipped) + " (not eligible)";
  return out;
}

int64_t eligible_weight(const PickFacts& f)
{
  int64_t total = 0;
  for (const PoolMember& m : f.before)
    if (m.eligible) total += effective_weight(m);
  return total;
}

std::string weighted_turn(const PickFacts& f, ServerChoice previous)
{
  if (equal_weights(f)) return next_in_turn(f, previous);
  if (previous && *previous >= f.before.size()) previous = std::nullopt;
  const std::string& variant = f.config.options.variant;
  const char* order = variant == "classic" ? "HAProxy's static-rr map"
                      : variant == "fwrr"  ? "HAProxy's roundrobin tree"
                      : variant == "edf"   ? "Envoy's EDF schedule"
                                           : "nginx's smooth current weights";
  const uint32_t c = *f.chosen;
  const int64_t w = effective_weight(f.before[c]), total = eligible_weight(f);
  return f.names[c] + "'s turn: weight " + number(w) + " of " + number(total) + ", so " + number(w) + " of every " +
         number(total) + " requests, in the order of " + order +
         (previous ? "; the request before went to " + f.names[*previous] : std::string()) + not_eligible(f);
}

std::string first_free(const PickFacts& f)
{
  std::vector<std::string> passed;
  for (uint32_t i = 0; i < *f.chosen; ++i) {
    const PoolMember& m = f.before[i];
    if (m.full()) passed.push_back(f.names[i] + " full (" + number(m.active) + " of max_conns " + number(m.max_conns) + ")");
    else passed.push_back(f.names[i] + " not eligible");
  }
  std::string out = f.names[*f.chosen] + " is the first server in order with a free slot";
  if (!passed.empty()) out += ": " + name_list(passed);
  return out;
}

std::string drawn(const PickFacts& f)
{
  int eligible = 0;
  for (const PoolMember& m : f.before) eligible += m.eligible ? 1 : 0;
  const uint32_t c = *f.chosen;
  if (equal_weights(f))
    return "drawn at random: each of the " + number(eligible) + " eligible servers had 1 chance in " + number(eligible) +
           not_eligible(f);
  return "drawn at random by weight: " + f.names[c] + " had " + number(effective_weight(f.before[c])) + " chances in " +
         number(eligible_weight(f)) + not_eligible(f);
}

std::string seconds(engine::SimTime t)
{
  char text[32];
  std::snprintf(text, sizeof text, "%g s", static_cast<double>(t.ns()) / 1e9);
  return text;
}

// The pin table as the algorithm keeps it (sticky_round_robin.hpp), followed from the picks seen.
std::string sticky(const PickFacts& f, PickExplainer::Memory& memory)
{
  const uint32_t c = *f.chosen;
  const std::string client = dotted_quad(f.client_address);
  if (const auto* real = dynamic_cast<const StickyRoundRobinBalancer*>(&f.algorithm);
      real && real->pinned_server(f.client_address) != f.chosen)
    return {};  // not the table we follow: say only the rule
  const engine::SimTime timeout = f.config.options.sticky_timeout;
  const auto seen = memory.clients.find(f.client_address);
  std::string out;
  if (seen == memory.clients.end()) {
    out = client + " is a new client: " + f.names[c] + ", the next in round robin (then remembered)";
  } else if (f.now - seen->second.last >= timeout) {
    out = client + " is back after its pin expired (unused for " + seconds(timeout) + "): a new client again, " +
          f.names[c] + " by round robin (then remembered)";
  } else if (seen->second.member >= f.names.size()) {
    out = client + "'s server left the pool: pinned again, to " + f.names[c] + ", the next in round robin";
  } else if (seen->second.member == c) {
    out = client + " is a returning client: sticky to " + f.names[c];
  } else {
    const std::string& old = f.names[seen->second.member];
    out = client + " was pinned to " + old + ", which is not eligible: pinned again, to " + f.names[c] +
          ", the next in round robin";
  }
  memory.clients[f.client_address] = {c, f.now};
  return out;
}

}  // namespace

std::string turns(const PickFacts& f, PickExplainer::Memory& memory)
{
  const std::string& a = f.config.algorithm;
  if (a == "round_robin") return next_in_turn(f, memory.previous);
  if (a == "weighted_round_robin") return weighted_turn(f, memory.previous);
  if (a == "first") return first_free(f);
  if (a == "random") return drawn(f);
  if (a == "sticky_round_robin") return sticky(f, memory);
  return {};
}

}  // namespace lbsim::models::explain
