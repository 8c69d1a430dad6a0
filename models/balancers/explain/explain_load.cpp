// Explanations for the algorithms that compare loads: the figure each server had as the pick saw
// it, and how a tie was broken.
#include "models/balancers/algorithms/least_request.hpp"
#include "models/balancers/algorithms/least_response_time.hpp"
#include "models/balancers/algorithms/power_of_two_choices.hpp"
#include "models/balancers/explain/explain_parts.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>

namespace lbsim::models::explain {

namespace {

std::string number(int64_t n) { return std::to_string(n); }

std::string millis(double ns)
{
  char text[32];
  std::snprintf(text, sizeof text, "%.3g ms", ns / 1e6);
  return text;
}

// The eligible members whose `less` is least; empty when the chosen one is not among them (the
// pool changed between the pick and this report).
std::vector<uint32_t> least(const PickFacts& f, const std::vector<uint32_t>& among,
                            const std::function<bool(uint32_t, uint32_t)>& less)
{
  std::vector<uint32_t> best;
  for (const uint32_t i : among) {
    if (best.empty() || less(i, best.front())) best = {i};
    else if (!less(best.front(), i)) best.push_back(i);
  }
  if (std::find(best.begin(), best.end(), *f.chosen) == best.end()) return {};
  return best;
}

std::vector<uint32_t> eligible(const PickFacts& f)
{
  std::vector<uint32_t> out;
  for (uint32_t i = 0; i < f.before.size(); ++i)
    if (f.before[i].eligible) out.push_back(i);
  return out;
}

// "A had the fewest active requests (0; B 2, C 1)", or the tie and who it went to.
std::string lowest(const PickFacts& f, const std::vector<uint32_t>& best, const std::string& what,
                   const std::function<std::string(uint32_t)>& figure, const std::string& tie_rule)
{
  const uint32_t c = *f.chosen;
  std::string rest;
  for (uint32_t i = 0; i < f.before.size(); ++i)
    if (f.before[i].eligible && std::find(best.begin(), best.end(), i) == best.end())
      rest += (rest.empty() ? "" : ", ") + f.names[i] + " " + figure(i);
  if (best.size() == 1)
    return f.names[c] + " had the " + what + " (" + figure(c) + (rest.empty() ? "" : "; " + rest) + ")" + not_eligible(f);
  // Equal figures say "tied at 1"; equal ratios of other figures (2/2 and 1/1) are named each.
  const bool same = std::all_of(best.begin(), best.end(), [&](uint32_t i) { return figure(i) == figure(c); });
  std::vector<std::string> tied;
  for (const uint32_t i : best) tied.push_back(same ? f.names[i] : f.names[i] + " " + figure(i));
  return name_list(tied) + (same ? " tied at " + figure(c) : std::string(" tied")) + (rest.empty() ? "" : " (" + rest + ")") +
         "; the tie goes to " + f.names[c] + " by " + tie_rule + not_eligible(f);
}

std::string active_of(const PickFacts& f, uint32_t i) { return number(f.before[i].active); }

std::string least_connections(const PickFacts& f)
{
  const auto less = [&](uint32_t a, uint32_t b) {
    return int64_t{f.before[a].active} * effective_weight(f.before[b]) <
           int64_t{f.before[b].active} * effective_weight(f.before[a]);
  };
  const std::vector<uint32_t> best = least(f, eligible(f), less);
  if (best.empty()) return {};
  const std::string rule = "smooth weighted round robin among the tied (nginx)";
  if (equal_weights(f)) return lowest(f, best, "fewest active requests", [&](uint32_t i) { return active_of(f, i); }, rule);
  return lowest(f, best, "fewest active requests per unit of weight",
                [&](uint32_t i) { return active_of(f, i) + "/" + number(effective_weight(f.before[i])); }, rule);
}

// HAProxy's leastconn key (weighted_least_connections.hpp): 0 when idle, else (active + 1) / weight.
std::string weighted_least_connections(const PickFacts& f)
{
  const auto key = [&](uint32_t i) -> int64_t {
    const PoolMember& m = f.before[i];
    return m.active == 0 ? 0 : (int64_t{m.active} + 1) * 4096 / (effective_weight(m) * 16);
  };
  const std::vector<uint32_t> best = least(f, eligible(f), [&](uint32_t a, uint32_t b) { return key(a) < key(b); });
  if (best.empty()) return {};
  const std::string rule = "HAProxy's order: the one longest at that load";
  if (equal_weights(f)) return lowest(f, best, "fewest active requests", [&](uint32_t i) { return active_of(f, i); }, rule);
  return lowest(f, best, "lowest (active + 1) / weight, idle counting 0",
                [&](uint32_t i) {
                  return f.before[i].active == 0 ? std::string("idle")
                                                 : number(f.before[i].active + 1) + "/" + number(effective_weight(f.before[i]));
                },
                rule);
}

// After a scan every eligible server's estimate was read at this instant (least_response_time.hpp).
std::string least_response_time(const PickFacts& f)
{
  const auto* real = dynamic_cast<const LeastResponseTimeBalancer*>(&f.algorithm);
  if (!real) return {};
  constexpr double kPenalty = PeakEwma::kPenalty;
  const auto load = [&](uint32_t i) {
    const double cost = real->cost_ns(i);
    const double active = f.before[i].active;
    if (cost == 0) return active == 0 ? 0.0 : kPenalty + active;
    return cost * (active + 1);
  };
  const std::vector<uint32_t> best = least(f, eligible(f), [&](uint32_t a, uint32_t b) { return load(a) < load(b); });
  if (best.empty()) return {};
  bool fresh = false;  // an idle server without a reply yet: load 0
  for (const uint32_t i : eligible(f)) fresh = fresh || (real->cost_ns(i) == 0 && f.before[i].active == 0);
  return lowest(f, best, "lowest response-time estimate x (active + 1)",
                [&](uint32_t i) {
                  const double cost = real->cost_ns(i);
                  if (cost == 0) return f.before[i].active == 0 ? std::string("0")
                                                                : "no reply yet, " + active_of(f, i) + " active";
                  return millis(cost) + " x " + number(f.before[i].active + 1);
                },
                "smooth weighted round robin among the tied") +
         (fresh ? "; 0 is an idle server with no reply yet" : "");
}

std::string power_of_two_choices(const PickFacts& f)
{
  const auto* real = dynamic_cast<const PowerOfTwoChoicesBalancer*>(&f.algorithm);
  if (!real) return {};
  const std::vector<uint32_t> sample = real->last_sample();
  const uint32_t c = *f.chosen;
  if (sample.empty() || std::find(sample.begin(), sample.end(), c) == sample.end()) return {};
  if (sample.size() == 1) return "drawn at random (choices: 1)" + not_eligible(f);
  std::vector<std::string> drawn;
  for (const uint32_t i : sample) drawn.push_back(f.names[i]);
  std::string figures;
  bool tie = false;
  for (const uint32_t i : sample) {
    if (f.before[i].active < f.before[c].active) return {};  // not what the pick saw
    if (i != c) figures += (figures.empty() ? "" : ", ") + f.names[i] + " " + active_of(f, i);
    if (i != c && f.before[i].active == f.before[c].active) tie = true;
  }
  const std::string drew = eligible(f).size() <= sample.size() ? "sampled every eligible server (" + name_list(drawn) + ")"
                                                               : "drew " + name_list(drawn) + " at random";
  if (tie) return drew + "; tied at " + active_of(f, c) + " active, the first drawn of the tied, " + f.names[c] + ", wins";
  return drew + "; " + f.names[c] + " had the fewest active (" + active_of(f, c) + "; " + figures + ")";
}

// n_choices: the draws replayed on a copy of the balancer's stream as the previous pick left it.
std::string least_request_draws(const PickFacts& f, const PickExplainer::Memory& memory)
{
  const uint32_t c = *f.chosen;
  const std::vector<uint32_t> hosts = eligible(f);
  std::vector<uint32_t> drawn;
  if (memory.rng && !hosts.empty()) {
    engine::RngStream replay = *memory.rng;
    const uint32_t again = LeastRequestBalancer::n_choices(
        f.before, hosts, static_cast<uint32_t>(f.config.options.choices), [&](uint64_t m) {
          const uint64_t i = replay.below(m);
          drawn.push_back(hosts[i]);
          return i;
        });
    if (again != c) drawn.clear();  // another draw of the stream came between (a retry): not this pick's
  }
  if (drawn.empty())
    return f.names[c] + " (" + active_of(f, c) + " active) was the fewer active of " + number(f.config.options.choices) +
           " random draws (with replacement); which servers were drawn is not known here (" +
           others(f, [&](uint32_t i) { return active_of(f, i) + " active"; }) + ")";
  std::vector<std::string> names;
  std::string figures;
  for (const uint32_t i : drawn) {
    names.push_back(f.names[i]);
    figures += (figures.empty() ? "" : ", ") + f.names[i] + " " + active_of(f, i);
  }
  const bool tie = std::any_of(drawn.begin(), drawn.end(),
                               [&](uint32_t i) { return i != c && f.before[i].active == f.before[c].active; });
  const std::string drew = "drew " + name_list(names) + " at random (with replacement)";
  if (std::all_of(drawn.begin(), drawn.end(), [&](uint32_t i) { return i == c; })) return drew + "; only " + f.names[c];
  if (tie) return drew + "; tied at " + active_of(f, c) + " active, the first drawn of the tied, " + f.names[c] + ", wins";
  return drew + "; " + f.names[c] + " had the fewest active (" + figures + ")";
}

std::string least_request(const PickFacts& f, const PickExplainer::Memory& memory)
{
  const uint32_t c = *f.chosen;
  if (!equal_weights(f))
    return f.names[c] + "'s turn in Envoy's EDF schedule of weight / (active + 1)^bias (" + f.names[c] + " weight " +
           number(effective_weight(f.before[c])) + ", " + active_of(f, c) + " active)" + not_eligible(f);
  if (f.config.options.selection_method == "full_scan") {
    const std::vector<uint32_t> best =
        least(f, eligible(f), [&](uint32_t a, uint32_t b) { return f.before[a].active < f.before[b].active; });
    if (best.empty()) return {};
    return lowest(f, best, "fewest active requests", [&](uint32_t i) { return active_of(f, i); },
                  "a random draw among the tied");
  }
  return least_request_draws(f, memory);
}

}  // namespace

std::string loads(const PickFacts& f, const PickExplainer::Memory& memory)
{
  const std::string& a = f.config.algorithm;
  if (a == "least_connections") return least_connections(f);
  if (a == "weighted_least_connections") return weighted_least_connections(f);
  if (a == "least_response_time") return least_response_time(f);
  if (a == "power_of_two_choices") return power_of_two_choices(f);
  if (a == "least_request") return least_request(f, memory);
  return {};
}

}  // namespace lbsim::models::explain
