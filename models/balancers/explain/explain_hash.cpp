// Explanations for the hashing algorithms: where the request's key goes with every server up (a
// copy of the algorithm, built here, answers that), and how the algorithm moved on when that
// server was out of rotation.
#include "models/balancers/algorithms/registry.hpp"
#include "models/balancers/explain/explain_parts.hpp"
#include "models/balancers/hashing/request_key.hpp"

namespace lbsim::models::explain {

namespace {

bool is_hashing(const std::string& a)
{
  return a == "ip_hash" || a == "haproxy_hash" || a == "consistent_hash" || a == "maglev" || a == "ring_hash";
}

// What the algorithm does when the key's server is out of rotation.
std::string moves_on(const PickFacts& f)
{
  const std::string& a = f.config.algorithm;
  if (a == "ip_hash") return "hashing again (nginx's rehash)";
  if (a == "consistent_hash") return "the next point on the ring";
  if (a == "haproxy_hash")
    return f.config.options.hash_type == "consistent" ? "the next point on the ring" : "the map of the eligible servers";
  if (a == "maglev") return "the table rebuilt over the eligible servers";
  return "the ring rebuilt over the eligible servers";
}

std::string key_text(const PickFacts& f)
{
  const std::string client = dotted_quad(f.client_address);
  if (f.config.algorithm == "ip_hash") return client + " (its first three octets)";
  if (f.config.options.hash_key == "path") return "the path " + std::string(f.path);
  return client;
}

// The member the key goes to with every (non-backup) server eligible.
ServerChoice home_of(const PickFacts& f, PickExplainer::Memory& memory)
{
  std::vector<int> weights;
  std::vector<PoolMember> all_up;
  for (const PoolMember& m : f.before) {
    weights.push_back(m.weight);
    all_up.push_back(PoolMember{m.weight, 0, !m.backup, m.backup, 0});
  }
  const std::vector<std::string> names(f.names.begin(), f.names.end());
  if (!memory.home || memory.home_names != names || memory.home_weights != weights) {
    BalancerRegistry registry;
    register_builtin_balancers(registry);
    BalancerOptions options = f.config.options;
    options.server_names = names;
    memory.home = registry.create(f.config.algorithm, options);
    memory.home->on_server_names(names);
    memory.home->on_pool_changed(all_up);
    memory.home_names = names;
    memory.home_weights = weights;
  }
  engine::RngStream rng(0);
  PickContext context{f.client_address, f.path, f.now, rng};
  return memory.home->pick(all_up, context);
}

}  // namespace

std::string hashes(const PickFacts& f, PickExplainer::Memory& memory)
{
  if (!is_hashing(f.config.algorithm)) return {};
  const ServerChoice home = home_of(f, memory);
  if (!home || *home >= f.before.size()) return {};
  const std::string key = key_text(f);
  const std::string& chosen = f.names[*f.chosen];
  if (home == f.chosen) return key + " hashes to " + chosen;
  if (!f.before[*home].eligible)
    return key + " hashes to " + f.names[*home] + ", which is not eligible; " + moves_on(f) + " gives " + chosen;
  std::vector<std::string> out;
  for (uint32_t i = 0; i < f.before.size(); ++i)
    if (!f.before[i].eligible) out.push_back(f.names[i]);
  if (out.empty()) return {};  // not what the pick saw: say only the rule
  return "with every server up " + key + " would hash to " + f.names[*home] + "; with " + name_list(out) + " out, " +
         moves_on(f) + " gives " + chosen;
}

}  // namespace lbsim::models::explain
