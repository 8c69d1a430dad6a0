// Envoy's schedulers against Envoy's sources and unit tests: weighted_round_robin's edf variant
// (edf_scheduler.h, round_robin_lb.h), least_request (least_request_lb.cc, least_request_lb_test.cc)
// and ring_hash (ring_hash_lb.cc, ring_hash_lb_test.cc), with servers going down, coming back and
// changing weight.
#include "models/balancers/algorithms/least_request.hpp"
#include "models/balancers/algorithms/ring_hash.hpp"
#include "models/balancers/hashing/xxhash64.hpp"
#include "tests/models/balancer_driver.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

using namespace lbsim::models;
using namespace lbsim::tests;

namespace {

std::string picks(Driver& d, int count)
{
  std::vector<ServerChoice> out;
  for (int i = 0; i < count; ++i) out.push_back(d.request_and_answer());
  return letters(out);
}

std::string repeat(const std::string& period, int times)
{
  std::string out;
  for (int i = 0; i < times; ++i) out += (out.empty() ? "" : " ") + period;
  return out;
}

BalancerOptions edf()
{
  BalancerOptions options;
  options.variant = "edf";
  return options;
}

// Envoy's mocked random(): the values a test scripts, reduced modulo m as Envoy does.
struct ScriptedDraws {
  std::vector<uint64_t> values;
  std::size_t next = 0;
  uint64_t operator()(uint64_t m) { return values.at(next++) % m; }
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// weighted_round_robin, variant edf

TEST_CASE("edf reproduces Envoy's round robin vectors in every period (reference 3.1)", "[balancer][edf]")
{
  Driver d511(make("weighted_round_robin", edf()), pool_of({5, 1, 1}));
  CHECK(picks(d511, 21) == repeat("a a a a b c a", 3));
  Driver d21(make("weighted_round_robin", edf()), pool_of({2, 1}));
  CHECK(picks(d21, 9) == repeat("a b a", 3));
  // A scheduler filled by plain add()s, without createWithPicks' 1e-13, gives a b a a c b in
  // the second period; Envoy's gives the first period again.
  Driver d321(make("weighted_round_robin", edf()), pool_of({3, 2, 1}));
  CHECK(picks(d321, 30) == repeat("a b a c b a", 5));
  // Envoy's least_request_lb_test WeightImbalance with bias 0 is this schedule too: 1,2 -> b a b b a b.
  Driver d12(make("weighted_round_robin", edf()), pool_of({1, 2}));
  CHECK(picks(d12, 6) == "b a b b a b");
}

TEST_CASE("edf with equal weights is Envoy's plain rotation, its index kept across changes", "[balancer][edf]")
{
  Driver d(make("weighted_round_robin", edf()), pool_of({1, 1, 1, 1}));
  CHECK(picks(d, 6) == "a b c d a b");
  // b goes down: the healthy hosts are a c d and Envoy keeps rr_index (6): 6 mod 3 = 0 -> a.
  d.set_eligible(1, false);
  CHECK(picks(d, 4) == "a c d a");
  // b comes back: index 10 mod 4 = 2 -> c.
  d.set_eligible(1, true);
  CHECK(picks(d, 3) == "c d a");
  // Equal weights of 3 rotate as weights of 1 do.
  Driver threes(make("weighted_round_robin", edf()), pool_of({3, 3}));
  CHECK(picks(threes, 4) == "a b a b");
}

TEST_CASE("edf rebuilds its schedule from scratch when a server goes down, comes back or is reweighted",
          "[balancer][edf]")
{
  Driver d(make("weighted_round_robin", edf()), pool_of({3, 2, 1}));
  CHECK(picks(d, 2) == "a b");
  // c down: a new createWithPicks(0) over a (3) and b (2). Its float deadlines order the ties
  // at 1.0 b before a (1/(2+1e-13) + 1/2 < 1/(3+1e-13) + 2/3): a b a b a.
  d.set_eligible(2, false);
  CHECK(picks(d, 10) == repeat("a b a b a", 2));
  // c back: the schedule of 3,2,1 starts again.
  d.set_eligible(2, true);
  CHECK(picks(d, 6) == "a b a c b a");
  // b reweighted to 5: a schedule of 3,5,1 from its start (deadlines 1/5 b, 1/3 a, 2/5 b, ...).
  d.set_weight(1, 5);
  CHECK(picks(d, 4) == "b a b b");
  // Only one server left: it takes every request; none left: none.
  d.set_eligible(0, false);
  d.set_eligible(1, false);
  CHECK(picks(d, 3) == "c c c");
  d.set_eligible(2, false);
  CHECK(picks(d, 1) == "-");
}

// ---------------------------------------------------------------------------------------------
// least_request

TEST_CASE("least_request draws with replacement and keeps the first sample on a tie (least_request_lb_test)",
          "[balancer][least_request]")
{
  const std::vector<uint32_t> two = {0, 1};
  // Normal: active 1, 2 and draws 2, 3 (hosts 0, 1) -> host 0; active 2, 1 -> host 1.
  auto pool = pool_of({1, 1});
  pool[0].active = 1;
  pool[1].active = 2;
  CHECK(LeastRequestBalancer::n_choices(pool, two, 2, ScriptedDraws{{2, 3}}) == 0u);
  pool[0].active = 2;
  pool[1].active = 1;
  CHECK(LeastRequestBalancer::n_choices(pool, two, 2, ScriptedDraws{{2, 3}}) == 1u);
  // PNC: active 4, 3, 2, 1; all draws 0 -> host 0 (drawn every time); five draws 3 0 3 2 1 -> host 3.
  const std::vector<uint32_t> four = {0, 1, 2, 3};
  auto pnc = pool_of({1, 1, 1, 1});
  for (uint32_t i = 0; i < 4; ++i) pnc[i].active = 4 - i;
  CHECK(LeastRequestBalancer::n_choices(pnc, four, 2, ScriptedDraws{{0, 0}}) == 0u);
  CHECK(LeastRequestBalancer::n_choices(pnc, four, 5, ScriptedDraws{{0, 0, 0, 0, 0}}) == 0u);
  CHECK(LeastRequestBalancer::n_choices(pnc, four, 5, ScriptedDraws{{3, 0, 3, 2, 1}}) == 3u);
  // The reference's example: active 5, 2, 9 and samples 0, 2 -> host 0 (a tie would keep it too).
  auto three = pool_of({1, 1, 1});
  three[0].active = 5;
  three[1].active = 2;
  three[2].active = 9;
  CHECK(LeastRequestBalancer::n_choices(three, std::vector<uint32_t>{0, 1, 2}, 2, ScriptedDraws{{0, 2}}) == 0u);
  three[2].active = 5;
  CHECK(LeastRequestBalancer::n_choices(three, std::vector<uint32_t>{0, 1, 2}, 2, ScriptedDraws{{0, 2}}) == 0u);
}

TEST_CASE("least_request full_scan takes the fewest active, ties by reservoir sampling", "[balancer][least_request]")
{
  BalancerOptions options;
  options.selection_method = "full_scan";
  // FullScanOneHostWithLeastRequests: active 4, 3, 2, 1, 5 -> host 3.
  Driver one(make("least_request", options), pool_of({1, 1, 1, 1, 1}));
  for (uint32_t i = 0; i < 5; ++i) one.pool[i].active = std::vector<uint32_t>{4, 3, 2, 1, 5}[i];
  CHECK(one.request_and_answer() == 3u);
  // Reservoir sampling: the k-th tie replaces the candidate when draw(k) == 0.
  auto pool = pool_of({1, 1, 1, 1, 1});
  for (uint32_t i = 0; i < 5; ++i) pool[i].active = std::vector<uint32_t>{3, 3, 1, 1, 1}[i];
  const std::vector<uint32_t> hosts = {0, 1, 2, 3, 4};
  // host 1 ties host 0 (draw 0 of 2: replace), host 2 is lower, host 3 ties (draw 1: keep), host 4 (draw 0: take).
  CHECK(LeastRequestBalancer::full_scan(pool, hosts, ScriptedDraws{{0, 1, 0}}) == 4u);
  CHECK(LeastRequestBalancer::full_scan(pool, hosts, ScriptedDraws{{0, 1, 1}}) == 2u);
  // FullScanMultipleHostsWithLeastRequests: active 3, 3, 1, 1, 1 -> hosts 2, 3, 4 a third each
  // (Envoy allows 0.5 % over 1,000,000 picks; here 5 sigma over 300,000).
  Driver tied(make("least_request", options), pool);
  std::vector<int> count(5, 0);
  const int n = 300'000;
  for (int i = 0; i < n; ++i) ++count[*tied.request_and_answer()];
  CHECK(count[0] + count[1] == 0);
  const double sigma5 = 5 * std::sqrt(n * (1.0 / 3) * (2.0 / 3));
  for (int i = 2; i < 5; ++i) CHECK(std::abs(count[i] - n / 3.0) < sigma5);
}

TEST_CASE("least_request with unequal weights: Envoy's WeightImbalance vectors", "[balancer][least_request]")
{
  // Weights 1, 2, nothing active: 2:1 for host 1. Requests are answered at once, so the active
  // counts are the ones the test sets, as in Envoy's test, whose hosts never count a pick.
  Driver d(make("least_request"), pool_of({1, 2}));
  CHECK(picks(d, 6) == "b a b b a b");
  // Host 1 with one active request: weights 1 and 2/2 -> 1:1 once its stale weight is used up.
  d.pool[1].active = 1;
  CHECK(picks(d, 5) == "b a b a b");
  // Host 0 at 1 active, host 1 idle: weights 1/2 and 2 -> 4:1.
  d.pool[0].active = 1;
  d.pool[1].active = 0;
  CHECK(picks(d, 10) == "a b b b a b b b b a");
  // WeightImbalanceWithCustomActiveRequestBias: bias 0 ignores the active count: 2:1.
  BalancerOptions bias0;
  bias0.active_request_bias = 0.0;
  Driver flat(make("least_request", bias0), pool_of({1, 2}));
  flat.pool[1].active = 1;
  CHECK(picks(flat, 6) == "b a b b a b");
  // WeightImbalanceCallbacks: b a, then host 1 leaves and host 0 takes the requests.
  Driver cb(make("least_request"), pool_of({1, 2}));
  CHECK(picks(cb, 2) == "b a");
  cb.set_eligible(1, false);
  CHECK(picks(cb, 2) == "a a");
}

TEST_CASE("least_request's weight is weight / (active + 1)^bias (reference 3.2 table)", "[balancer][least_request]")
{
  const PoolMember a{3, 2, true};
  const PoolMember b{1, 0, true};
  CHECK(LeastRequestBalancer::host_weight(a, 1.0) == 1.0);
  CHECK(LeastRequestBalancer::host_weight(b, 1.0) == 1.0);
  CHECK(LeastRequestBalancer::host_weight(a, 0.5) == Approx(1.732).margin(0.001));
  CHECK(LeastRequestBalancer::host_weight(a, 2.0) == Approx(0.333).margin(0.001));
  CHECK(LeastRequestBalancer::host_weight(a, 0.0) == 3.0);
  CHECK_THROWS_AS(make("least_request", [] {
                    BalancerOptions o;
                    o.choices = 1;
                    return o;
                  }()),
                  std::invalid_argument);
}

TEST_CASE("least_request samples the eligible servers only and rebuilds when one comes back",
          "[balancer][least_request]")
{
  Driver d(make("least_request"), pool_of({1, 1, 1}));
  d.set_eligible(0, false);
  std::vector<int> count(3, 0);
  for (int i = 0; i < 3000; ++i) ++count[*d.request_and_answer()];
  CHECK(count[0] == 0);
  CHECK(count[1] > 1000);
  CHECK(count[2] > 1000);
  // Back, and now with a weight of its own: the schedule (weights 3, 1, 1) takes over.
  d.pool[0].weight = 3;
  d.set_eligible(0, true);
  // 3,1,1 from its start: a a, then b and c (1/(1+1e-13) comes before 1/(3+1e-13) + 2/3), then a.
  CHECK(picks(d, 5) == "a a b c a");
}

// ---------------------------------------------------------------------------------------------
// ring_hash

namespace {

std::vector<std::string> ports(int first, int last)
{
  std::vector<std::string> names;
  for (int p = first; p <= last; ++p) names.push_back("127.0.0.1:" + std::to_string(p));
  return names;
}

std::vector<uint64_t> hashes(const std::vector<RingHashBalancer::Point>& ring)
{
  std::vector<uint64_t> out;
  for (const auto& point : ring) out.push_back(point.hash);
  return out;
}

uint32_t server_for(const std::vector<RingHashBalancer::Point>& ring, uint64_t h)
{
  return ring[RingHashBalancer::find_point(ring, h)].server;
}

}  // namespace

TEST_CASE("ring_hash reproduces Envoy's Basic ring and lookups (ring_hash_lb_test)", "[balancer][ring_hash]")
{
  const std::vector<std::string> keys = ports(90, 95);
  const std::vector<int64_t> weights(6, 1);
  const auto ring = RingHashBalancer::build_ring(keys, weights, 12, RingHashBalancer::kDefaultMaximumRingSize);
  CHECK(hashes(ring) == std::vector<uint64_t>{833437586790550860u, 928266305478181108u, 1033482794131418490u,
                                              3551244743356806947u, 3851675632748031481u, 5583722120771150861u,
                                              6311230543546372928u, 7700377290971790572u, 13144177310400110813u,
                                              13444792449719432967u, 15516499411664133160u, 16117243373044804889u});
  // :94 :92 :90 :95 :93 :91 :91 :93 :95 :92 :94 :90
  std::vector<uint32_t> owners;
  for (const auto& point : ring) owners.push_back(point.server);
  CHECK(owners == std::vector<uint32_t>{4, 2, 0, 5, 3, 1, 1, 3, 5, 2, 4, 0});
  CHECK(server_for(ring, 0) == 4u);
  CHECK(server_for(ring, std::numeric_limits<uint64_t>::max()) == 4u);
  CHECK(server_for(ring, 3551244743356806947u) == 5u);
  CHECK(server_for(ring, 3551244743356806948u) == 3u);
  CHECK(server_for(ring, 16117243373044804880u) == 0u);

  // BasicWithHostname: the names "90".."95".
  const std::vector<std::string> hostnames = {"90", "91", "92", "93", "94", "95"};
  const auto named = RingHashBalancer::build_ring(hostnames, weights, 12, RingHashBalancer::kDefaultMaximumRingSize);
  CHECK(hashes(named) == std::vector<uint64_t>{1975508444536362413u, 2376063919839173711u, 2386806903309390596u,
                                               6749904478991551885u, 6803900775736438537u, 7225015537174310577u,
                                               8787465352164086522u, 11282020843382717940u, 13723418369486627818u,
                                               13776502110861797421u, 14338313586354474791u, 15364271037087512980u});
  CHECK(server_for(named, 0) == 5u);
  CHECK(server_for(named, 7225015537174310577u) == 2u);
  CHECK(server_for(named, 6803900775736438537u) == 3u);
}

TEST_CASE("ring_hash scales the ring so the lightest server gets whole points (UnevenHosts, HostWeightedTinyRing)",
          "[balancer][ring_hash]")
{
  // Two servers, minimum 3: scale = ceil(0.5 * 3) / 0.5 = 4 points.
  const auto uneven = RingHashBalancer::build_ring(ports(80, 81), std::vector<int64_t>{1, 1}, 3, 8388608);
  CHECK(hashes(uneven) ==
        std::vector<uint64_t>{5454692015285649509u, 7859399908942313493u, 13838424394637650569u, 16064866803292627174u});
  CHECK(server_for(uneven, 0) == 0u);
  const auto moved = RingHashBalancer::build_ring(ports(81, 82), std::vector<int64_t>{1, 1}, 3, 8388608);
  CHECK(hashes(moved) ==
        std::vector<uint64_t>{7859399908942313493u, 8241336090459785962u, 12882406409176325258u, 16064866803292627174u});
  CHECK(server_for(moved, 0) == 0u);
  // Weights 1, 2, 3 on exactly 6 points: one, two and three points.
  const auto tiny = RingHashBalancer::build_ring(ports(90, 92), std::vector<int64_t>{1, 2, 3}, 6, 6);
  REQUIRE(tiny.size() == 6);
  const std::vector<std::pair<uint64_t, uint32_t>> expected = {
      {928266305478181108u, 2},  {4443673547860492590u, 2},  {5583722120771150861u, 1},
      {6311230543546372928u, 1}, {13444792449719432967u, 2}, {16117243373044804889u, 0}};
  for (const auto& [h, server] : expected) CHECK(server_for(tiny, h) == server);
  // The default minimum (1024) over 16 equal servers: 64 points each.
  const auto sixteen = RingHashBalancer::build_ring(ports(1, 16), std::vector<int64_t>(16, 1), 1024, 8388608);
  CHECK(sixteen.size() == 1024);
  // 10,000 servers: the lightest already has one point per 1/10,000: 10,000 points.
  CHECK(RingHashBalancer::build_ring(ports(1, 10000), std::vector<int64_t>(10000, 1), 1024, 8388608).size() == 10000);
  // Bounds as Envoy's: minimum above maximum is refused.
  CHECK_THROWS_AS(RingHashBalancer(RequestKeySource::client, {}, 20, 10), std::invalid_argument);
}

TEST_CASE("ring_hash picks by the request key's xxHash64 and rebuilds over the eligible servers",
          "[balancer][ring_hash]")
{
  BalancerOptions options;
  options.server_names = ports(90, 95);
  options.minimum_ring_size = 12;
  options.hash_key = "path";
  Driver d(make("ring_hash", options), pool_of({1, 1, 1, 1, 1, 1}));
  const auto& ring = dynamic_cast<RingHashBalancer&>(*d.balancer);
  // Each path goes where its xxHash64 falls on the Basic ring.
  for (const std::string path : {"/", "/a", "/b", "/api/v1/users", "/img/logo.png"}) {
    const ServerChoice chosen = d.request_and_answer(0, path);
    REQUIRE(chosen);
    CHECK(*chosen == server_for(ring.ring(), xxhash64(path, 0)));
  }
  REQUIRE(ring.ring().size() == 12);
  const std::vector<uint64_t> basic = hashes(ring.ring());
  // :94 down: a ring over five servers, scale = ceil(0.2 * 12) / 0.2 = 15 points, three each:
  // the Basic ring's points but :94's, and each server's point "_2".
  d.set_eligible(4, false);
  d.request_and_answer(0, "/");
  REQUIRE(ring.ring().size() == 15);
  int kept = 0;
  for (const auto& point : ring.ring()) {
    CHECK(point.server != 4u);
    kept += std::count(basic.begin(), basic.end(), point.hash) > 0 ? 1 : 0;
  }
  CHECK(kept == 10);
  for (const std::string path : {"/", "/a", "/b", "/api/v1/users", "/img/logo.png"})
    CHECK(*d.request_and_answer(0, path) == server_for(ring.ring(), xxhash64(path, 0)));
  // Back: the Basic ring again.
  d.set_eligible(4, true);
  d.request_and_answer(0, "/");
  CHECK(hashes(ring.ring()) == basic);
  // A client address is hashed as its dotted text, as Envoy's source_ip hash policy does.
  BalancerOptions by_client = options;
  by_client.hash_key = "client";
  Driver c(make("ring_hash", by_client), pool_of({1, 1, 1, 1, 1, 1}));
  const uint32_t client = (10u << 24) | (1u << 16) | (2u << 8) | 3u;
  const ServerChoice chosen = c.request_and_answer(client);
  CHECK(*chosen == server_for(dynamic_cast<RingHashBalancer&>(*c.balancer).ring(), xxhash64("10.1.2.3", 0)));
}
