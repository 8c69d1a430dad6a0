#include "models/balancers/remap.hpp"

#include "engine/rng.hpp"

#include <stdexcept>
#include <vector>

namespace lbsim::models {

uint32_t remap_key_address(uint32_t i) { return (10u << 24) + ((i & 0xFFFFu) << 8) + ((i >> 16) << 24) + 1u; }

namespace {

// The server name each key gets from a fresh balancer over servers s-1 .. s-n.
std::vector<uint32_t> picks(const BalancerRegistry& registry, const std::string& algorithm, uint32_t n,
                            const RemapOptions& options)
{
  BalancerOptions balancer_options;
  for (uint32_t s = 1; s <= n; ++s) balancer_options.server_names.push_back("s-" + std::to_string(s));
  std::unique_ptr<Balancer> balancer = registry.create(algorithm, balancer_options);
  std::vector<PoolMember> pool(n);
  balancer->on_pool_changed(pool);
  engine::RngStream rng(options.seed, "remap:" + algorithm);
  std::vector<uint32_t> chosen;
  chosen.reserve(options.keys);
  const std::string path = "/";
  for (uint32_t i = 0; i < options.keys; ++i) {
    PickContext context{remap_key_address(i), path, engine::SimTime::zero(), rng};
    const ServerChoice server = balancer->pick(pool, context);
    if (!server) throw std::logic_error("remap: " + algorithm + " found no server in a healthy pool");
    ++pool[*server].active;
    balancer->on_active_changed(pool, *server);
    chosen.push_back(*server);  // member i is named s-(i+1) in every pool, so indices compare names
  }
  return chosen;
}

double moved(const std::vector<uint32_t>& before, const std::vector<uint32_t>& after)
{
  uint64_t count = 0;
  for (size_t i = 0; i < before.size(); ++i) count += before[i] != after[i];
  return before.empty() ? 0.0 : static_cast<double>(count) / static_cast<double>(before.size());
}

}  // namespace

RemapResult measure_remap(const BalancerRegistry& registry, const std::string& algorithm, const RemapOptions& options)
{
  if (!registry.contains(algorithm)) throw std::invalid_argument("unknown algorithm \"" + algorithm + "\"");
  if (options.servers < 2) throw std::invalid_argument("remap needs at least 2 servers");
  if (options.keys > (1u << 24)) throw std::invalid_argument("remap takes at most 16,777,216 keys");
  const std::vector<uint32_t> base = picks(registry, algorithm, options.servers, options);
  RemapResult r;
  r.added = moved(base, picks(registry, algorithm, options.servers + 1, options));
  r.removed = moved(base, picks(registry, algorithm, options.servers - 1, options));
  return r;
}

}  // namespace lbsim::models
