// AlgorithmDeclaration: everything lbsim knows about a balancing algorithm, said once, in the
// algorithm's own file: its name, a one-sentence rule, its typed options (the YAML keys, their
// bounds, where each value goes), how the queueing models see its routing, and how to make one.
// The scenario loader reads options through it, the GUI's step view shows the rule, and the
// analytic matcher reads the routing; none keeps a list of its own.
#pragma once

#include "engine/sim_time.hpp"
#include "models/balancers/algorithms/balancer.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace lbsim::models {

// Per-algorithm settings, the values of the declared options (AlgorithmOption::target says which
// option writes which field) and the identities of the pool's members.
struct BalancerOptions {
  std::string variant;                                    // weighted_round_robin: smooth (""), classic or fwrr
  int choices = 2;                                        // power_of_two_choices, least_request: servers sampled per pick
  double active_request_bias = 1.0;                       // least_request: weight / (active + 1)^bias
  std::string selection_method{};                         // least_request: n_choices ("") or full_scan
  std::string hash_key = "client";                        // consistent_hash, maglev, haproxy_hash, ring_hash: client | path
  std::string hash_type = "map-based";                    // haproxy_hash: map-based | consistent
  uint64_t table_size = 65537;                            // maglev: a prime M (Envoy's default)
  uint64_t minimum_ring_size = 1024;                      // ring_hash: Envoy's defaults
  uint64_t maximum_ring_size = 8 * 1024 * 1024;
  engine::SimTime decay = engine::seconds(10);            // least_response_time: Peak-EWMA tau
  std::string selection{};                                // least_response_time: scan ("") or indexed
  engine::SimTime sticky_timeout = engine::minutes(10);   // sticky_round_robin: a pin unused this long is forgotten
  // consistent_hash, maglev: each member's identity, in pool order (the server names). A name
  // "host:port" is hashed as host and port, as nginx parses `server`.
  std::vector<std::string> server_names{};
  // Slow start: the pool's weights count sixteenths (slow_start.hpp), as HAProxy's eweight does.
  bool weights_in_sixteenths = false;
};

// How the queueing models (models/analytic/model_match.cpp) see an algorithm's routing.
enum class AnalyticRouting {
  random_split,    // each request to a server drawn at random: independent Poisson streams
  cyclic,          // the servers in turn: each sees every N-th arrival (E_N/M/1)
  shortest_queue,  // the fewest active requests: join the shortest queue
  power_of_d,      // the fewer active of d sampled (`choices`): the supermarket model
  by_hash,         // a hash of the client or the path: the split depends on the addresses
  sticky,          // clients pinned to servers
  measured,        // measured response times: no queueing model
};

struct AlgorithmOption {
  enum class Type { choice, integer, time, prime, number };
  using Target = std::variant<std::string BalancerOptions::*, int BalancerOptions::*, uint64_t BalancerOptions::*,
                              engine::SimTime BalancerOptions::*, double BalancerOptions::*>;
  std::string key;  // in the balancer block; "sticky.timeout" is `sticky: {timeout: ...}`
  Type type = Type::integer;
  Target target;
  std::string help;                  // what it sets and its default, one line
  std::vector<std::string> choices = {};  // choice: the values allowed
  int64_t min = 0, max = 0;          // integer, prime, number: the bounds
};

// What an option of Type::prime must be (Maglev's table size).
inline bool is_prime(uint64_t n)
{
  if (n < 2) return false;
  for (uint64_t d = 2; d * d <= n; ++d)
    if (n % d == 0) return false;
  return true;
}

// How an algorithm uses the servers marked `backup: true` (docs/algorithms.md, "Server flags"): they
// take requests only while no other server is eligible; then all of them (nginx's second peer
// list, HAProxy's `option allbackups`) or only the first eligible one (HAProxy's default), or the
// real program refuses backup servers with this algorithm (nginx's hash, ip_hash and random).
struct BackupRule {
  enum class Use { refused, all, first };
  Use use = Use::all;
  // One state for both groups, as HAProxy's map (static-rr, map-based hashing) keeps one cursor
  // over whichever group it was built from; otherwise the backups have a state of their own, as
  // nginx's second peer list and HAProxy's backup trees do.
  bool shared_state = false;
};

struct AlgorithmDeclaration {
  std::string name;
  std::string rule;  // how it picks, one sentence
  std::vector<AlgorithmOption> options;
  AnalyticRouting routing = AnalyticRouting::measured;
  // Throws std::invalid_argument when an option's value is not usable (the loader reports it at
  // the balancer's line).
  std::function<std::unique_ptr<Balancer>(const BalancerOptions&)> make;
  // For an algorithm whose routing depends on its options (least_request: full_scan joins the
  // shortest queue, n_choices samples with replacement whatever d): the routing for these options,
  // used instead of `routing` and of the matcher's own adjustments for d.
  std::function<AnalyticRouting(const BalancerOptions&)> routing_of = {};
  // How its real counterpart treats backup servers, for these options; empty: BackupRule{}.
  std::function<BackupRule(const BalancerOptions&)> backups = {};
  // Whether its weights may change while it runs, so that a server back in rotation can ramp its
  // weight (`slow_start`; HAProxy's dynamic algorithms, BE_LB_PROP_DYN). Empty: no.
  std::function<bool(const BalancerOptions&)> ramps_weights = {};
};

}  // namespace lbsim::models
