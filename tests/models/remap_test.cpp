// Remapping when one server joins or leaves: modulo hashing moves most clients, consistent
// hashing and Maglev about one in N+1 (docs/algorithms.md, "Remapping").
#include "models/balancers/algorithms/registry.hpp"
#include "models/balancers/remap.hpp"

#include <catch2/catch.hpp>

using namespace lbsim::models;

namespace {
RemapResult remap(const std::string& algorithm, uint32_t servers)
{
  BalancerRegistry registry;
  register_builtin_balancers(registry);
  RemapOptions options;
  options.servers = servers;
  options.keys = 10'000;
  return measure_remap(registry, algorithm, options);
}
}  // namespace

TEST_CASE("remap keys are distinct /24 networks", "[remap]")
{
  CHECK(remap_key_address(0) == 0x0A000001u);         // 10.0.0.1
  CHECK(remap_key_address(1) == 0x0A000101u);         // 10.0.1.1
  CHECK(remap_key_address(256) == 0x0A010001u);       // 10.1.0.1
  CHECK(remap_key_address(65536) == 0x0B000001u);     // 11.0.0.1
}

TEST_CASE("modulo ip_hash moves about N/(N+1) of the clients when a server is added", "[remap]")
{
  // Tolerance: +-0.03 around N/(N+1) (10,000 keys: the binomial standard deviation is 0.003; the
  // rest is nginx's hash, which is not a perfect random function).
  for (const uint32_t n : {4u, 10u}) {
    const RemapResult r = remap("ip_hash", n);
    CHECK(r.added == Approx(static_cast<double>(n) / (n + 1)).margin(0.03));
    CHECK(r.removed == Approx(static_cast<double>(n - 1) / n).margin(0.03));
  }
}

TEST_CASE("consistent_hash and maglev move about 1/(N+1) of the clients", "[remap]")
{
  // Tolerance: the ideal 1/(N+1) (added) and 1/N (removed) within a factor 0.6..1.6: ketama's 160
  // points per server leave each server's arc within about +-10%, and Maglev's table refill moves
  // a few per cent more than the ideal. Far below modulo hashing's N/(N+1).
  for (const char* algorithm : {"consistent_hash", "maglev"}) {
    INFO(algorithm);
    const RemapResult r = remap(algorithm, 10);
    CHECK(r.added > 0.6 / 11);
    CHECK(r.added < 1.6 / 11);
    CHECK(r.removed > 0.6 / 10);
    CHECK(r.removed < 1.6 / 10);
  }
}

TEST_CASE("round robin has no affinity: a new server shifts almost every client", "[remap]")
{
  // Key i goes to i mod N: it stays only when i mod N == i mod (N+1), i.e. N of every N(N+1).
  const RemapResult r = remap("round_robin", 10);
  CHECK(r.added == Approx(1.0 - 10.0 / 110.0).margin(0.002));
}
