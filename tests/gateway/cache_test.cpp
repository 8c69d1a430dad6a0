// The gateway's response cache against the theory of ../shared/reference/gateway.md 1.7 (V10, V13,
// the TTL variants, collapsing), scripted LRU and lock bookkeeping, its memory budget, and the
// readers of a route's `cache:` and a request type's `ids:` blocks.
#include "engine/discrete_popularity.hpp"
#include "engine/rng.hpp"
#include "models/analytic/cache.hpp"
#include "models/gateway/cache/response_cache.hpp"
#include "scenarios/format/cache_reader.hpp"
#include "scenarios/format/yaml_document.hpp"

#include <cmath>
#include <deque>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

using namespace lbsim;
using engine::SimTime;
using models::CacheConfig;
using models::CacheStatus;
using models::ResponseCache;

namespace {

SimTime at_s(double s) { return SimTime::from_seconds(s); }

double exponential(engine::RngStream& rng, double rate) { return -std::log(rng.uniform_open01()) / rate; }

CacheConfig ttl_config(SimTime ttl, bool reset_on_hit = false)
{
  CacheConfig c;
  c.ttl = ttl;
  c.ttl_reset_on_hit = reset_on_hit;
  return c;
}

// Requests for one key at Poisson rate `rate`, a miss fills at once (fill time 0), until `cycles`
// renewal cycles are complete (the miss that would start cycle cycles + 1 is not counted).
struct OneKeyRun {
  double hits = 0, requests = 0;
  double ratio() const { return hits / requests; }
};
OneKeyRun one_key(double rate, SimTime ttl, bool reset_on_hit, int cycles, uint64_t seed)
{
  ResponseCache cache(ttl_config(ttl, reset_on_hit));
  engine::RngStream rng(seed, "one-key");
  OneKeyRun run;
  int misses = 0;
  for (double t = 0;;) {
    t += exponential(rng, rate);
    const SimTime now = at_s(t);
    const models::CacheLookup look = cache.lookup(42, now);
    if (look.status == CacheStatus::hit) {
      run.hits += 1;
    } else {
      if (++misses > cycles) break;
      REQUIRE(cache.begin_fill(42, now));
      REQUIRE(cache.complete_fill(42, now, 2000, true));
    }
    run.requests += 1;
  }
  return run;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------
// Closed forms against the reference's numbers.

TEST_CASE("Cache closed forms give the reference's numbers (V10, V13, V14b, V15)", "[cache][analytic]")
{
  using namespace models::analytic;
  // V10: 10/11 and 30/31; V14b: 0.5/s and TTL 60 s -> 30/31, and 2000 x 0.5/31 = 32.26 remote calls/s.
  CHECK(ttl_hit_ratio(10, 1) == Approx(0.90909).margin(5e-6));
  CHECK(ttl_hit_ratio(0.1, 300) == Approx(0.96774).margin(5e-6));
  CHECK(ttl_hit_ratio(0.5, 60) == Approx(0.9677).margin(5e-5));
  CHECK(2000 * 0.5 * (1 - ttl_hit_ratio(0.5, 60)) == Approx(32.26).margin(0.005));
  // V15: preflights per request 1/(1 + lambda M): 1/601, 1/6, 1/7201.
  CHECK(1 - ttl_hit_ratio(1, 600) == Approx(0.00166).margin(5e-6));
  CHECK(1 - ttl_hit_ratio(1, 5) == Approx(0.167).margin(5e-4));
  CHECK(1 - ttl_hit_ratio(1, 7200) == Approx(0.000139).margin(5e-7));
  // Reset on hit: 1 - e^(-lambda T).
  CHECK(ttl_reset_hit_ratio(2, 0.5) == Approx(1 - std::exp(-1.0)).epsilon(1e-12));

  // V13: K = 1000, C = 100: t_C = 133.86 / lambda and 0.378 at s = 0.8, 0.577 at s = 1.0 (three
  // decimals: the exact values lie within half a unit of the last digit).
  const std::vector<double> p08 = zipf_popularity(1000, 0.8);
  const CheResult che08 = lru_che(p08, 1.0, 100);
  CHECK(che08.characteristic_time >= 133.855);
  CHECK(che08.characteristic_time < 133.865);
  CHECK(che08.hit_ratio >= 0.3775);
  CHECK(che08.hit_ratio < 0.3785);
  const CheResult che08_fast = lru_che(p08, 250.0, 100);  // t_C scales as 1/lambda, the ratio not at all
  CHECK(che08_fast.characteristic_time * 250.0 == Approx(che08.characteristic_time).epsilon(1e-9));
  CHECK(che08_fast.hit_ratio == Approx(che08.hit_ratio).epsilon(1e-9));
  const CheResult che10 = lru_che(zipf_popularity(1000, 1.0), 1.0, 100);
  CHECK(che10.hit_ratio >= 0.5765);
  CHECK(che10.hit_ratio < 0.5775);
  // Everything fits: every request but the first of each key hits.
  CHECK(lru_che(p08, 1.0, 1000).hit_ratio == 1.0);
  CHECK(lru_che(p08, 1.0, 0).hit_ratio == 0.0);

  // Zipf popularity: p_i = i^-s / H_{K,s}; s = 0 uniform.
  const std::vector<double> p = zipf_popularity(3, 1.0);
  CHECK(p[0] == Approx(1.0 / (1 + 0.5 + 1.0 / 3)).epsilon(1e-12));
  CHECK(p[2] == Approx((1.0 / 3) / (1 + 0.5 + 1.0 / 3)).epsilon(1e-12));
  for (const double x : zipf_popularity(4, 0)) CHECK(x == 0.25);

  // Collapsing (reference 1.7, last bullet): with a lock one fetch per cycle of F + T + 1/lambda;
  // without, 1 + lambda F fetches per cycle.
  const FillCycle locked = ttl_fill_cycle(10, 1, 0.2, true);
  CHECK(locked.fetches == 1);
  CHECK(locked.cycle == Approx(0.2 + 1 + 0.1).epsilon(1e-12));
  CHECK(locked.fetch_rate == Approx(1 / 1.3).epsilon(1e-12));
  CHECK(locked.collapsed == Approx(2).epsilon(1e-12));
  CHECK(locked.hits == Approx(10).epsilon(1e-12));
  const FillCycle unlocked = ttl_fill_cycle(10, 1, 0.2, false);
  CHECK(unlocked.fetches == Approx(3).epsilon(1e-12));
  CHECK(unlocked.cycle == Approx(0.2 + 1 + 0.1 + 0.2 - (1 - std::exp(-2.0)) / 10).epsilon(1e-12));
  CHECK(ttl_fill_cycle(10, 1, 0, false).hit_ratio == Approx(10.0 / 11).epsilon(1e-12));
  CHECK_THROWS_AS(ttl_fill_cycle(10, 0.1, 0.2, false), std::domain_error);
}

// ---------------------------------------------------------------------------------------------------
// The class against the theory, by simulation with Poisson arrivals.

// Tolerance for V10. A renewal cycle is one miss and the hits within T: N = 1 + P requests,
// P ~ Poisson(lambda T) hits, cycles i.i.d. The hit ratio over n cycles is the ratio estimator
// sum P / sum N of theta = lambda T / (1 + lambda T); by the delta method its standard deviation is
// sd(P - theta N) / (E[N] sqrt(n)) = (1 - theta) sqrt(lambda T) / ((1 + lambda T) sqrt(n))
//                                  = sqrt(lambda T) / ((1 + lambda T)^2 sqrt(n)).
// We allow 5 of them (a false failure has probability 6e-7); the ratio estimator's bias is O(1/n).
TEST_CASE("V10: one key, TTL set on fill, hit ratio lambda T / (1 + lambda T)", "[cache][V10]")
{
  struct Case { double rate, ttl_s, expected; int cycles; };
  for (const Case c : {Case{10, 1, 10.0 / 11, 200'000}, Case{0.1, 300, 30.0 / 31, 100'000}}) {
    INFO("lambda = " << c.rate << "/s, TTL " << c.ttl_s << " s");
    const OneKeyRun run = one_key(c.rate, at_s(c.ttl_s), false, c.cycles, 10);
    const double x = c.rate * c.ttl_s;
    const double sd = std::sqrt(x) / ((1 + x) * (1 + x) * std::sqrt(c.cycles));
    CHECK(run.requests > c.cycles * (1 + x) * 0.99);
    CHECK(std::abs(run.ratio() - c.expected) < 5 * sd);
  }
}

// A request hits when the previous one came less than T before: after the first, hits are i.i.d.
// Bernoulli(1 - e^(-lambda T)), so the standard deviation over n requests is sqrt(p (1 - p) / n).
TEST_CASE("TTL reset on hit: hit ratio 1 - e^(-lambda T)", "[cache]")
{
  const double p = 1 - std::exp(-2.0 * 0.5);
  const OneKeyRun reset = one_key(2.0, SimTime::from_ns(500'000'000), true, 370'000, 11);
  INFO("requests " << reset.requests);
  CHECK(reset.requests > 900'000);
  CHECK(std::abs(reset.ratio() - p) < 5 * std::sqrt(p * (1 - p) / reset.requests) + 1 / reset.requests);
  // Without the reset the same arrivals give lambda T / (1 + lambda T) = 0.5, far from 0.632
  // (tolerance as in V10: 5 sqrt(lambda T) / ((1 + lambda T)^2 sqrt(n))).
  const OneKeyRun plain = one_key(2.0, SimTime::from_ns(500'000'000), false, 300'000, 11);
  CHECK(std::abs(plain.ratio() - 0.5) < 5 * 1.0 / (2.0 * 2.0 * std::sqrt(300'000.0)));
}

// Tolerance: each key i is a renewal-reward process with cycle X_i = T + Exp(lambda_i), one miss
// and N_i = 1 + Poisson(lambda_i T) requests per cycle. Over a horizon tau the misses minus
// m x requests (m = 1 - theta, the aggregate miss ratio) has variance about
// (tau / E[X_i]) Var(1 - m N_i - c_i X_i), c_i = (1 - m E[N_i]) / E[X_i], and N_i and X_i are
// independent: (tau / E[X_i]) (m^2 lambda_i T + c_i^2 / lambda_i^2). The keys are independent, so the
// hit ratio's standard deviation is sqrt(sum of those) / (lambda tau). Allowed: 5 of them, plus
// K / (lambda tau) for the cycles cut by the end of the run (at most one per key).
TEST_CASE("Zipf popularity, TTL cache: aggregate hit ratio sum p_i h_i", "[cache]")
{
  constexpr uint64_t kKeys = 200;
  constexpr double kS = 0.8, kRate = 200, kTtl = 1.0, kHorizon = 10'000;
  // The reference formula, summed here: p_i = i^-s / H, h_i = lambda p_i T / (1 + lambda p_i T).
  double h = 0;
  for (uint64_t i = 1; i <= kKeys; ++i) h += std::pow(static_cast<double>(i), -kS);
  double theta = 0;
  for (uint64_t i = 1; i <= kKeys; ++i) {
    const double pi = std::pow(static_cast<double>(i), -kS) / h;
    theta += pi * (kRate * pi * kTtl) / (1 + kRate * pi * kTtl);
  }
  CHECK(models::analytic::ttl_aggregate_hit_ratio(models::analytic::zipf_popularity(kKeys, kS), kRate, kTtl, false) ==
        Approx(theta).epsilon(1e-12));

  double variance = 0;
  const double m = 1 - theta;
  for (uint64_t i = 1; i <= kKeys; ++i) {
    const double li = kRate * std::pow(static_cast<double>(i), -kS) / h;
    const double ex = kTtl + 1 / li, en = 1 + li * kTtl;
    const double ci = (1 - m * en) / ex;
    variance += kHorizon / ex * (m * m * li * kTtl + ci * ci / (li * li));
  }
  const double tolerance = 5 * std::sqrt(variance) / (kRate * kHorizon) + kKeys / (kRate * kHorizon);

  ResponseCache cache(ttl_config(engine::seconds(1)));
  const engine::DiscretePopularity zipf = engine::DiscretePopularity::zipf(kKeys, kS);
  engine::RngStream arrivals(30, "arrivals"), ids(30, "ids");
  double hits = 0, requests = 0;
  for (double t = exponential(arrivals, kRate); t < kHorizon; t += exponential(arrivals, kRate)) {
    const uint64_t key = zipf.draw(ids);
    const SimTime now = at_s(t);
    if (cache.lookup(key, now).status == CacheStatus::hit) hits += 1;
    else cache.complete_fill(key, now, 1000, true);
    requests += 1;
  }
  INFO("simulated " << hits / requests << ", analytic " << theta << ", tolerance " << tolerance);
  CHECK(std::abs(hits / requests - theta) < tolerance);
  CHECK(cache.counters().hits == static_cast<uint64_t>(hits));
  CHECK(cache.counters().misses + cache.counters().hits == static_cast<uint64_t>(requests));
}

// V13: an LRU of 100 entries under Zipf IRM over 1000 keys, no TTL, against Che's approximation
// (within 2 %, as the reference asks: Che is an approximation). Statistical error is far below: the
// hit ratio over 2 x 10^6 requests has a standard deviation of a few 10^-4.
TEST_CASE("V13: LRU under Zipf requests matches Che's approximation", "[cache][V13]")
{
  for (const double s : {0.8, 1.0}) {
    INFO("s = " << s);
    const double che = models::analytic::lru_che(models::analytic::zipf_popularity(1000, s), 1.0, 100).hit_ratio;
    CacheConfig c = ttl_config(engine::hours(24 * 365 * 100));  // no expiry within the run
    c.capacity_entries = 100;
    ResponseCache cache(c);
    const engine::DiscretePopularity zipf = engine::DiscretePopularity::zipf(1000, s);
    engine::RngStream rng(40, "lru");
    double hits = 0;
    constexpr int kWarmup = 100'000, kRequests = 2'000'000;
    for (int n = 0; n < kWarmup + kRequests; ++n) {
      const uint64_t key = zipf.draw(rng);
      const SimTime now = SimTime::from_ns(1000 * int64_t{n});
      const bool hit = cache.lookup(key, now).status == CacheStatus::hit;
      if (!hit) cache.complete_fill(key, now, 1000, true);
      if (n >= kWarmup) hits += hit ? 1 : 0;
    }
    CHECK(cache.entries() == 100);
    const double simulated = hits / kRequests;
    INFO("simulated " << simulated << ", Che " << che);
    CHECK(std::abs(simulated - che) < 0.02 * che);
    CHECK(std::abs(simulated - (s == 0.8 ? 0.378 : 0.577)) < 0.02 * che);
  }
}

// Collapsing: one key, lambda = 10/s, T = 1 s, fill F = 0.2 s. With a lock the N = 1 + Poisson(lambda
// (F + T)) requests of a cycle make one fetch: the fetch share is the ratio estimator n / sum N of
// 1 / (1 + lambda (F + T)), standard deviation theta^2 sqrt(lambda (F + T)) / sqrt(n) by the delta
// method. Without a lock a cycle has f = 1 + A fetches (A ~ Poisson(lambda F)) and r = f + H requests,
// H the hits, with Var(H) <= lambda (F + T) + (lambda F)^2 / 4 (Var of the last arrival in [0, F]
// is at most F^2 / 4); so sd(f - theta r) <= (1 - theta) sqrt(lambda F) + theta sqrt(Var(H) bound),
// over E[r] sqrt(n). Fetches per cycle: exactly 1 with a lock; 1 + Poisson(lambda F) without, so
// their mean over n cycles is within 5 sqrt(lambda F / n); the collapsed per cycle likewise.
TEST_CASE("Fill time and request collapsing: fetches per cycle with and without a lock", "[cache][collapse]")
{
  constexpr double kRate = 10, kTtl = 1, kFill = 0.2;
  constexpr int kCycles = 100'000;
  for (const bool lock : {true, false}) {
    INFO((lock ? "lock" : "no lock"));
    CacheConfig c = ttl_config(engine::seconds(1));
    c.lock = lock;
    ResponseCache cache(c);
    engine::RngStream rng(50, "collapse");
    std::deque<double> fills;  // completion times, in order (F is constant)
    double requests = 0, fetches = 0, collapsed = 0;
    int cycles = 0;
    for (double t = 0;;) {
      t += exponential(rng, kRate);
      while (!fills.empty() && fills.front() <= t) {
        cache.complete_fill(7, at_s(fills.front()), 500, true);
        fills.pop_front();
      }
      const models::CacheLookup look = cache.lookup(7, at_s(t));
      if (look.status == CacheStatus::miss) {
        if (!look.filling && ++cycles > kCycles) break;
        if (lock && look.filling) {
          cache.report_collapsed();
          collapsed += 1;
        } else {
          REQUIRE(cache.begin_fill(7, at_s(t)) == !look.filling);
          fills.push_back(t + kFill);
          fetches += 1;
        }
      }
      requests += 1;
    }
    const models::analytic::FillCycle expected = models::analytic::ttl_fill_cycle(kRate, kTtl, kFill, lock);
    const double share = fetches / requests;
    double sd = 0;
    if (lock) {
      sd = expected.upstream_share * expected.upstream_share * std::sqrt(kRate * (kFill + kTtl) / kCycles);
    } else {
      const double theta = expected.upstream_share;
      const double var_h = kRate * (kFill + kTtl) + kRate * kFill * kRate * kFill / 4;
      sd = ((1 - theta) * std::sqrt(kRate * kFill) + theta * std::sqrt(var_h)) / (expected.requests * std::sqrt(kCycles));
    }
    INFO("fetch share " << share << ", expected " << expected.upstream_share << ", sd " << sd);
    CHECK(std::abs(share - expected.upstream_share) < 5 * sd);
    const double per_cycle_sd = std::sqrt(kRate * kFill / kCycles);
    CHECK(cache.counters().collapsed == static_cast<uint64_t>(collapsed));
    if (lock) {
      CHECK(fetches == kCycles);
      CHECK(std::abs(collapsed / kCycles - kRate * kFill) < 5 * per_cycle_sd);
    } else {
      CHECK(std::abs(fetches / kCycles - expected.fetches) < 5 * per_cycle_sd);  // 1 + lambda F = 3
      CHECK(collapsed == 0);
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Scripted behaviour, exact.

TEST_CASE("TTL runs from the store, hits do not move it unless ttl_reset_on_hit", "[cache]")
{
  ResponseCache cache(ttl_config(engine::seconds(10)));
  CHECK(cache.lookup(1, at_s(4)).status == CacheStatus::miss);
  CHECK(cache.complete_fill(1, at_s(5), 300, true));
  CHECK(cache.peek(1)->expiry == at_s(15));
  CHECK(cache.lookup(1, at_s(10)).status == CacheStatus::hit);
  CHECK(cache.peek(1)->expiry == at_s(15));
  CHECK(cache.peek(1)->last_use == at_s(10));
  CHECK(cache.lookup(1, at_s(15) - SimTime::from_ns(1)).status == CacheStatus::hit);
  const models::CacheLookup expired = cache.lookup(1, at_s(15));
  CHECK(expired.status == CacheStatus::miss);
  CHECK(expired.expired);
  CHECK(cache.counters().hits == 2);
  CHECK(cache.counters().misses == 2);
  CHECK(cache.counters().expired == 1);
  CHECK(cache.entries() == 1);  // an expired response stays until replaced or evicted
  cache.reset_counters();
  CHECK(cache.counters().hits == 0);
  CHECK(cache.counters().misses == 0);

  ResponseCache idle(ttl_config(engine::seconds(10), true));
  idle.complete_fill(1, at_s(0), 300, true);
  CHECK(idle.lookup(1, at_s(9)).status == CacheStatus::hit);
  CHECK(idle.peek(1)->expiry == at_s(19));
  CHECK(idle.lookup(1, at_s(18)).status == CacheStatus::hit);
  CHECK(idle.peek(1)->expiry == at_s(28));
  CHECK(idle.lookup(1, at_s(28)).status == CacheStatus::miss);
}

TEST_CASE("LRU eviction order with a capacity in entries", "[cache][lru]")
{
  CacheConfig c = ttl_config(engine::hours(1));
  c.capacity_entries = 3;
  ResponseCache cache(c);
  cache.complete_fill(1, at_s(0), 10, true);
  cache.complete_fill(2, at_s(1), 10, true);
  cache.complete_fill(3, at_s(2), 10, true);
  CHECK(cache.lookup(1, at_s(3)).status == CacheStatus::hit);  // order now 1, 3, 2 (2 least recent)
  cache.complete_fill(4, at_s(4), 10, true);
  CHECK_FALSE(cache.peek(2));
  CHECK(cache.peek(1));
  CHECK(cache.peek(3));
  CHECK(cache.peek(4));
  CHECK(cache.counters().evictions == 1);
  cache.complete_fill(5, at_s(5), 10, true);  // evicts 3
  CHECK_FALSE(cache.peek(3));
  cache.complete_fill(1, at_s(6), 10, true);  // a refresh moves 1 to the front, nothing evicted
  CHECK(cache.counters().evictions == 2);
  cache.complete_fill(6, at_s(7), 10, true);  // evicts 4 (order 1, 5, 4)
  CHECK_FALSE(cache.peek(4));
  CHECK(cache.peek(5));
  CHECK(cache.entries() == 3);
  CHECK(cache.bytes() == 30);
  CHECK(cache.lookup(3, at_s(8)).status == CacheStatus::miss);
  CHECK_FALSE(cache.lookup(3, at_s(8)).expired);
}

TEST_CASE("LRU eviction with a capacity in bytes", "[cache][lru]")
{
  CacheConfig c = ttl_config(engine::hours(1));
  c.capacity_bytes = 1000;
  ResponseCache cache(c);
  cache.complete_fill(1, at_s(0), 400, true);
  cache.complete_fill(2, at_s(1), 400, true);
  CHECK(cache.bytes() == 800);
  cache.complete_fill(3, at_s(2), 300, true);  // 1100 > 1000: evicts 1
  CHECK_FALSE(cache.peek(1));
  CHECK(cache.bytes() == 700);
  CHECK(cache.entries() == 2);
  CHECK_FALSE(cache.complete_fill(4, at_s(3), 1001, true));  // larger than the whole cache: not stored
  CHECK_FALSE(cache.peek(4));
  CHECK(cache.bytes() == 700);
  CHECK(cache.counters().evictions == 1);
  cache.complete_fill(2, at_s(4), 600, true);  // a refresh with a new size: 300 + 600
  CHECK(cache.bytes() == 900);
  CHECK(cache.entries() == 2);
  CHECK(cache.complete_fill(5, at_s(5), 1000, true));  // evicts 3, then 2
  CHECK(cache.entries() == 1);
  CHECK(cache.bytes() == 1000);
  CHECK(cache.counters().evictions == 3);

  c.capacity_entries = 2;  // both limits: whichever is reached first
  ResponseCache both(c);
  both.complete_fill(1, at_s(0), 100, true);
  both.complete_fill(2, at_s(1), 100, true);
  both.complete_fill(3, at_s(2), 100, true);
  CHECK_FALSE(both.peek(1));
  CHECK(both.entries() == 2);
  both.complete_fill(4, at_s(3), 850, true);  // 3 entries > 2: evicts 2; 950 bytes fit
  CHECK_FALSE(both.peek(2));
  CHECK(both.peek(3));
  CHECK(both.bytes() == 950);
  both.complete_fill(5, at_s(4), 900, true);  // evicts 3 (entries), then 4 (bytes: 1750 > 1000)
  CHECK_FALSE(both.peek(3));
  CHECK_FALSE(both.peek(4));
  CHECK(both.entries() == 1);
  CHECK(both.bytes() == 900);
}

TEST_CASE("Lock: one fill per key, collapse bookkeeping, uncacheable and abandoned fills", "[cache][lock]")
{
  CacheConfig c = ttl_config(engine::seconds(60));
  c.lock = true;
  ResponseCache cache(c);
  const models::CacheLookup first = cache.lookup(9, at_s(0));
  CHECK(first.status == CacheStatus::miss);
  CHECK_FALSE(first.filling);
  CHECK(cache.begin_fill(9, at_s(0)));
  CHECK(cache.fills_in_progress() == 1);
  CHECK(cache.entries() == 0);  // a fill in progress is not a stored response
  for (int n = 1; n <= 2; ++n) {
    const models::CacheLookup waiter = cache.lookup(9, at_s(0.01 * n));
    CHECK(waiter.status == CacheStatus::miss);
    CHECK(waiter.filling);
    cache.report_collapsed();
  }
  CHECK_FALSE(cache.begin_fill(9, at_s(0.05)));  // already in progress
  CHECK(cache.complete_fill(9, at_s(0.1), 500, true));
  CHECK(cache.fills_in_progress() == 0);
  CHECK(cache.peek(9)->expiry == at_s(60.1));
  CHECK(cache.lookup(9, at_s(1)).status == CacheStatus::hit);
  CHECK(cache.counters().misses == 3);
  CHECK(cache.counters().collapsed == 2);
  CHECK(cache.counters().hits == 1);

  // Not cacheable (a status outside `statuses`): the lock goes, nothing is stored.
  CHECK(cache.begin_fill(8, at_s(2)));
  CHECK_FALSE(cache.complete_fill(8, at_s(2.1), 500, false));
  CHECK_FALSE(cache.peek(8));
  CHECK(cache.fills_in_progress() == 0);
  // Abandoned (upstream error or timeout): the lock goes.
  CHECK(cache.begin_fill(8, at_s(3)));
  cache.abandon_fill(8);
  CHECK_FALSE(cache.peek(8));
  CHECK(cache.begin_fill(8, at_s(4)));  // a new fill may start
  cache.abandon_fill(8);

  // Refreshing an expired response: the old copy stays through a failed or uncacheable fill.
  CHECK(cache.lookup(9, at_s(61)).expired);
  CHECK(cache.begin_fill(9, at_s(61)));
  CHECK(cache.peek(9)->has_response);
  CHECK(cache.peek(9)->filling);
  cache.abandon_fill(9);
  CHECK(cache.peek(9)->has_response);
  CHECK_FALSE(cache.peek(9)->filling);
  CHECK(cache.begin_fill(9, at_s(62)));
  CHECK_FALSE(cache.complete_fill(9, at_s(62.5), 500, false));
  CHECK(cache.peek(9)->has_response);
  CHECK(cache.peek(9)->expiry == at_s(60.1));
  CHECK(cache.entries() == 1);
}

TEST_CASE("An entry evicted during its fill keeps the fill's lock", "[cache][lock][lru]")
{
  CacheConfig c = ttl_config(engine::seconds(10));
  c.capacity_entries = 1;
  c.lock = true;
  ResponseCache cache(c);
  cache.complete_fill(1, at_s(0), 100, true);
  CHECK(cache.lookup(1, at_s(11)).expired);
  CHECK(cache.begin_fill(1, at_s(11)));
  cache.complete_fill(2, at_s(12), 100, true);  // evicts 1's response, not its fill
  const auto one = cache.peek(1);
  REQUIRE(one);
  CHECK_FALSE(one->has_response);
  CHECK(one->filling);
  CHECK(cache.lookup(1, at_s(12.5)).filling);
  CHECK(cache.entries() == 1);
  CHECK(cache.complete_fill(1, at_s(13), 100, true));  // stored; evicts 2
  CHECK_FALSE(cache.peek(2));
  CHECK(cache.lookup(1, at_s(14)).status == CacheStatus::hit);
  CHECK(cache.counters().evictions == 2);
}

TEST_CASE("Stale serving within the grace", "[cache][stale]")
{
  SECTION("updating: stale while a fill runs, within the grace only")
  {
    CacheConfig c = ttl_config(engine::seconds(5));
    c.stale_updating = true;
    c.stale_grace = engine::seconds(10);
    ResponseCache cache(c);
    cache.complete_fill(1, at_s(0), 100, true);
    const models::CacheLookup refresh = cache.lookup(1, at_s(6));  // no fill yet: this one fills
    CHECK(refresh.status == CacheStatus::miss);
    CHECK(refresh.expired);
    CHECK(cache.begin_fill(1, at_s(6)));
    const models::CacheLookup updating = cache.lookup(1, at_s(7));
    CHECK(updating.status == CacheStatus::stale);
    CHECK(updating.filling);
    CHECK(cache.lookup(1, at_s(15) - SimTime::from_ns(1)).status == CacheStatus::stale);
    CHECK(cache.lookup(1, at_s(15)).status == CacheStatus::miss);  // expiry 5 s + grace 10 s
    CHECK(cache.peek(1)->expiry == at_s(5));                       // stale serves do not move it
    CHECK(cache.counters().stale == 2);
    CHECK(cache.counters().expired == 4);
    CHECK(cache.counters().misses == 2);
    cache.complete_fill(1, at_s(16), 100, true);
    CHECK(cache.lookup(1, at_s(17)).status == CacheStatus::hit);
  }
  SECTION("background_update: the first request after expiry is served stale and refreshes")
  {
    CacheConfig c = ttl_config(engine::seconds(5));
    c.stale_updating = true;
    c.background_update = true;
    c.stale_grace = engine::seconds(10);
    ResponseCache cache(c);
    cache.complete_fill(1, at_s(0), 100, true);
    const models::CacheLookup first = cache.lookup(1, at_s(6));
    CHECK(first.status == CacheStatus::stale);
    CHECK_FALSE(first.filling);  // the caller starts the background fill
    CHECK(cache.begin_fill(1, at_s(6)));
    CHECK(cache.lookup(1, at_s(6.5)).status == CacheStatus::stale);
    CHECK(cache.counters().misses == 0);
    CHECK(cache.lookup(1, at_s(20)).status == CacheStatus::miss);  // past the grace
  }
  SECTION("if_error: a failed refresh serves the stale copy")
  {
    CacheConfig c = ttl_config(engine::seconds(5));
    c.stale_if_error = true;
    c.stale_grace = engine::seconds(10);
    ResponseCache cache(c);
    cache.complete_fill(1, at_s(0), 100, true);
    CHECK(cache.lookup(1, at_s(6)).status == CacheStatus::miss);
    CHECK(cache.begin_fill(1, at_s(6)));
    cache.abandon_fill(1);
    CHECK(cache.serve_stale_on_error(1, at_s(6.2)));
    CHECK(cache.counters().misses == 0);
    CHECK(cache.counters().stale == 1);
    CHECK(cache.lookup(1, at_s(7)).status == CacheStatus::miss);  // if_error alone: not while updating
    CHECK_FALSE(cache.serve_stale_on_error(1, at_s(15)));         // past the grace
    CHECK_FALSE(cache.serve_stale_on_error(2, at_s(7)));          // nothing stored
  }
  SECTION("no stale option: expired is a miss, even with a fill running")
  {
    CacheConfig c = ttl_config(engine::seconds(5));
    c.stale_grace = engine::seconds(10);
    ResponseCache cache(c);
    cache.complete_fill(1, at_s(0), 100, true);
    CHECK(cache.begin_fill(1, at_s(6)));
    CHECK(cache.lookup(1, at_s(7)).status == CacheStatus::miss);
    CHECK_FALSE(cache.serve_stale_on_error(1, at_s(7)));
  }
}

// Memory budget (not a timing): a full cache of 10^6 responses holds at most 128 bytes per entry
// (a 48-byte slot and a hash table at most half full of 8-byte buckets, plus vector growth slack),
// and once full it allocates nothing more: new keys go through begin_fill and complete_fill as the
// gateway drives them, each store evicting the least recently used response and reusing its slot.
TEST_CASE("Memory per entry at 10^6 entries stays within budget", "[cache][memory]")
{
  constexpr uint64_t kEntries = 1'000'000;
  CacheConfig c = ttl_config(engine::hours(1));
  c.capacity_entries = kEntries;
  const auto fill_new_keys = [](ResponseCache& cache, uint64_t first, uint64_t count, int64_t t0) {
    for (uint64_t k = 0; k < count; ++k) {
      const uint64_t key = 2 * (first + k) + 1;  // odd: never one of the first keys
      const SimTime now = SimTime::from_ns(t0 + int64_t(k));
      cache.begin_fill(key, now);
      cache.complete_fill(key, now, 2000, true);
    }
  };
  for (const bool reserve : {false, true}) {
    INFO((reserve ? "reserve(10^6) first" : "grown"));
    ResponseCache cache(c);
    if (reserve) cache.reserve(kEntries);
    for (uint64_t k = 0; k < kEntries; ++k) cache.complete_fill(2 * k * 7919, SimTime::from_ns(int64_t(k)), 2000, true);
    REQUIRE(cache.entries() == kEntries);
    const double per_entry = static_cast<double>(cache.memory_bytes()) / static_cast<double>(cache.entries());
    INFO("bytes per entry " << per_entry);
    CHECK(per_entry <= 128);
    const size_t full = cache.memory_bytes();
    fill_new_keys(cache, 0, 200'000, int64_t(kEntries));
    CHECK(cache.memory_bytes() == full);
    CHECK(cache.counters().evictions == 200'000);
    CHECK(cache.entries() == kEntries);
    CHECK(cache.fills_in_progress() == 0);
  }
}

TEST_CASE("The hash table survives heavy churn of keys", "[cache]")
{
  // Keys that collide in the low bits, inserted and removed in a sliding window: every key
  // present is found, every key removed is gone (backward-shift deletion keeps probe runs whole).
  CacheConfig c = ttl_config(engine::hours(1));
  c.capacity_entries = 500;
  ResponseCache cache(c);
  for (uint64_t k = 0; k < 20'000; ++k) {
    cache.complete_fill(k << 20, SimTime::from_ns(int64_t(k)), 1, true);
    if (k >= 500) REQUIRE_FALSE(cache.peek((k - 500) << 20));
    if (k % 97 == 0)
      for (uint64_t j = (k >= 499 ? k - 499 : 0); j <= k; ++j) REQUIRE(cache.peek(j << 20));
  }
  CHECK(cache.entries() == 500);
}

// ---------------------------------------------------------------------------------------------------
// Readers.

namespace {

using scenarios::ScenarioError;
using scenarios::YamlReader;

CacheConfig read(const std::string& yaml, const std::vector<std::string>& route_methods = {"GET"})
{
  YamlReader r("cache.yaml");
  const YAML::Node root = scenarios::load_yaml_document(yaml, r, "empty");
  return scenarios::read_cache(r, root["cache"], "routes[0].cache", "users", route_methods);
}

struct Failure {
  int line = 0, column = 0;
  std::string message;
};

Failure cache_failure(const std::string& yaml, const std::vector<std::string>& route_methods = {"GET"},
                      const std::string& route = "users")
{
  YamlReader r("cache.yaml");
  const YAML::Node root = scenarios::load_yaml_document(yaml, r, "empty");
  try {
    scenarios::read_cache(r, root["cache"], "routes[0].cache", route, route_methods);
  } catch (const ScenarioError& e) {
    return {e.where().line, e.where().column, e.message()};
  }
  FAIL("no error for:\n" << yaml);
  return {};
}

Failure ids_failure(const std::string& yaml)
{
  YamlReader r("cache.yaml");
  const YAML::Node root = scenarios::load_yaml_document(yaml, r, "empty");
  try {
    scenarios::read_ids(r, root["ids"], "clients[0].mix[0].ids");
  } catch (const ScenarioError& e) {
    return {e.where().line, e.where().column, e.message()};
  }
  FAIL("no error for:\n" << yaml);
  return {};
}

models::IdPopularity read_ids_text(const std::string& yaml)
{
  YamlReader r("cache.yaml");
  const YAML::Node root = scenarios::load_yaml_document(yaml, r, "empty");
  return scenarios::read_ids(r, root["ids"], "clients[0].mix[0].ids");
}

}  // namespace

TEST_CASE("cache: the contract's block and the defaults", "[cache][reader]")
{
  const CacheConfig full = read(R"(
cache:
  ttl: 5 min
  ttl_reset_on_hit: false
  capacity: 100000
  key: [method, path, api_key]
  methods: [GET, HEAD]
  statuses: [200, 301, 404]
  lock: true
  lock_timeout: 5 s
  stale: { updating: true, if_error: true, grace: 10 s }
  hit_cost: 20 us
)");
  CHECK(full.ttl == engine::minutes(5));
  CHECK_FALSE(full.ttl_reset_on_hit);
  CHECK(full.capacity_entries == 100000);
  CHECK(full.capacity_bytes == 0);
  CHECK(full.key_api_key);
  CHECK_FALSE(full.key_client);
  CHECK(full.methods == std::vector<std::string>{"GET", "HEAD"});
  CHECK(full.statuses == std::vector<int>{200, 301, 404});
  CHECK(full.lock);
  CHECK(full.lock_timeout == engine::seconds(5));
  CHECK(full.stale_updating);
  CHECK(full.stale_if_error);
  CHECK_FALSE(full.background_update);
  CHECK(full.stale_grace == engine::seconds(10));
  REQUIRE(full.hit_cost);
  CHECK(full.hit_cost->mean() == Approx(20e-6));

  const CacheConfig defaults = read("cache: {}\n");
  CHECK(defaults.ttl == engine::seconds(300));  // AWS and Kong
  CHECK(defaults.methods == std::vector<std::string>{"GET", "HEAD"});
  CHECK(defaults.statuses == std::vector<int>{200, 301, 404});  // Kong
  CHECK_FALSE(defaults.lock);
  CHECK(defaults.lock_timeout == engine::seconds(5));  // nginx
  CHECK(defaults.capacity_entries == 0);
  CHECK(defaults.capacity_bytes == 0);
  CHECK_FALSE(defaults.stale_updating);
  CHECK_FALSE(defaults.hit_cost);

  // The gateway example's block, and the other forms.
  const CacheConfig example = read("cache: { ttl: 60 s, capacity: 20000, lock: true }\n");
  CHECK(example.ttl == engine::seconds(60));
  CHECK(example.capacity_entries == 20000);
  CHECK(example.lock);
  CHECK(read("cache: { capacity: 1 GB }\n").capacity_bytes == 1e9);
  CHECK(read("cache: { capacity: 512 MiB }\n").capacity_bytes == 512.0 * 1024 * 1024);
  CHECK(read("cache: { key: [path, method, client] }\n").key_client);
  CHECK(read("cache: { ttl_reset_on_hit: true }\n").ttl_reset_on_hit);
  const CacheConfig stale = read("cache: { stale: { if_error: true } }\n");
  CHECK(stale.stale_if_error);
  CHECK(stale.stale_grace == engine::seconds(10));  // Varnish's default_grace
  CHECK(read("cache: { hit_cost: { distribution: exponential, mean: 30 us } }\n").hit_cost->mean() == Approx(30e-6));
  // Any-method routes, and routes matching GET among others.
  CHECK(read("cache: { ttl: 1 s }\n", {}).methods == std::vector<std::string>{"GET", "HEAD"});
  CHECK(read("cache: { ttl: 1 s }\n", {"GET", "POST"}).methods == std::vector<std::string>{"GET", "HEAD"});
  // allow_unsafe: POST listed, or a POST-only route whose methods the cache then takes.
  CHECK(read("cache: { methods: [GET, POST], allow_unsafe: true }\n").methods ==
        std::vector<std::string>{"GET", "POST"});
  CHECK(read("cache: { allow_unsafe: true }\n", {"POST"}).methods == std::vector<std::string>{"POST"});
}

TEST_CASE("cache: every error at its line and column", "[cache][reader]")
{
  struct Case {
    std::string yaml;
    int line, column;
    std::string says;
    std::vector<std::string> route_methods = {"GET"};
  };
  const std::vector<Case> cases = {
      {"cache:\n  tll: 5 min\n", 2, 3, "unknown key \"tll\" in routes[0].cache; did you mean \"ttl\"?"},
      {"cache:\n  ttl: 0 s\n", 2, 8, "routes[0].cache.ttl must be greater than zero"},
      {"cache:\n  ttl: 5\n", 2, 8, "routes[0].cache.ttl: "},
      {"cache:\n  capacity: 1.5\n", 2, 13, "must be a whole number of entries (capacity: 100000) or a size"},
      {"cache:\n  capacity: 0\n", 2, 13, "routes[0].cache.capacity must be at least 1, got 0"},
      {"cache:\n  capacity: 0 GB\n", 2, 13, "must be at least 1 B"},
      {"cache:\n  capacity: 10 Gb\n", 2, 13, "routes[0].cache.capacity: "},
      {"cache:\n  key: [path, api_key]\n", 2, 8, "routes[0].cache.key has no method"},
      {"cache:\n  key: [method]\n", 2, 8, "routes[0].cache.key has no path"},
      {"cache:\n  key: [method, path, header]\n", 2, 23, "\"header\" is not known"},
      {"cache:\n  key: [method, path, apikey]\n", 2, 23, "did you mean \"api_key\"?"},
      {"cache:\n  key: [method, path, path]\n", 2, 23, "lists path twice"},
      {"cache:\n  methods: [GET, FETCH]\n", 2, 18, "\"FETCH\" is not known"},
      {"cache:\n  methods: [get]\n", 2, 13, "did you mean \"GET\"?"},
      {"cache:\n  methods: []\n", 2, 12, "routes[0].cache.methods is empty"},
      {"cache:\n  methods: [GET, GET]\n", 2, 18, "lists GET twice"},
      {"cache:\n  allow_unsafe: true\n", 2, 17, "allow_unsafe: true has no effect"},
      {"cache:\n  methods: [HEAD]\n", 2, 12, "caches HEAD but the route matches only GET"},
      {"cache:\n  statuses: [200, 700]\n", 2, 19, "routes[0].cache.statuses[1] must be at most 599, got 700"},
      {"cache:\n  statuses: [99]\n", 2, 14, "must be at least 100, got 99"},
      {"cache:\n  statuses: [200, 200]\n", 2, 19, "lists 200 twice"},
      {"cache:\n  statuses: 200\n", 2, 13, "routes[0].cache.statuses must be a list"},
      {"cache:\n  lock: yes\n", 2, 9, "routes[0].cache.lock must be true or false"},
      {"cache:\n  lock_timeout: 2 s\n", 2, 17, "lock_timeout applies only with lock: true"},
      {"cache:\n  lock: true\n  lock_timeout: 0 s\n", 3, 17, "lock_timeout must be greater than zero"},
      {"cache:\n  stale: { updating: true, grace: 0 s }\n", 2, 35, "grace must be greater than zero"},
      {"cache:\n  stale: { background_update: true }\n", 2, 31, "background_update needs updating: true"},
      {"cache:\n  stale: { updating: true, background_update: true }\n", 2, 47, "background_update: true (a refresh in "
                                                                                "the background"},
      {"cache:\n  stale: {}\n", 2, 10, "routes[0].cache.stale serves nothing stale"},
      {"cache:\n  stale: { updateing: true }\n", 2, 12, "did you mean \"updating\"?"},
      {"cache:\n  hit_cost: { distribution: normal, mean: 1 ms }\n", 2, 29, "routes[0].cache.hit_cost"},
      {"cache: [ttl]\n", 1, 8, "routes[0].cache must be a mapping"},
  };
  for (const Case& c : cases) {
    INFO(c.yaml);
    const Failure f = cache_failure(c.yaml, c.route_methods);
    CHECK(f.line == c.line);
    CHECK(f.column == c.column);
    CHECK_THAT(f.message, Catch::Contains(c.says));
  }
}

TEST_CASE("cache: unsafe methods are refused unless allow_unsafe", "[cache][reader]")
{
  // RFC 9111: responses to POST are not cacheable by default.
  const Failure listed = cache_failure("cache:\n  methods: [GET, POST]\n", {"GET", "POST"}, "create-order");
  CHECK(listed.message == "cache on route \"create-order\" lists POST; responses to POST are not cacheable by default "
                          "(RFC 9111); add allow_unsafe: true to cache them anyway");
  CHECK(listed.line == 2);
  CHECK(listed.column == 18);
  // A route that matches only non-cacheable methods, with the default methods.
  const Failure route = cache_failure("cache:\n  ttl: 1 min\n", {"POST"}, "create-order");
  CHECK(route.message == "cache on route \"create-order\" matches only POST; responses to POST are not cacheable by "
                         "default (RFC 9111); add allow_unsafe: true to cache them anyway");
  CHECK(route.line == 2);
  CHECK(route.column == 3);
  const Failure put = cache_failure("cache: { methods: [PUT] }\n", {"PUT"}, "replace");
  CHECK(put.message == "cache on route \"replace\" lists PUT; responses to PUT are not cacheable by default (RFC 9111); "
                       "add allow_unsafe: true to cache them anyway");
  CHECK(put.column == 20);
  // Allowed, the route's POST is then cached.
  CHECK(read("cache: { allow_unsafe: true, methods: [POST] }\n", {"POST"}).methods == std::vector<std::string>{"POST"});
  // Allowed, but the cache's methods still miss the route's.
  const Failure miss = cache_failure("cache: { allow_unsafe: true, methods: [POST] }\n", {"PUT"}, "replace");
  CHECK_THAT(miss.message, Catch::Contains("caches POST but the route matches only PUT"));
}

TEST_CASE("ids: count and popularity", "[cache][reader]")
{
  const models::IdPopularity zipf = read_ids_text("ids: { count: 10000, popularity: { distribution: zipf, s: 0.9 } }\n");
  CHECK(zipf.count == 10000);
  CHECK(zipf.zipf_s == 0.9);
  const models::IdPopularity uniform = read_ids_text("ids: { count: 50, popularity: { distribution: uniform } }\n");
  CHECK(uniform.count == 50);
  CHECK(uniform.zipf_s == 0.0);
  const models::IdPopularity plain = read_ids_text("ids: { count: 7 }\n");
  CHECK(plain.count == 7);
  CHECK(plain.zipf_s == 0.0);
  CHECK(read_ids_text("ids: { count: 3, popularity: { distribution: zipf, s: 0 } }\n").zipf_s == 0.0);

  struct Case {
    std::string yaml;
    int line, column;
    std::string says;
  };
  const std::vector<Case> cases = {
      {"ids:\n  count: 0\n", 2, 10, "clients[0].mix[0].ids.count must be at least 1, got 0"},
      {"ids:\n  count: 1.5\n", 2, 10, "must be a whole number"},
      {"ids:\n  popularity: { distribution: uniform }\n", 2, 3, "has no \"count\"; it is required"},
      {"ids:\n  count: 10\n  popularity: { distribution: zipf }\n", 3, 15, "has no \"s\"; it is required (e.g. s: 0.9)"},
      {"ids:\n  count: 10\n  popularity: { distribution: zipf, s: -0.5 }\n", 3, 40, "s must be between 0 and 100"},
      {"ids:\n  count: 10\n  popularity: { distribution: zipff, s: 1 }\n", 3, 31, "did you mean \"zipf\"?"},
      {"ids:\n  count: 10\n  popularity: { distribution: uniform, s: 1 }\n", 3, 43, "a uniform popularity takes none"},
      {"ids:\n  count: 10\n  popularity: { s: 1 }\n", 3, 15, "has no \"distribution\""},
      {"ids:\n  count: 10\n  popularity: zipf\n", 3, 15, "must be a mapping"},
      {"ids:\n  cout: 10\n", 2, 3, "did you mean \"count\"?"},
  };
  for (const Case& c : cases) {
    INFO(c.yaml);
    const Failure f = ids_failure(c.yaml);
    CHECK(f.line == c.line);
    CHECK(f.column == c.column);
    CHECK_THAT(f.message, Catch::Contains(c.says));
  }
}
