// The indexed balancers (the ones that pick in O(log n) or O(1) instead of scanning the pool) make
// exactly the choices of the straightforward O(n) algorithms (reference_balancers.hpp), pick for
// pick, over at least 100,000 picks with random active counts, weights, eligibility changes and
// changes of the pool's size, all announced through the hooks as the BalancerPool does.
#include "models/balancers/algorithms/consistent_hash.hpp"
#include "models/balancers/algorithms/ip_hash.hpp"
#include "models/balancers/algorithms/least_connections.hpp"
#include "models/balancers/algorithms/least_response_time.hpp"
#include "models/balancers/algorithms/peak_ewma.hpp"
#include "models/balancers/algorithms/round_robin.hpp"
#include "models/balancers/algorithms/sticky_round_robin.hpp"
#include "models/balancers/algorithms/weighted_least_connections.hpp"
#include "models/balancers/algorithms/weighted_round_robin.hpp"
#include "models/balancers/hashing/crc32.hpp"
#include "models/balancers/hashing/request_key.hpp"
#include "tests/models/reference_balancers.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

using namespace lbsim::models;
using lbsim::engine::milliseconds;
using lbsim::engine::RngStream;
using lbsim::engine::SimTime;

namespace {

// A pool that changes at random, announcing each change to `balancer` as the BalancerPool does.
struct ChangingPool {
  std::vector<PoolMember> pool;
  Balancer& balancer;
  RngStream chaos;
  int max_weight;

  ChangingPool(Balancer& b, uint32_t n, int weights, uint64_t seed) : balancer(b), chaos(seed), max_weight(weights)
  {
    for (uint32_t i = 0; i < n; ++i) pool.push_back(PoolMember{random_weight(), 0, true});
    balancer.on_pool_changed(pool);
  }
  int random_weight() { return static_cast<int>(1 + chaos.below(static_cast<uint64_t>(max_weight))); }
  uint32_t any() { return static_cast<uint32_t>(chaos.below(pool.size())); }

  void set_active(uint32_t s, uint32_t active)
  {
    pool[s].active = active;
    balancer.on_active_changed(pool, s);
  }
  // Now and then: a server goes down or comes back, a weight changes, a server is added at the end
  // or the last one removed. Returns true when the size changed.
  bool maybe_reshape(uint64_t one_in)
  {
    if (chaos.below(one_in) != 0) return false;
    const uint64_t change = chaos.below(6);
    if (change <= 3) {  // one member: on_member_changed(), as the BalancerPool tells it
      const uint32_t s = any();
      if (change == 3) pool[s].weight = random_weight();
      else pool[s].eligible = !pool[s].eligible;
      balancer.on_member_changed(pool, s);
      return false;
    }
    bool resized = false;
    if (change == 4) pool.push_back(PoolMember{random_weight(), 0, true}), resized = true;
    else if (pool.size() > 2) pool.pop_back(), resized = true;
    balancer.on_pool_changed(pool);
    return resized;
  }
  uint32_t tied_with(uint32_t chosen) const
  {
    uint32_t tied = 0;
    for (const PoolMember& m : pool)
      tied += m.eligible && uint64_t{m.active} * static_cast<uint64_t>(pool[chosen].weight) ==
                                uint64_t{pool[chosen].active} * static_cast<uint64_t>(m.weight);
    return tied;
  }
};

}  // namespace

TEST_CASE("weighted_round_robin smooth, indexed, matches nginx's O(n) loop over 100,000 picks", "[balancer][wrr][scale]")
{
  struct Case {
    uint32_t servers;
    int weights;  // 1..weights
  };
  for (const Case c : {Case{40, 3}, Case{300, 12}, Case{2000, 1}}) {
    INFO(c.servers << " servers, weights 1.." << c.weights);
    WeightedRoundRobinBalancer fast;
    reference::SmoothWrr slow;
    ChangingPool p(fast, c.servers, c.weights, 11 + c.servers);
    RngStream rng(1);
    uint64_t picks = 0, resizes = 0;
    for (int step = 0; step < 100'000; ++step) {
      resizes += p.maybe_reshape(40);
      PickContext context{0, "/", SimTime::zero(), rng};
      const ServerChoice expected = slow.pick(p.pool);
      REQUIRE(fast.pick(p.pool, context) == expected);
      picks += expected.has_value();
    }
    CHECK(picks > 99'000);
    CHECK(resizes > 200);
  }
}

TEST_CASE("weighted_round_robin smooth carries nginx's current weights across a pool change",
          "[balancer][wrr][scale]")
{
  // The first pick finds a pool of a new size and indexes it; after an eligibility change the
  // index starts again from the current weights, and the sequence goes on unbroken.
  std::vector<PoolMember> pool;
  for (const int w : {5, 1, 1, 3, 2}) pool.push_back(PoolMember{w, 0, true});
  WeightedRoundRobinBalancer fast;
  reference::SmoothWrr slow;
  RngStream rng(1);
  PickContext context{0, "/", SimTime::zero(), rng};
  for (int i = 0; i < 5; ++i) REQUIRE(fast.pick(pool, context) == slow.pick(pool));
  pool[2].eligible = false;
  fast.on_pool_changed(pool);
  for (int i = 0; i < 50; ++i) REQUIRE(fast.pick(pool, context) == slow.pick(pool));
}

TEST_CASE("least_connections on tie sets matches nginx's O(n) least_conn over 100,000 picks",
          "[balancer][least_connections][scale]")
{
  // Random jumps of active counts (ties at every level), uneven and equal weights (equal weights
  // above 64 servers use the groups indexed by count; a weight change makes them uneven for a while).
  struct Case {
    uint32_t servers;
    int weights;
  };
  for (const Case c : {Case{100, 3}, Case{200, 1}, Case{1500, 2}}) {
    INFO(c.servers << " servers, weights 1.." << c.weights);
    LeastConnectionsBalancer fast;
    reference::LeastConn slow;
    ChangingPool p(fast, c.servers, c.weights, 5 + c.servers);
    RngStream rng(1);
    uint64_t ties = 0, unique = 0, resizes = 0;
    for (int step = 0; step < 100'000; ++step) {
      const uint64_t changes = p.chaos.below(4);
      for (uint64_t k = 0; k < changes; ++k) p.set_active(p.any(), static_cast<uint32_t>(p.chaos.below(4)));
      resizes += p.maybe_reshape(100);
      PickContext context{0, "/", SimTime::zero(), rng};
      const ServerChoice expected = slow.pick(p.pool);
      REQUIRE(fast.pick(p.pool, context) == expected);
      if (expected) {
        (p.tied_with(*expected) > 1 ? ties : unique) += 1;
        p.set_active(*expected, p.pool[*expected].active + 1);
      }
    }
    CHECK(ties > 10'000);
    CHECK(unique > 1'000);
    CHECK(resizes > 50);
  }
}

TEST_CASE("least_connections on tie sets matches nginx at a steady load of 2,000 and 10,000 servers",
          "[balancer][least_connections][scale]")
{
  // W1's shape: each step answers a request in flight drawn at random and dispatches one, with about
  // half as many in flight as servers, so most servers tie at 0 or 1 active.
  struct Case {
    uint32_t servers;
    int weights;
  };
  for (const Case c : {Case{10'000, 1}, Case{2'000, 3}}) {
    const uint32_t n = c.servers;
    const int weights = c.weights;
    INFO(n << " servers, weights 1.." << weights);
    LeastConnectionsBalancer fast;
    reference::LeastConn slow;
    ChangingPool p(fast, n, weights, 99);
    RngStream rng(1);
    std::vector<uint32_t> in_flight;
    for (int step = 0; step < 100'000; ++step) {
      if (in_flight.size() >= n / 2) {
        const std::size_t k = static_cast<std::size_t>(p.chaos.below(in_flight.size()));
        const uint32_t s = in_flight[k];
        in_flight[k] = in_flight.back();
        in_flight.pop_back();
        p.set_active(s, p.pool[s].active - 1);
      }
      if (p.chaos.below(2000) == 0) {  // a server goes down or comes back (its requests still count)
        const uint32_t s = p.any();
        p.pool[s].eligible = !p.pool[s].eligible;
        fast.on_pool_changed(p.pool);
      }
      PickContext context{0, "/", SimTime::zero(), rng};
      const ServerChoice expected = slow.pick(p.pool);
      REQUIRE(fast.pick(p.pool, context) == expected);
      REQUIRE(expected.has_value());
      p.set_active(*expected, p.pool[*expected].active + 1);
      in_flight.push_back(*expected);
    }
  }
}

TEST_CASE("least_connections on tie sets detects a pool changed behind its back", "[balancer][least_connections][scale]")
{
  LeastConnectionsBalancer fast;
  std::vector<PoolMember> pool(100);
  fast.on_pool_changed(pool);
  RngStream rng(1);
  PickContext context{0, "/", SimTime::zero(), rng};
  REQUIRE(fast.pick(pool, context) == 0u);
  for (auto& m : pool) m.active = 1;  // no on_active_changed()
  pool[7].active = 0;
  CHECK_THROWS_AS(fast.pick(pool, context), std::logic_error);
}

TEST_CASE("weighted_least_connections on key lists matches HAProxy's ordered tree over 100,000 picks",
          "[balancer][wlc][scale]")
{
  for (const uint32_t n : {50u, 3000u}) {
    INFO(n << " servers");
    WeightedLeastConnectionsBalancer fast;
    reference::Fwlc slow;
    ChangingPool p(fast, n, 4, 3 + n);
    slow.update(p.pool);
    RngStream rng(1);
    std::vector<uint32_t> in_flight;
    for (int step = 0; step < 100'000; ++step) {
      while (!in_flight.empty() && p.chaos.below(2) == 0) {
        const std::size_t k = static_cast<std::size_t>(p.chaos.below(in_flight.size()));
        const uint32_t s = in_flight[k];
        in_flight[k] = in_flight.back();
        in_flight.pop_back();
        if (s >= p.pool.size()) continue;  // its server was removed
        p.set_active(s, p.pool[s].active - 1);
        slow.update(p.pool);
      }
      if (p.maybe_reshape(200)) {
        std::erase_if(in_flight, [&](uint32_t s) { return s >= p.pool.size(); });
      }
      slow.update(p.pool);
      PickContext context{0, "/", SimTime::zero(), rng};
      const ServerChoice expected = slow.pick(p.pool);
      REQUIRE(fast.pick(p.pool, context) == expected);
      if (expected) {
        p.set_active(*expected, p.pool[*expected].active + 1);
        slow.update(p.pool);
        in_flight.push_back(*expected);
      }
    }
  }
}

TEST_CASE("consistent_hash's bucket index finds the ring's lower bound for 100,000 keys", "[balancer][consistent_hash][scale]")
{
  // Against std::lower_bound over the ring itself, then nginx's walk past ineligible points.
  for (const uint32_t n : {3u, 16u, 1000u}) {
    INFO(n << " servers");
    std::vector<std::string> names;
    for (uint32_t i = 0; i < n; ++i) names.push_back("10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250) + ":80");
    ConsistentHashBalancer fast(RequestKeySource::client, names);
    ChangingPool p(fast, n, 2, 17 + n);
    RngStream rng(1);
    RequestKey key(RequestKeySource::client);
    for (int step = 0; step < 100'000; ++step) {
      if (p.chaos.below(2000) == 0) {  // a server goes down or comes back: the ring stays
        const uint32_t s = p.any();
        p.pool[s].eligible = !p.pool[s].eligible;
        fast.on_pool_changed(p.pool);
      }
      const auto client = static_cast<uint32_t>(p.chaos.next_u64() >> 32);
      PickContext context{client, "/", SimTime::zero(), rng};
      const ServerChoice got = fast.pick(p.pool, context);
      const auto& ring = fast.ring();
      const uint32_t h = crc32(key.text(context));
      const auto first = static_cast<std::size_t>(
          std::lower_bound(ring.begin(), ring.end(), h, [](const auto& point, uint32_t v) { return point.hash < v; }) -
          ring.begin());
      ServerChoice expected;
      for (std::size_t tries = 0; tries <= 20 && !expected; ++tries) {
        const uint32_t member = ring[(first + tries) % ring.size()].member;
        if (p.pool[member].eligible) expected = member;
      }
      if (expected) REQUIRE(got == expected);
      else REQUIRE((!got || p.pool[*got].eligible));  // the round-robin fallback
    }
  }
}

TEST_CASE("least_response_time with one exp() per distinct instant matches the plain scan", "[balancer][least_response_time][scale]")
{
  // The reference reads every estimator with its own exp(); the balancer shares one per distinct
  // elapsed time. Responses arrive between picks, so some servers were read at other instants.
  const uint32_t n = 300;
  LeastResponseTimeBalancer fast(lbsim::engine::seconds(10));
  std::vector<PeakEwma> slow(n, PeakEwma(lbsim::engine::seconds(10)));
  std::vector<int64_t> cw(n, 0);
  std::vector<PoolMember> pool(n);
  RngStream chaos(5), rng(1);
  SimTime now = SimTime::zero();
  std::vector<uint32_t> in_flight;
  for (int step = 0; step < 100'000; ++step) {
    now += milliseconds(static_cast<int64_t>(chaos.below(3)));
    while (!in_flight.empty() && chaos.below(3) != 0) {
      const std::size_t k = static_cast<std::size_t>(chaos.below(in_flight.size()));
      const uint32_t s = in_flight[k];
      in_flight[k] = in_flight.back();
      in_flight.pop_back();
      --pool[s].active;
      const SimTime rt = milliseconds(static_cast<int64_t>(1 + chaos.below(100)));
      fast.on_response(s, rt, now);
      slow[s].observe(static_cast<double>(rt.ns()), now);
    }
    if (chaos.below(300) == 0) {
      PoolMember& m = pool[static_cast<std::size_t>(chaos.below(n))];
      m.eligible = !m.eligible;
    }
    // The reference: the plain scan, smooth weighted round robin over equal loads.
    std::vector<uint32_t> tied;
    double best = 0;
    for (uint32_t i = 0; i < n; ++i) {
      if (!pool[i].eligible) continue;
      const double load = slow[i].load(pool[i].active, now);
      if (tied.empty() || load < best) best = load, tied.assign(1, i);
      else if (load == best) tied.push_back(i);
    }
    ServerChoice expected;
    if (tied.size() == 1) expected = tied[0];
    else if (!tied.empty()) {
      int64_t total = 0;
      uint32_t chosen = tied[0];
      for (const uint32_t i : tied) {
        cw[i] += pool[i].weight;
        total += pool[i].weight;
        if (cw[i] > cw[chosen]) chosen = i;
      }
      cw[chosen] -= total;
      expected = chosen;
    }
    PickContext context{0, "/", now, rng};
    REQUIRE(fast.pick(pool, context) == expected);
    if (expected) {
      ++pool[*expected].active;
      in_flight.push_back(*expected);
    }
  }
  for (uint32_t i = 0; i < n; ++i) REQUIRE(fast.cost_ns(i) == slow[i].cost_ns());
}

TEST_CASE("ip_hash's table of 6,271 hashes matches nginx's walk by weight for 100,000 clients", "[balancer][ip_hash][scale]")
{
  for (const uint32_t n : {5u, 700u, 10'000u}) {
    INFO(n << " servers");
    IpHashBalancer fast;
    ChangingPool p(fast, n, 4, 23 + n);
    RngStream rng(1);
    uint64_t resizes = 0;
    for (int step = 0; step < 100'000; ++step) {
      resizes += p.maybe_reshape(200);
      const auto client = static_cast<uint32_t>(p.chaos.next_u64() >> 32);
      PickContext context{client, "/", SimTime::zero(), rng};
      const ServerChoice got = fast.pick(p.pool, context);
      const ServerChoice expected = reference::ip_hash(p.pool, client);
      if (expected) REQUIRE(got == expected);
      else REQUIRE((!got || p.pool[*got].eligible));  // nginx's round-robin fallback
    }
    CHECK(resizes > 50);
  }
}

TEST_CASE("sticky_round_robin's list of pins matches an ordered map and set over 100,000 picks", "[balancer][sticky][scale]")
{
  // Clients come back within and after the timeout, servers go down and come back, the pool grows
  // and shrinks, and now and then time steps back (the list then walks to keep its order).
  StickyRoundRobinBalancer fast(lbsim::engine::seconds(30));
  reference::StickyTable table(lbsim::engine::seconds(30));
  RoundRobinBalancer round_robin;
  ChangingPool p(fast, 50, 1, 8);
  RngStream rng(1), rr_rng(2);
  SimTime now = SimTime::zero();
  uint64_t renewed = 0;
  for (int step = 0; step < 100'000; ++step) {
    now += milliseconds(static_cast<int64_t>(p.chaos.below(20)));
    if (p.chaos.below(1000) == 0) now = now - milliseconds(static_cast<int64_t>(p.chaos.below(5000)));
    p.maybe_reshape(300);
    const auto client = static_cast<uint32_t>(p.chaos.below(3000));
    PickContext context{client, "/", now, rng};
    const ServerChoice pinned = fast.pinned_server(client);
    const ServerChoice got = fast.pick(p.pool, context);
    PickContext rr_context{client, "/", now, rr_rng};
    const ServerChoice expected = table.pick(p.pool, client, now, [&] { return round_robin.pick(p.pool, rr_context); });
    REQUIRE(got == expected);
    REQUIRE(fast.pin_table_size() == table.size());
    renewed += pinned.has_value() && pinned == got;
  }
  CHECK(renewed > 50'000);
}

TEST_CASE("least_response_time selection indexed: the closed-form ranks' least, and the scan's picks",
          "[balancer][least_response_time][scale]")
{
  // One history of dispatches and responses drives three balancers: the scan (Finagle's estimator
  // read at every pick), the indexed selection, and its definition written as a scan over the
  // ranks ln(cost * (active + 1)) + stamp / tau of estimators that are read only when a response
  // comes (decayed first to when the scan last read them). The pool follows the scan's choices.
  const uint32_t n = 400;
  const SimTime tau = lbsim::engine::seconds(10);
  LeastResponseTimeBalancer scan(tau), indexed(tau, LeastResponseTimeBalancer::Selection::indexed);
  std::vector<PeakEwma> unread(n, PeakEwma(tau));
  std::vector<SimTime> scan_read(n, SimTime::zero());  // when the scan last read each server
  std::vector<int64_t> cw(n, 0);
  std::vector<PoolMember> pool(n);
  indexed.on_pool_changed(pool);
  RngStream chaos(9), rng(1);
  SimTime now = SimTime::zero();
  std::vector<std::pair<uint32_t, SimTime>> in_flight;
  uint64_t agree = 0, definition_checked = 0;
  for (int step = 0; step < 100'000; ++step) {
    now += milliseconds(static_cast<int64_t>(chaos.below(4)));
    while (!in_flight.empty() && chaos.below(2) == 0) {
      const std::size_t k = static_cast<std::size_t>(chaos.below(in_flight.size()));
      const auto [s, since] = in_flight[k];
      in_flight[k] = in_flight.back();
      in_flight.pop_back();
      --pool[s].active;
      indexed.on_active_changed(pool, s);
      const SimTime rt = now - since + milliseconds(static_cast<int64_t>(1 + chaos.below(40)));
      scan.on_response(s, rt, now);
      indexed.on_response(s, rt, now);
      if (scan_read[s] > unread[s].stamp()) unread[s].observe(0.0, scan_read[s]);
      unread[s].observe(static_cast<double>(rt.ns()), now);
    }
    if (chaos.below(500) == 0) {
      PoolMember& m = pool[static_cast<std::size_t>(chaos.below(n))];
      m.eligible = !m.eligible;
      indexed.on_pool_changed(pool);
    }
    // The definition: the least rank, smooth weighted round robin over equal ranks.
    std::vector<uint32_t> tied;
    std::pair<int, double> best{};
    for (uint32_t i = 0; i < n; ++i) {
      if (!pool[i].eligible) continue;
      const double cost = unread[i].cost_ns();
      const std::pair<int, double> rank =
          cost == 0.0 ? (pool[i].active == 0 ? std::pair{0, 0.0} : std::pair{2, static_cast<double>(pool[i].active)})
                      : std::pair{1, std::log(cost * (pool[i].active + 1.0)) +
                                         static_cast<double>(unread[i].stamp().ns()) / static_cast<double>(tau.ns())};
      if (tied.empty() || rank < best) best = rank, tied.assign(1, i);
      else if (rank == best) tied.push_back(i);
    }
    ServerChoice defined;
    if (tied.size() == 1) defined = tied[0];
    else if (!tied.empty()) {
      int64_t total = 0;
      uint32_t chosen = tied[0];
      for (const uint32_t i : tied) {
        cw[i] += pool[i].weight;
        total += pool[i].weight;
        if (cw[i] > cw[chosen]) chosen = i;
      }
      cw[chosen] -= total;
      defined = chosen;
    }
    PickContext context{0, "/", now, rng};
    const ServerChoice fast = indexed.pick(pool, context);
    REQUIRE(fast == defined);
    ++definition_checked;
    const ServerChoice exact = scan.pick(pool, context);
    agree += fast == exact;
    for (uint32_t i = 0; i < n; ++i)
      if (pool[i].eligible) scan_read[i] = now;
    if (exact) {
      ++pool[*exact].active;
      indexed.on_active_changed(pool, *exact);
      in_flight.push_back({*exact, now});
    }
  }
  CHECK(definition_checked == 100'000);
  // The same picks as the scan but where two loads are within rounding of each other (or the tie
  // break's current weights, which follow the picks, have drifted apart after such a pick).
  CHECK(agree > 99'900);
}
