// BalancerRegistry: algorithm names to factories, filled explicitly (no static-constructor magic).
// Adding an algorithm: one header, one source, one line in register_builtin_balancers().
#pragma once

#include "models/balancers/algorithms/balancer.hpp"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace lbsim::models {

// Per-algorithm settings from the scenario's `balancer:` block. Each field says which algorithms
// read it; the others ignore it. Invalid values make BalancerRegistry::create() throw
// std::invalid_argument with a message naming the field.
struct BalancerOptions {
  // weighted_round_robin: "smooth" (nginx smooth WRR; also "" = the default) or "classic"
  // (HAProxy static-rr map).
  std::string variant;
  // power_of_two_choices: how many distinct servers to sample per pick (d >= 1).
  int choices = 2;
  // consistent_hash, maglev: what to hash, "client" (the client address as dotted text, like
  // nginx $remote_addr and Envoy's source_ip policy) or "path" (the request path).
  std::string hash_key = "client";
  // consistent_hash, maglev: the identity of each pool member, in pool order (the server names of
  // the scenario). A name "host:port" is hashed as host and port, as nginx parses `server`.
  std::vector<std::string> server_names{};
  // maglev: the lookup table size M, a prime (Envoy's default 65537; at most 5,000,011).
  uint64_t table_size = 65537;
  // least_response_time: the Peak-EWMA decay time tau (Finagle's decayTime, default 10 s).
  engine::SimTime decay = engine::seconds(10);
  // sticky_round_robin: a pin unused for this long is forgotten (nginx sticky learn's timeout
  // default, 10 min).
  engine::SimTime sticky_timeout = engine::minutes(10);
};

class BalancerRegistry {
public:
  using Factory = std::function<std::unique_ptr<Balancer>(const BalancerOptions&)>;
  void add(std::string name, Factory factory);
  bool contains(const std::string& name) const { return factories_.count(name) != 0; }
  std::unique_ptr<Balancer> create(const std::string& name, const BalancerOptions& options) const;
  std::vector<std::string> names() const;

private:
  std::map<std::string, Factory> factories_;
};

void register_builtin_balancers(BalancerRegistry& registry);

// Every algorithm name of the scenario format, implemented or not yet, in the contract's order.
const std::vector<std::string>& all_balancer_algorithm_names();

}  // namespace lbsim::models
