// The gateway's rate limiters against ../shared/reference/gateway.md part 4 (cases V2, V3, V4, V6,
// V6b, V6c, V6d, V7, V7b, V8, V9): scripts whose outcome the reference gives exactly, Poisson
// streams against the reference's closed forms (models/analytic/rate_limits.hpp), and the YAML
// reader's accepted forms and errors. Expected numbers are the reference's, never the code's.
//
// Statistical checks: an estimate must lie within kZ = 4.42 standard errors of the reference value
// (the normal quantile of 1 - 5e-6: two-sided 1e-5 per check; with about 20 such checks a correct
// limiter fails this file with probability below 2e-4, and the seeds are fixed, so every run is the
// same). Each standard error comes from the process's own variance, not from a chosen margin:
//   - admissions that form a renewal process (nginx burst=0 on its ms clock, a token bucket of one
//     token): N(T)/T has variance var[cycle] / (mean[cycle]^3 T);
//   - fixed windows and quotas: the windows are independent, each admits min(N, L), N Poisson;
//   - otherwise (token bucket b = 10, Erlang loss) independent replications and Student's t.
// Each statistical case also requires its run to be long enough to tell the reference value from
// the nearest wrong one (6.689 from 6.667, say), so a loose interval cannot make it pass.
#include "engine/exponential.hpp"
#include "engine/rng.hpp"
#include "models/analytic/erlang.hpp"
#include "models/analytic/rate_limits.hpp"
#include "models/gateway/limiters/concurrency_limiter.hpp"
#include "models/gateway/limiters/fixed_window_limiter.hpp"
#include "models/gateway/limiters/leaky_bucket_limiter.hpp"
#include "models/gateway/limiters/sliding_window_limiter.hpp"
#include "models/gateway/limiters/token_bucket_limiter.hpp"
#include "scenarios/format/rate_limit_reader.hpp"
#include "scenarios/format/yaml_document.hpp"
#include "tests/validation/validation_support.hpp"  // student_t_quantile

#include <catch2/catch.hpp>
#include <yaml-cpp/yaml.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <queue>
#include <string>
#include <vector>

using lbsim::engine::SimTime;
using lbsim::models::ConcurrencyLimiter;
using lbsim::models::FixedWindowLimiter;
using lbsim::models::LeakyBucketLimiter;
using lbsim::models::LimitDecision;
using lbsim::models::RateLimitConfig;
using lbsim::models::RateLimiter;
using lbsim::models::SlidingWindowLimiter;
using lbsim::models::TokenBucketLimiter;
namespace analytic = lbsim::models::analytic;
namespace engine = lbsim::engine;

namespace {

constexpr double kZ = 4.42;         // normal quantile of 1 - 5e-6
constexpr double kZ95 = 1.959964;   // for "the 95% interval separates ..."
constexpr double kAlpha = 1e-5;     // the same level for Student's t
constexpr uint64_t kSeed = 20240711;
using Kind = LimitDecision::Kind;

SimTime ms(int64_t n) { return engine::milliseconds(n); }
SimTime at_s(double s) { return SimTime::from_seconds(s); }

// Poisson arrivals of rate lambda from their own stream, on the ns grid.
class Poisson {
public:
  Poisson(double lambda, std::string_view name, uint64_t seed = kSeed) : rng_(seed, name), mean_gap_ns_(1e9 / lambda) {}
  SimTime next()
  {
    t_ns_ += engine::standard_exponential(rng_) * mean_gap_ns_;
    return SimTime::from_ns(static_cast<int64_t>(t_ns_));
  }

private:
  engine::RngStream rng_;
  double mean_gap_ns_;
  double t_ns_ = 0;
};

struct Tally {
  int64_t arrived = 0, admitted = 0, delayed = 0, rejected = 0;
  void add(const LimitDecision& d)
  {
    ++arrived;
    if (d.kind == Kind::reject) ++rejected;
    else ++admitted;
    if (d.kind == Kind::delay) ++delayed;
  }
};

// A Poisson stream of one key against `limiter` until `seconds`; the tally counts the arrivals
// after `warmup` (the limiter sees them all).
Tally offer_poisson(RateLimiter& limiter, double lambda, double seconds, std::string_view stream, uint64_t seed = kSeed,
                    double warmup = 0)
{
  Poisson arrivals(lambda, stream, seed);
  const SimTime end = at_s(seconds), start = at_s(warmup);
  Tally tally;
  for (SimTime t = arrivals.next(); t < end; t = arrivals.next()) {
    const LimitDecision d = limiter.admit(0, t);
    if (t >= start) tally.add(d);
  }
  return tally;
}

// Admitted per second in a renewal process of the given cycle, measured over `seconds`: within kZ
// standard errors of 1 / mean, the standard error sqrt(var / (mean^3 T)).
double renewal_standard_error(const analytic::RenewalCycle& c, double seconds)
{
  return std::sqrt(c.variance / (c.mean * c.mean * c.mean * seconds));
}

// Student's t over independent replications.
struct Replicated {
  double mean = 0, half_width = 0, half_width95 = 0;
};
Replicated replicate(int replications, const std::function<double(int)>& run)
{
  std::vector<double> xs;
  for (int r = 0; r < replications; ++r) xs.push_back(run(r));
  double mean = 0;
  for (double x : xs) mean += x;
  mean /= replications;
  double ss = 0;
  for (double x : xs) ss += (x - mean) * (x - mean);
  const double se = std::sqrt(ss / (replications - 1) / replications);
  return {mean, lbsim::validation::student_t_quantile(1 - kAlpha / 2, replications - 1) * se,
          lbsim::validation::student_t_quantile(0.975, replications - 1) * se};
}

// E[min(N, L)] and Var[min(N, L)] for N ~ Poisson(mean), summed here from the pmf (the test's own
// arithmetic, apart from analytic::fixed_window_admitted_rate).
struct MinMoments {
  double mean = 0, variance = 0;
};
MinMoments min_poisson_moments(double mean, int64_t limit)
{
  double p = std::exp(-mean), cdf = 0, m1 = 0, m2 = 0;
  for (int64_t k = 0; k < limit; ++k) {
    m1 += static_cast<double>(k) * p;
    m2 += static_cast<double>(k * k) * p;
    cdf += p;
    p *= mean / static_cast<double>(k + 1);
  }
  const double tail = std::max(0.0, 1 - cdf);
  m1 += static_cast<double>(limit) * tail;
  m2 += static_cast<double>(limit * limit) * tail;
  return {m1, m2 - m1 * m1};
}

LeakyBucketLimiter nginx(int64_t rate_milli, int64_t burst, int64_t delay = 0, bool nodelay = false)
{
  return LeakyBucketLimiter(rate_milli, burst, delay, nodelay, 1);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// nginx limit_req (reference 1.2)

TEST_CASE("V3: nginx burst=20 at 10 r/s admits 21 of 22 simultaneous requests, delayed 0, 100, ..., 2000 ms")
{
  LeakyBucketLimiter limiter = nginx(10'000, 20);
  double total_delay_s = 0;
  for (int i = 0; i < 21; ++i) {
    const LimitDecision d = limiter.admit(7, SimTime::zero());
    INFO("request " << i + 1);
    if (i == 0) {
      CHECK(d.kind == Kind::pass);
    } else {
      CHECK(d.kind == Kind::delay);
      CHECK(d.delay == ms(100 * i));
    }
    total_delay_s += d.delay.seconds();
  }
  CHECK(limiter.admit(7, SimTime::zero()).kind == Kind::reject);  // the 22nd
  CHECK(total_delay_s / 21 == Approx(1.000).margin(1e-12));       // mean delay 1.000 s
  CHECK(limiter.keys() == 1);

  SECTION("nodelay: 21 pass at once, the 22nd is rejected")
  {
    LeakyBucketLimiter fast = nginx(10'000, 20, 0, true);
    for (int i = 0; i < 21; ++i) CHECK(fast.admit(7, SimTime::zero()).kind == Kind::pass);
    CHECK(fast.admit(7, SimTime::zero()).kind == Kind::reject);
  }
}

TEST_CASE("V4: nginx burst=20 delay=8: 9 at once, 12 delayed by 100..1200 ms, the 22nd rejected")
{
  LeakyBucketLimiter limiter = nginx(10'000, 20, 8);
  for (int i = 0; i < 9; ++i) CHECK(limiter.admit(1, SimTime::zero()).kind == Kind::pass);
  for (int i = 1; i <= 12; ++i) {
    const LimitDecision d = limiter.admit(1, SimTime::zero());
    CHECK(d.kind == Kind::delay);
    CHECK(d.delay == ms(100 * i));
  }
  CHECK(limiter.admit(1, SimTime::zero()).kind == Kind::reject);
}

TEST_CASE("nginx limit_req: dead times ceil(10^6 / rate) ms on the truncated ms clock, rejections change nothing")
{
  // 3 r/s = 3000: 333 ms drain 999 milli-requests (not enough), 334 ms drain 1002.
  LeakyBucketLimiter three = nginx(3'000, 0);
  CHECK(three.admit(0, SimTime::zero()).kind == Kind::pass);
  CHECK(three.admit(0, SimTime::from_ns(333'999'999)).kind == Kind::reject);  // ms 333
  CHECK(three.admit(0, ms(334)).kind == Kind::pass);
  CHECK(analytic::leaky_bucket_dead_time_ms(3'000) == 334);
  CHECK(analytic::leaky_bucket_dead_time_ms(10'000) == 100);

  // 30r/m = 500 (nginx's r/m x 1000 / 60): 2000 ms.
  LeakyBucketLimiter slow = nginx(500, 0);
  CHECK(slow.admit(0, SimTime::zero()).kind == Kind::pass);
  CHECK(slow.admit(0, ms(1999)).kind == Kind::reject);
  CHECK(slow.admit(0, ms(2000)).kind == Kind::pass);
  CHECK(analytic::leaky_bucket_dead_time_ms(500) == 2000);

  // A rejected request does not move `last`: the one after it is measured from the accepted one.
  LeakyBucketLimiter ten = nginx(10'000, 0);
  CHECK(ten.admit(0, ms(5)).kind == Kind::pass);
  CHECK(ten.admit(0, ms(55)).kind == Kind::reject);
  CHECK(ten.admit(0, ms(104)).kind == Kind::reject);
  CHECK(ten.admit(0, ms(105)).kind == Kind::pass);

  // The drain is per call and truncated: rate 1500 (1.5 r/s) over 1 ms steps drains 1 each, not 1.5.
  LeakyBucketLimiter odd = nginx(1'500, 5, 0, true);
  CHECK(odd.admit(0, SimTime::zero()).kind == Kind::pass);  // excess 0
  CHECK(odd.admit(0, SimTime::zero()).kind == Kind::pass);  // 1000
  for (int t = 1; t <= 4; ++t) CHECK(odd.admit(0, ms(t)).kind == Kind::pass);  // 1999, 2998, 3997, 4996
  CHECK(odd.admit(0, ms(5)).kind == Kind::reject);  // 4996 - 1 + 1000 = 5995 > 5000; the state stays
  // Exact drains would have left 4994 and passed at 667 ms; nginx's truncated steps left 4996.
  CHECK(odd.admit(0, ms(667)).kind == Kind::reject);  // 4996 - 994 + 1000 = 5002
  CHECK(odd.admit(0, ms(668)).kind == Kind::pass);    // 4996 - 996 + 1000 = 5000
}

TEST_CASE("nginx limit_req: a new key, and the zone's expiry of keys idle a minute")
{
  // Keys idle >= 60 s and drained go when a new key arrives, oldest first, at most two.
  LeakyBucketLimiter limiter = nginx(10'000, 5);
  limiter.admit(1, SimTime::zero());
  limiter.admit(2, SimTime::zero());
  limiter.admit(3, SimTime::zero());
  CHECK(limiter.keys() == 3);
  limiter.admit(4, ms(59'999));  // nobody idle a minute yet
  CHECK(limiter.keys() == 4);
  limiter.admit(5, ms(60'000));  // 1 and 2 go (two at most), 3 stays
  CHECK(limiter.keys() == 3);
  limiter.admit(6, ms(60'001));  // 3 goes; 4 is recent, so the search stops
  CHECK(limiter.keys() == 3);

  // Every lookup, a rejected one too, makes its key the most recent, and expiry looks only at the
  // tail: an idle key behind a recent one stays.
  LeakyBucketLimiter zone = nginx(10'000, 0);
  zone.admit(1, SimTime::zero());
  zone.admit(2, ms(10));
  CHECK(zone.admit(1, ms(20)).kind == Kind::reject);  // 1 is now the newest; its `last` stays 0
  zone.admit(3, ms(60'005));  // the tail, 2, has been idle 59995 ms: nothing goes (1 would have)
  CHECK(zone.keys() == 3);

  // At a slow rate the expiry is visible: 1r/m (rate 16) with burst 1. A key that still holds
  // excess 1000 - 16 x 62.5 s = 0 is removed and starts again at 0 (no delay); kept, it would have
  // had excess 999 and waited 999 x 1000 / 16 ms = 62.4 s.
  LeakyBucketLimiter minute = nginx(16, 1);
  CHECK(minute.admit(9, SimTime::zero()).kind == Kind::pass);
  const LimitDecision second = minute.admit(9, SimTime::zero());
  CHECK(second.kind == Kind::delay);
  CHECK(second.delay == ms(62'500));  // 1000 x 1000 / 16
  minute.admit(10, ms(61'000));        // 9: 1000 - 976 = 24 > 0, stays
  CHECK(minute.keys() == 2);
  minute.admit(11, ms(62'500));        // 9: 1000 - 1000 = 0, goes (10 is recent: stop)
  CHECK(minute.keys() == 2);
  CHECK(minute.admit(9, ms(62'600)).kind == Kind::pass);
}

TEST_CASE("V2: nginx burst=0 at 10 r/s against Poisson 20/s admits 6.689/s on the ms clock, not 6.667, 10/s: 5.013")
{
  // The closed forms, to the reference's digits.
  CHECK(analytic::dead_time_admitted_rate(20, 0.1) == Approx(6.6667).margin(5e-5));
  CHECK(analytic::dead_time_admitted_rate(10, 0.1) == Approx(5.000).margin(5e-4));
  CHECK(analytic::leaky_bucket_burst0_admitted_rate(20, 10'000) == Approx(6.689).margin(5e-4));
  CHECK(analytic::leaky_bucket_burst0_admitted_rate(20, 10'000) == Approx(6.6885).margin(5e-4));  // simulated reference
  CHECK(analytic::leaky_bucket_burst0_admitted_rate(10, 10'000) == Approx(5.013).margin(5e-4));
  // "dead time effectively 99.5 ms": 20 / (1 + 20 x 0.0995)
  CHECK(analytic::leaky_bucket_burst0_admitted_rate(20, 10'000) == Approx(20 / (1 + 20 * 0.0995)).margin(5e-4));

  struct Case {
    double lambda, seconds, continuous, rejected_share;
  };
  // rejected share at 20/s: 1 - 6.689/20 = 66.6 % (reference)
  for (const Case& c : {Case{20, 400'000, 6.6667, 0.666}, Case{10, 1'000'000, 5.000, 1 - 5.013 / 10}}) {
    LeakyBucketLimiter limiter = nginx(10'000, 0);
    const Tally t = offer_poisson(limiter, c.lambda, c.seconds, "v2-arrivals-" + std::to_string(int(c.lambda)));
    const double measured = static_cast<double>(t.admitted) / c.seconds;
    const analytic::RenewalCycle cycle = analytic::leaky_bucket_burst0_cycle(c.lambda, 10'000);
    const double expected = 1 / cycle.mean;
    const double se = renewal_standard_error(cycle, c.seconds);
    INFO("lambda " << c.lambda << ": admitted " << measured << "/s, ms-clock closed form " << expected << " +- "
                   << kZ * se << ", continuous " << c.continuous);
    CHECK(t.delayed == 0);
    CHECK(std::abs(measured - expected) <= kZ * se);
    // Long enough: the 95% interval around the measurement excludes the continuous-time value.
    CHECK(kZ95 * se < (expected - c.continuous) / 2);
    CHECK(std::abs(measured - c.continuous) > kZ95 * se);
    const double share = static_cast<double>(t.rejected) / static_cast<double>(t.arrived);
    CHECK(share == Approx(c.rejected_share).margin(0.001));
  }
}

// ---------------------------------------------------------------------------------------------
// Token bucket (reference 1.3, 1.5)

TEST_CASE("V6: token bucket r = 10/s, b = 10, 20 requests/s for 9.95 s: 109 pass continuously, 100 with a 1 s timer")
{
  auto run = [](TokenBucketLimiter& limiter) {
    int passed = 0;
    for (int k = 0; k < 200; ++k) passed += limiter.admit(3, ms(50 * k)).kind == Kind::pass;
    return passed;
  };
  TokenBucketLimiter continuous(10, 10, false, SimTime::zero(), 1);
  CHECK(run(continuous) == 109);  // 10 + floor(10 x 9.95)
  TokenBucketLimiter interval(10, 10, true, engine::seconds(1), 1);
  CHECK(run(interval) == 100);  // 10 at start, 10 at each of the 9 ticks

  SECTION("the timer's ticks are aligned to time 0, not to the key's first request")
  {
    TokenBucketLimiter timer(10, 10, true, engine::seconds(1), 1);
    for (int i = 0; i < 10; ++i) CHECK(timer.admit(1, ms(900)).kind == Kind::pass);
    CHECK(timer.admit(1, ms(999)).kind == Kind::reject);
    for (int i = 0; i < 10; ++i) CHECK(timer.admit(1, ms(1000)).kind == Kind::pass);  // the tick at 1 s
    CHECK(timer.admit(1, ms(1000)).kind == Kind::reject);
    // Ticks while the key is unseen add up to the cap, not beyond.
    for (int i = 0; i < 10; ++i) CHECK(timer.admit(1, engine::seconds(50)).kind == Kind::pass);
    CHECK(timer.admit(1, engine::seconds(50)).kind == Kind::reject);
  }
  SECTION("continuous refill is fractional: a token per 100 ms, the bucket full again after 1 s")
  {
    TokenBucketLimiter bucket(10, 10, false, SimTime::zero(), 1);
    for (int i = 0; i < 10; ++i) CHECK(bucket.admit(1, SimTime::zero()).kind == Kind::pass);
    CHECK(bucket.admit(1, SimTime::from_ns(99'999'999)).kind == Kind::reject);
    CHECK(bucket.admit(1, ms(100)).kind == Kind::pass);
    CHECK(bucket.admit(1, ms(150)).kind == Kind::reject);  // half a token
    CHECK(bucket.admit(1, ms(200)).kind == Kind::pass);
    int passed = 0;
    for (int i = 0; i < 12; ++i) passed += bucket.admit(1, engine::seconds(5)).kind == Kind::pass;
    CHECK(passed == 10);
  }
  SECTION("max_tokens 0 rejects everything, as in Envoy")
  {
    TokenBucketLimiter empty(10, 0, false, SimTime::zero(), 1);
    CHECK(empty.admit(1, engine::seconds(100)).kind == Kind::reject);
  }
}

TEST_CASE("V6b: a token bucket of one token admits exactly lambda r / (lambda + r): 5.000/s at 10/s, 6.667/s at 20/s")
{
  for (const double lambda : {10.0, 20.0}) {
    const double seconds = 400'000;
    TokenBucketLimiter limiter(10, 1, false, SimTime::zero(), 1);
    const Tally t = offer_poisson(limiter, lambda, seconds, "v6b-arrivals-" + std::to_string(int(lambda)));
    const double measured = static_cast<double>(t.admitted) / seconds;
    // After each admission a dead time of exactly 1/r, then an exponential wait: a renewal process.
    const analytic::RenewalCycle cycle{1 / 10.0 + 1 / lambda, 1 / (lambda * lambda)};
    const double expected = lambda * 10 / (lambda + 10);  // reference: 5.000, 6.667
    CHECK(expected == Approx(lambda == 10 ? 5.000 : 6.667).margin(5e-4));
    CHECK(analytic::dead_time_admitted_rate(lambda, 0.1) == Approx(expected).epsilon(1e-12));
    CHECK(analytic::token_bucket_admitted_rate(lambda, 10, 1) == Approx(expected).epsilon(1e-9));
    const double se = renewal_standard_error(cycle, seconds);
    INFO("lambda " << lambda << ": admitted " << measured << "/s, expected " << expected << " +- " << kZ * se);
    CHECK(std::abs(measured - expected) <= kZ * se);
    CHECK(kZ * se < 0.01);
  }
}

TEST_CASE("V6c: token bucket r = 10/s, b = 10 against Poisson 10/s admits about 9.49/s (M/D/1/10), 20/s: 10.000/s")
{
  // The bucket's deficit in time is an M/D/1 workload with service 1/r, and a request passes when
  // fewer than b are "in the queue": exactly M/D/1/b. The reference's 9.49 is a simulation of
  // 4 x 10^6 arrivals, given to two decimals.
  const double closed_form = analytic::token_bucket_admitted_rate(10, 10, 10);
  CHECK(closed_form == Approx(9.49).margin(0.006));
  CHECK(analytic::token_bucket_admitted_rate(20, 10, 10) == Approx(10.000).margin(5e-4));

  // Each replication counts after a warm-up of 100 s: the closed form is the steady state, and the
  // bucket's first 10 tokens alone would add 10 / 20000 s = 0.0005/s, above the interval at 20/s.
  const double seconds = 20'100, warmup = 100;  // x 20: 4 x 10^6 arrivals at 10/s, as the reference
  for (const double lambda : {10.0, 20.0}) {
    const double expected = analytic::token_bucket_admitted_rate(lambda, 10, 10);
    const Replicated r = replicate(20, [&](int rep) {
      TokenBucketLimiter limiter(10, 10, false, SimTime::zero(), 1);
      const uint64_t seed = kSeed + static_cast<uint64_t>(rep) + static_cast<uint64_t>(lambda) * 1000;
      const Tally t = offer_poisson(limiter, lambda, seconds, "v6c-arrivals", seed, warmup);
      return static_cast<double>(t.admitted) / (seconds - warmup);
    });
    INFO("lambda " << lambda << ": admitted " << r.mean << "/s +- " << r.half_width << ", M/D/1/10 " << expected);
    CHECK(std::abs(r.mean - expected) <= r.half_width);
    CHECK(r.half_width95 < 0.01);
  }
  // nginx burst=10 nodelay on the same stream: about 9.54/s (reference, simulated).
  const Replicated leaky = replicate(20, [&](int rep) {
    LeakyBucketLimiter limiter = nginx(10'000, 10, 0, true);
    const Tally t = offer_poisson(limiter, 10, seconds, "v6c-arrivals", kSeed + static_cast<uint64_t>(rep) + 10'000, warmup);
    return static_cast<double>(t.admitted) / (seconds - warmup);
  });
  std::printf("V6c: nginx burst=10 nodelay %.4f/s +- %.4f (reference 9.54); token bucket closed form %.4f/s, "
              "M/D/1/11 %.4f/s\n",
              leaky.mean, leaky.half_width, closed_form, analytic::token_bucket_admitted_rate(10, 10, 11));
  CHECK(std::abs(leaky.mean - 9.54) <= leaky.half_width + 0.005);  // + the reference's rounding
  CHECK(leaky.mean > closed_form);  // b + 1 pass at once where the bucket passes b
}

TEST_CASE("V6d: arrival curves over random scripts: a token bucket admits at most b + r t in any interval of length t")
{
  engine::RngStream rng(kSeed, "v6d-scripts");
  auto uniform_int = [&](int lo, int hi) { return lo + static_cast<int>(rng.below(static_cast<uint64_t>(hi - lo + 1))); };
  const double rates[] = {0.5, 1, 3, 10, 100};
  for (int script = 0; script < 200; ++script) {
    const double r = rates[rng.below(5)];
    const int b = uniform_int(1, 20);
    // Arrivals: bursts of simultaneous requests and random gaps, around the rate.
    std::vector<SimTime> times;
    int64_t t = 0;
    for (int i = 0; i < 400; ++i) {
      const int burst = rng.below(4) == 0 ? uniform_int(1, 30) : 1;
      for (int k = 0; k < burst; ++k) times.push_back(SimTime::from_ns(t));
      t += static_cast<int64_t>(engine::standard_exponential(rng) * 1e9 / (r * 1.5));
    }
    // The admitted times of each limiter, and the bound each must respect on every interval.
    auto check_curve = [&](RateLimiter& limiter, const std::function<double(SimTime, SimTime)>& bound, const char* what) {
      std::vector<SimTime> admitted;
      for (SimTime a : times)
        if (limiter.admit(0, a).kind != Kind::reject) admitted.push_back(a);
      int violations = 0;
      for (size_t i = 0; i < admitted.size(); ++i)
        for (size_t j = i; j < admitted.size(); ++j)
          if (static_cast<double>(j - i + 1) > bound(admitted[i], admitted[j]) + 1e-9) ++violations;
      INFO(what << ", script " << script << ": r = " << r << ", b = " << b << ", " << admitted.size() << " admitted");
      CHECK(violations == 0);
      CHECK(admitted.size() >= static_cast<size_t>(b));  // not trivially empty
    };
    TokenBucketLimiter continuous(r, b, false, SimTime::zero(), 1);
    check_curve(continuous, [&](SimTime a, SimTime z) { return b + r * (z - a).seconds(); }, "token bucket");
    // Timer refill: b plus one fill per tick inside the interval (ticks at k x F from 0).
    const SimTime fill = ms(100);
    TokenBucketLimiter timer(r, b, true, fill, 1);
    check_curve(timer,
                [&](SimTime a, SimTime z) {
                  return b + r * fill.seconds() * static_cast<double>(z.ns() / fill.ns() - a.ns() / fill.ns());
                },
                "token bucket, interval refill");
    // nginx burst=b nodelay: b + 1 + r t, t on its clock (whole ms: both ends truncated).
    const auto rate_milli = static_cast<int64_t>(r * 1000);
    LeakyBucketLimiter leaky = nginx(rate_milli, b, 0, true);
    check_curve(leaky,
                [&](SimTime a, SimTime z) {
                  const double t_ms = static_cast<double>(z.ns() / 1'000'000 - a.ns() / 1'000'000);
                  return b + 1 + static_cast<double>(rate_milli) / 1000 * t_ms / 1000;
                },
                "nginx burst nodelay");
  }
}

// ---------------------------------------------------------------------------------------------
// Windows (reference 1.3, 1.4, 1.5)

TEST_CASE("V7: fixed windows of 1 s admit E[min(N, L)]: 8.7489/s at L = 10, lambda = 10, 99.877/s at L = 100, lambda = 120")
{
  CHECK(analytic::fixed_window_admitted_rate(10, 10, 1) == Approx(8.7489).margin(5e-5));
  CHECK(analytic::fixed_window_admitted_rate(120, 100, 1) == Approx(99.877).margin(5e-4));
  CHECK(1 - analytic::fixed_window_admitted_rate(120, 100, 1) / 120 == Approx(0.1677).margin(5e-5));  // 429 share

  struct Case {
    double lambda;
    int64_t limit;
    double reference;
  };
  for (const Case& c : {Case{10, 10, 8.7489}, Case{120, 100, 99.877}}) {
    const double seconds = 100'000;  // 100000 independent windows
    FixedWindowLimiter limiter(c.limit, engine::seconds(1), 1);
    const Tally t = offer_poisson(limiter, c.lambda, seconds, "v7-arrivals-" + std::to_string(c.limit));
    const double measured = static_cast<double>(t.admitted) / seconds;
    const MinMoments m = min_poisson_moments(c.lambda, c.limit);
    CHECK(m.mean == Approx(c.reference).margin(5e-4));  // the test's own sum agrees with the reference
    const double se = std::sqrt(m.variance / seconds);
    INFO("admitted " << measured << "/s, reference " << c.reference << " +- " << kZ * se);
    CHECK(std::abs(measured - c.reference) <= kZ * se + 5e-4);  // + the reference's rounding
    CHECK(kZ * se < 0.05 * (c.lambda - c.reference));           // tells it from no limit at all
  }
}

TEST_CASE("V7b: 10 requests at 0.999 s and 10 at 1.000 s, limit 10/s: fixed windows admit all 20, the sliding window rejects the second 10")
{
  FixedWindowLimiter fixed(10, engine::seconds(1), 1);
  SlidingWindowLimiter sliding(10, engine::seconds(1), false, 1);
  int fixed_passed = 0, sliding_first = 0, sliding_second = 0;
  for (int i = 0; i < 10; ++i) {
    fixed_passed += fixed.admit(0, ms(999)).kind == Kind::pass;
    sliding_first += sliding.admit(0, ms(999)).kind == Kind::pass;
  }
  for (int i = 0; i < 10; ++i) {
    fixed_passed += fixed.admit(0, ms(1000)).kind == Kind::pass;
    sliding_second += sliding.admit(0, ms(1000)).kind == Kind::pass;  // 10 x (1 - 0) + current
  }
  CHECK(fixed_passed == 20);
  CHECK(sliding_first == 10);
  CHECK(sliding_second == 0);
  // Limit reached within a window: the 11th is rejected by both.
  FixedWindowLimiter f(10, engine::seconds(1), 1);
  for (int i = 0; i < 10; ++i) CHECK(f.admit(0, ms(10)).kind == Kind::pass);
  CHECK(f.admit(0, ms(999)).kind == Kind::reject);
}

TEST_CASE("Sliding window: Kong's weighted estimate, rejected when it reaches the limit, count_rejected keeps a flooding client out")
{
  // Kong's example: 86 in the previous minute, 12 in this one, 15 s in: 86 x 45/60 + 12 = 76.5.
  // With count_rejected, all 86 count though only 77 pass.
  SlidingWindowLimiter limiter(77, engine::minutes(1), true, 1);
  int passed = 0;
  for (int i = 0; i < 86; ++i) passed += limiter.admit(0, engine::seconds(0)).kind == Kind::pass;
  CHECK(passed == 77);
  // At 75 s: 64.5 + c for the c-th: 64.5 ... 76.5 are below 77 (13 pass); 77.5 is not.
  passed = 0;
  for (int i = 0; i < 14; ++i) passed += limiter.admit(0, engine::seconds(75)).kind == Kind::pass;
  CHECK(passed == 13);

  // Without count_rejected only the 77 passed count: 57.75 + c < 77 for c <= 19.
  SlidingWindowLimiter lenient(77, engine::minutes(1), false, 1);
  for (int i = 0; i < 86; ++i) lenient.admit(0, engine::seconds(0));
  passed = 0;
  for (int i = 0; i < 25; ++i) passed += lenient.admit(0, engine::seconds(75)).kind == Kind::pass;
  CHECK(passed == 20);

  // Two windows on, nothing weighs any more.
  for (int i = 0; i < 77; ++i) CHECK(lenient.admit(0, engine::seconds(180)).kind == Kind::pass);

  // A client sending 20/s against 10 per 1 s: counted rejections keep it out after the first
  // window; without them it keeps getting some through.
  for (const bool count_rejected : {true, false}) {
    SlidingWindowLimiter flood(10, engine::seconds(1), count_rejected, 1);
    int late = 0;
    for (int k = 0; k < 200; ++k) {
      const bool ok = flood.admit(0, ms(50 * k)).kind == Kind::pass;
      if (k >= 40) late += ok;
    }
    INFO("count_rejected " << count_rejected);
    if (count_rejected) CHECK(late == 0);
    else CHECK(late > 40);
  }
}

TEST_CASE("V8: a quota of 1000 per day against Poisson 0.02/s (1728/day) admits 1000.0 a day, about 728 rejected")
{
  const double day = 86'400;
  CHECK(analytic::fixed_window_admitted_rate(0.02, 1000, day) * day == Approx(1000.0).margin(0.05));
  RateLimitConfig quota;
  quota.algorithm = RateLimitConfig::Algorithm::quota;
  quota.key = RateLimitConfig::Key::api_key;
  quota.limit = 1000;
  quota.window = engine::hours(24);
  const auto limiter = lbsim::models::make_rate_limiter(quota);
  const int days = 400;
  Poisson arrivals(0.02, "v8-arrivals");
  std::vector<int64_t> admitted(days, 0), rejected(days, 0);
  for (SimTime t = arrivals.next(); t < at_s(days * day); t = arrivals.next()) {
    const auto d = static_cast<size_t>(t.seconds() / day);
    (limiter->admit(42, t).kind == Kind::pass ? admitted : rejected)[d]++;
  }
  // Every day admits exactly its first 1000 (P(N < 1000) at mean 1728 is below 1e-70).
  CHECK(std::all_of(admitted.begin(), admitted.end(), [](int64_t n) { return n == 1000; }));
  double mean_rejected = 0;
  for (int64_t n : rejected) mean_rejected += static_cast<double>(n) / days;
  const double se = std::sqrt(1728.0 / days);  // Var[(N - 1000)+] = Var[N] when N > 1000 always
  INFO("rejected " << mean_rejected << "/day, expected 728 +- " << kZ * se);
  CHECK(std::abs(mean_rejected - 728) <= kZ * se);
  CHECK(limiter->keys() == 1);
}

// ---------------------------------------------------------------------------------------------
// Concurrency (nginx limit_conn, reference V9)

namespace {
// Poisson arrivals (rate 1) of one key with holding times of mean `load`, exponential or constant:
// the fraction the limiter rejects. A small event loop: the earliest finishing request is released
// before each arrival it precedes.
double concurrency_blocking(int limit, double load, bool exponential, uint64_t seed, int arrivals)
{
  ConcurrencyLimiter limiter(limit, 1);
  Poisson poisson(1.0, "v9-arrivals", seed);
  engine::RngStream holding(seed, "v9-holding");
  std::priority_queue<int64_t, std::vector<int64_t>, std::greater<>> finishing;
  int rejected = 0;
  for (int n = 0; n < arrivals; ++n) {
    const SimTime t = poisson.next();
    while (!finishing.empty() && finishing.top() <= t.ns()) {
      limiter.release(0, SimTime::from_ns(finishing.top()));
      finishing.pop();
    }
    if (limiter.admit(0, t).kind == Kind::reject) {
      ++rejected;
      continue;
    }
    const double hold = exponential ? engine::standard_exponential(holding) * load : load;
    finishing.push(t.ns() + static_cast<int64_t>(hold * 1e9));
  }
  return static_cast<double>(rejected) / arrivals;
}
}  // namespace

TEST_CASE("V9: a concurrency limit rejects Erlang B: B(2, 1) = 0.2, B(4, 3) = 0.2061, exponential or constant holding times")
{
  CHECK(analytic::concurrency_rejected_fraction(1, 1, 2) == Approx(0.2).margin(1e-12));
  CHECK(analytic::concurrency_rejected_fraction(1, 3, 4) == Approx(0.2061).margin(5e-5));
  struct Case {
    int limit;
    double load, reference;
  };
  for (const Case& c : {Case{2, 1, 0.2}, Case{4, 3, 0.2061}}) {
    for (const bool exponential : {true, false}) {
      const Replicated r = replicate(20, [&](int rep) {
        return concurrency_blocking(c.limit, c.load, exponential,
                                    kSeed + static_cast<uint64_t>(rep) + (exponential ? 0 : 100) +
                                        static_cast<uint64_t>(c.limit) * 1000,
                                    100'000);
      });
      INFO("limit " << c.limit << ", load " << c.load << (exponential ? ", exponential" : ", constant")
                    << ": rejected " << r.mean << " +- " << r.half_width << ", Erlang B " << c.reference);
      CHECK(std::abs(r.mean - c.reference) <= r.half_width + 5e-5);  // + the reference's rounding
      CHECK(r.half_width95 < 0.004);
    }
  }
}

TEST_CASE("Concurrency limit: per key, state only while requests are in flight")
{
  ConcurrencyLimiter limiter(2, 8);
  CHECK(limiter.admit(1, SimTime::zero()).kind == Kind::pass);
  CHECK(limiter.admit(1, SimTime::zero()).kind == Kind::pass);
  CHECK(limiter.admit(1, SimTime::zero()).kind == Kind::reject);
  CHECK(limiter.admit(2, SimTime::zero()).kind == Kind::pass);  // another key is not affected
  CHECK(limiter.keys() == 2);
  limiter.release(1, ms(5));
  CHECK(limiter.admit(1, ms(6)).kind == Kind::pass);
  limiter.release(1, ms(7));
  limiter.release(1, ms(7));
  limiter.release(2, ms(7));
  CHECK(limiter.keys() == 0);
  CHECK_THROWS_AS(limiter.release(2, ms(8)), std::logic_error);
}

// ---------------------------------------------------------------------------------------------
// State: keys, memory, the factory

TEST_CASE("make_rate_limiter builds each algorithm from its config, a global limit keeps one key")
{
  RateLimitConfig c;
  c.key = RateLimitConfig::Key::global;
  c.algorithm = RateLimitConfig::Algorithm::leaky_bucket;
  c.rate_milli = 10'000;
  c.burst = 20;
  auto leaky = lbsim::models::make_rate_limiter(c);
  for (int i = 0; i < 21; ++i) leaky->admit(0, SimTime::zero());
  CHECK(leaky->admit(0, SimTime::zero()).kind == Kind::reject);
  CHECK(leaky->keys() == 1);

  c.algorithm = RateLimitConfig::Algorithm::token_bucket;
  c.tokens_per_s = 10;
  c.max_tokens = 2;
  auto token = lbsim::models::make_rate_limiter(c);
  CHECK(token->admit(0, SimTime::zero()).kind == Kind::pass);
  CHECK(token->admit(0, SimTime::zero()).kind == Kind::pass);
  CHECK(token->admit(0, SimTime::zero()).kind == Kind::reject);

  c.algorithm = RateLimitConfig::Algorithm::sliding_window;
  c.limit = 1;
  c.window = engine::seconds(1);
  auto sliding = lbsim::models::make_rate_limiter(c);
  CHECK(sliding->admit(0, SimTime::zero()).kind == Kind::pass);
  CHECK(sliding->admit(0, ms(1500)).kind == Kind::pass);    // 1 x 0.5 + 0 = 0.5 < 1
  CHECK(sliding->admit(0, ms(1500)).kind == Kind::reject);  // 0.5 + 1 >= 1

  c.algorithm = RateLimitConfig::Algorithm::concurrency;
  auto concurrency = lbsim::models::make_rate_limiter(c);
  CHECK(concurrency->admit(0, SimTime::zero()).kind == Kind::pass);
  CHECK(concurrency->admit(0, SimTime::zero()).kind == Kind::reject);
  concurrency->release(0, ms(1));
  CHECK(concurrency->admit(0, ms(1)).kind == Kind::pass);

  // Parameters an algorithm cannot work with.
  c.limit = 0;
  CHECK_THROWS_AS(lbsim::models::make_rate_limiter(c), std::invalid_argument);
  c.algorithm = RateLimitConfig::Algorithm::leaky_bucket;
  c.rate_milli = 0;
  CHECK_THROWS_AS(lbsim::models::make_rate_limiter(c), std::invalid_argument);
  c.algorithm = RateLimitConfig::Algorithm::token_bucket;
  c.tokens_per_s = 0;
  CHECK_THROWS_AS(lbsim::models::make_rate_limiter(c), std::invalid_argument);
}

namespace {
// Heap bytes in use, as glibc counts them (arena chunks plus mmapped blocks).
[[maybe_unused]] size_t heap_in_use()
{
#if defined(__GLIBC__)
  const struct mallinfo2 m = mallinfo2();
  return m.uordblks + m.hblkhd;
#else
  return 0;
#endif
}
}  // namespace

TEST_CASE("memory: bytes per key of each limiter, the estimate against what malloc hands out")
{
  constexpr int kKeys = 100'000;
  struct Case {
    const char* name;
    std::function<std::unique_ptr<RateLimiter>()> make;
  };
  const std::vector<Case> cases = {
      {"leaky_bucket", [] { return std::make_unique<LeakyBucketLimiter>(10'000, 5, 0, false, 64); }},
      {"token_bucket", [] { return std::make_unique<TokenBucketLimiter>(10, 5, false, SimTime::zero(), 64); }},
      {"token_bucket interval", [] { return std::make_unique<TokenBucketLimiter>(10, 5, true, engine::seconds(1), 64); }},
      {"fixed_window", [] { return std::make_unique<FixedWindowLimiter>(5, engine::seconds(1), 64); }},
      {"sliding_window", [] { return std::make_unique<SlidingWindowLimiter>(5, engine::seconds(1), false, 64); }},
      {"concurrency", [] { return std::make_unique<ConcurrencyLimiter>(5, 64); }},
  };
  for (const Case& c : cases) {
    const size_t before = heap_in_use();
    std::unique_ptr<RateLimiter> limiter = c.make();
    for (int k = 0; k < kKeys; ++k) limiter->admit(static_cast<uint64_t>(k) * 0x9E3779B97F4A7C15ull, ms(k / 1000));
    const size_t after = heap_in_use();
    REQUIRE(limiter->keys() == kKeys);  // every key holds state (each used a token or a slot)
    const double estimate = static_cast<double>(limiter->memory_bytes()) / kKeys;
    const double measured = static_cast<double>(after - before) / kKeys;
    std::printf("rate limiter %-22s %6.1f bytes per key (estimate), %6.1f (malloc, %d keys)\n", c.name, estimate,
                measured, kKeys);
    INFO(c.name << ": estimate " << estimate << " B/key, malloc " << measured);
    CHECK(estimate <= 96);
#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
    CHECK(std::abs(estimate - measured) <= 0.05 * measured);
#endif
  }
}

TEST_CASE("stale states are dropped when the map has doubled, and a dropped key behaves as a new one")
{
  // Sweeps run before adding the 1025th, 2049th, 4097th, 8193rd ... key while nothing is stale.
  TokenBucketLimiter bucket(10, 3, false, SimTime::zero(), 64);
  // 5000 keys each take a token at t = 0: none is full, none is stale.
  for (uint64_t k = 0; k < 5000; ++k) bucket.admit(k, SimTime::zero());
  CHECK(bucket.keys() == 5000);
  // By t = 1 s their buckets are full again: the sweep at 8192 keys drops all 5000.
  for (uint64_t k = 5000; k < 9000; ++k) bucket.admit(k, engine::seconds(1));
  CHECK(bucket.keys() == 4000);
  // Key 1, dropped, has a full bucket of 3, as it would have had.
  for (int i = 0; i < 3; ++i) CHECK(bucket.admit(1, engine::seconds(1)).kind == Kind::pass);
  CHECK(bucket.admit(1, engine::seconds(1)).kind == Kind::reject);

  FixedWindowLimiter windows(1, engine::seconds(1), 64);
  for (uint64_t k = 0; k < 3000; ++k) windows.admit(k, SimTime::zero());
  for (uint64_t k = 3000; k < 4200; ++k) windows.admit(k, engine::seconds(1));
  CHECK(windows.keys() == 1200);  // the sweep at 4096 dropped window 0's 3000 keys
  CHECK(windows.admit(7, engine::seconds(1)).kind == Kind::pass);  // window 1 is new for key 7
  CHECK(windows.admit(3050, engine::seconds(1)).kind == Kind::reject);
}

// ---------------------------------------------------------------------------------------------
// The reader (the contract's "Rate limits")

namespace {
using lbsim::scenarios::ScenarioError;
using lbsim::scenarios::YamlReader;

RateLimitConfig read(const std::string& yaml)
{
  YamlReader r("limits.yaml");
  const YAML::Node root = lbsim::scenarios::load_yaml_document(yaml, r, "empty");
  return lbsim::scenarios::read_rate_limit(r, root, "rate_limits[0]");
}

// The error reading `yaml` gives: its place and its message.
struct Failure {
  int line = 0, column = 0;
  std::string message;
};
Failure failure(const std::string& yaml)
{
  try {
    read(yaml);
  } catch (const ScenarioError& e) {
    return {e.where().line, e.where().column, e.message()};
  }
  FAIL("no error for:\n" << yaml);
  return {};
}
}  // namespace

TEST_CASE("rate limit reader: the contract's six limits")
{
  YamlReader r("gateway.yaml");
  const YAML::Node root = lbsim::scenarios::load_yaml_document(R"(rate_limits:
  - name: per-ip
    algorithm: leaky_bucket
    key: ip
    rate: 10/s
    burst: 20
    delay: 0
    status: 503
  - name: per-key
    algorithm: token_bucket
    key: api_key
    rate: 100/s
    burst: 200
    refill: continuous
    status: 429
  - { name: kong-min, algorithm: fixed_window, key: ip, limit: 100, window: 1 min, status: 429 }
  - { name: kong-rla, algorithm: sliding_window, key: api_key, limit: 100, window: 1 min,
      count_rejected: true }
  - { name: plan, algorithm: quota, key: api_key, limit: 10000, period: 1 d }
  - { name: conns, algorithm: concurrency, key: ip, limit: 10, status: 503 }
)", r, "empty");
  std::vector<RateLimitConfig> limits;
  for (size_t i = 0; i < root["rate_limits"].size(); ++i)
    limits.push_back(lbsim::scenarios::read_rate_limit(r, root["rate_limits"][i], "gateway.rate_limits[" + std::to_string(i) + "]"));
  using A = RateLimitConfig::Algorithm;
  using K = RateLimitConfig::Key;
  REQUIRE(limits.size() == 6);
  CHECK(limits[0].name == "per-ip");
  CHECK(limits[0].algorithm == A::leaky_bucket);
  CHECK(limits[0].key == K::ip);
  CHECK(limits[0].rate_milli == 10'000);
  CHECK(limits[0].burst == 20);
  CHECK(limits[0].delay == 0);
  CHECK_FALSE(limits[0].nodelay);
  CHECK(limits[0].status == 503);
  CHECK(limits[1].algorithm == A::token_bucket);
  CHECK(limits[1].key == K::api_key);
  CHECK(limits[1].tokens_per_s == 100);
  CHECK(limits[1].max_tokens == 200);
  CHECK_FALSE(limits[1].interval_refill);
  CHECK(limits[1].status == 429);
  CHECK(limits[2].algorithm == A::fixed_window);
  CHECK(limits[2].limit == 100);
  CHECK(limits[2].window == engine::minutes(1));
  CHECK(limits[3].algorithm == A::sliding_window);
  CHECK(limits[3].count_rejected);
  CHECK(limits[3].status == 429);  // default
  CHECK(limits[4].algorithm == A::quota);
  CHECK(limits[4].limit == 10'000);
  CHECK(limits[4].window == engine::hours(24));  // the period
  CHECK(limits[5].algorithm == A::concurrency);
  CHECK(limits[5].limit == 10);
  for (const RateLimitConfig& c : limits) CHECK_FALSE(c.shared);
}

TEST_CASE("rate limit reader: nginx's rate conversion, delay forms, defaults, refill, scope and store")
{
  // r/s x 1000; r/m x 1000 / 60 truncated, as nginx stores `rate=`.
  CHECK(read("{name: a, algorithm: leaky_bucket, rate: 10/s}").rate_milli == 10'000);
  CHECK(read("{name: a, algorithm: leaky_bucket, rate: 30/min}").rate_milli == 500);
  CHECK(read("{name: a, algorithm: leaky_bucket, rate: 10/min}").rate_milli == 166);
  CHECK(read("{name: a, algorithm: leaky_bucket, rate: 1/min}").rate_milli == 16);
  CHECK(read("{name: a, algorithm: leaky_bucket, rate: 3 / sec}").rate_milli == 3'000);
  const RateLimitConfig defaults = read("{name: a, algorithm: leaky_bucket, rate: 10/s}");
  CHECK(defaults.burst == 0);
  CHECK(defaults.delay == 0);
  CHECK_FALSE(defaults.nodelay);
  CHECK(defaults.status == 503);  // nginx's limit_req_status
  CHECK(defaults.key == RateLimitConfig::Key::ip);
  const RateLimitConfig nodelay = read("{name: a, algorithm: leaky_bucket, rate: 20/s, burst: 40, delay: nodelay, status: 429}");
  CHECK(nodelay.nodelay);
  CHECK(nodelay.burst == 40);
  CHECK(nodelay.status == 429);
  CHECK(read("{name: a, algorithm: leaky_bucket, rate: 10/s, burst: 12, delay: 8}").delay == 8);
  CHECK(read("{name: a, algorithm: leaky_bucket, rate: 10/s, burst: 12, delay: 12}").delay == 12);

  const RateLimitConfig timer = read("{name: t, algorithm: token_bucket, rate: 30/min, burst: 5, refill: interval, fill_interval: 50 ms}");
  CHECK(timer.tokens_per_s == Approx(0.5));
  CHECK(timer.interval_refill);
  CHECK(timer.fill_interval == ms(50));
  CHECK(timer.status == 429);

  CHECK(read("{name: c, algorithm: concurrency, limit: 3}").status == 503);  // limit_conn_status
  CHECK(read("{name: c, algorithm: concurrency, limit: 3, key: global}").key == RateLimitConfig::Key::global);
  CHECK(read("{name: c, algorithm: fixed_window, limit: 3, window: 1 s, key: route}").key == RateLimitConfig::Key::route);
  CHECK_FALSE(read("{name: s, algorithm: sliding_window, limit: 3, window: 1 s}").count_rejected);

  const RateLimitConfig shared =
      read("{name: s, algorithm: fixed_window, limit: 3, window: 1 s, scope: shared, store: {service: redis, cost: 0.3 ms}}");
  CHECK(shared.shared);
  CHECK(shared.store_service == "redis");
  REQUIRE(shared.store_cost);
  CHECK(shared.store_cost->mean() == Approx(0.0003));
  CHECK(shared.store_cost->variance() == 0);
  const RateLimitConfig drawn = read(
      "{name: s, algorithm: token_bucket, rate: 5/s, burst: 5, scope: shared, store: {cost: {distribution: exponential, mean: 1 ms}}}");
  CHECK(drawn.store_service.empty());
  REQUIRE(drawn.store_cost);
  CHECK(drawn.store_cost->mean() == Approx(0.001));
  CHECK(drawn.store_cost->variance() == Approx(1e-6));
  CHECK(read("{name: s, algorithm: quota, limit: 3, period: 7 d, scope: shared}").shared);
  CHECK_FALSE(read("{name: s, algorithm: quota, limit: 3, period: 7 d, scope: instance}").shared);
}

TEST_CASE("rate limit reader: each error at its line and column")
{
  struct Case {
    std::string yaml;
    int line, column;
    std::string message;  // contained in the error's message
  };
  const std::vector<Case> cases = {
      {"name: a\nalgorithm: leaky_bucket\nrate: 10/s\nburst: 20\ndelay: 25\n", 5, 8,
       "rate_limits[0].delay (25) exceeds burst (20): every excess request would pass undelayed; use nodelay"},
      {"name: a\nalgorithm: token_bucket\nrate: 100/s\nburst: 200\nrefill: interval\nfill_interval: 20 ms\n", 6, 16,
       "rate_limits[0].fill_interval is 20 ms; Envoy requires >= 50 ms for refill: interval"},
      {"name: a\nalgorithm: leaky_bucket\nrate: 0/s\n", 3, 7, "rate_limits[0].rate must be greater than zero, got \"0/s\""},
      {"name: a\nalgorithm: token_bucket\nrate: 0/min\nburst: 1\n", 3, 7,
       "rate_limits[0].rate must be greater than zero, got \"0/min\""},
      {"name: a\nalgorithm: token_bucket\nrate: -5/s\nburst: 1\n", 3, 7, "a rate must not be negative, got \"-5/s\""},
      {"name: a\nalgorithm: fixed_window\nlimit: 0\nwindow: 1 s\n", 3, 8, "rate_limits[0].limit must be at least 1, got 0"},
      {"name: a\nalgorithm: concurrency\nlimit: -2\n", 3, 8, "rate_limits[0].limit must be at least 1, got -2"},
      {"name: a\nalgorithm: leaky_buket\nrate: 10/s\n", 2, 12,
       "rate_limits[0].algorithm \"leaky_buket\" is not known; did you mean \"leaky_bucket\"?"},
      {"name: a\nalgorithm: fixed_window\nlimit: 10\nwindow: 1 s\nburst: 5\n", 5, 1,
       "rate_limits[0].burst applies only to algorithm leaky_bucket or token_bucket, and this limit's algorithm is "
       "fixed_window; remove burst or change the algorithm"},
      {"name: a\nalgorithm: quota\nlimit: 10\nwindow: 1 d\n", 4, 1,
       "window applies only to algorithm fixed_window or sliding_window, and this limit's algorithm is quota; remove "
       "window or change the algorithm (a quota's window is its period)"},
      {"name: a\nalgorithm: fixed_window\nlimit: 10\nwindow: 1 s\ncount_rejected: true\n", 5, 1,
       "count_rejected applies only to algorithm sliding_window"},
      {"name: a\nalgorithm: token_bucket\nrate: 10/s\nbrust: 5\n", 4, 1,
       "unknown key \"brust\" in rate_limits[0]; did you mean \"burst\"?"},
      {"name: a\nalgorithm: token_bucket\nrate: 10/s\nburst: 5\nfill_interval: 1 s\n", 5, 16,
       "rate_limits[0].fill_interval is the timer's period of refill: interval, and this bucket refills continuously"},
      {"name: a\nalgorithm: token_bucket\nrate: 10/s\nburst: 5\nrefill: interval\n", 1, 1,
       "rate_limits[0] (refill: interval) has no \"fill_interval\"; it is required (e.g. fill_interval: 1 s)"},
      {"name: a\nalgorithm: token_bucket\nrate: 10/s\nburst: 5\nrefill: timer\n", 5, 9,
       "rate_limits[0].refill \"timer\" is not known"},
      {"name: a\nalgorithm: token_bucket\nrate: 10/s\nburst: 0\n", 4, 8,
       "rate_limits[0].burst is the bucket's size (Envoy's max_tokens, AWS's burst) and must be at least 1"},
      {"name: a\nalgorithm: token_bucket\nrate: 10/s\n", 1, 1,
       "rate_limits[0] (token_bucket) has no \"burst\"; it is required (e.g. burst: 20)"},
      {"name: a\nalgorithm: leaky_bucket\nburst: 5\n", 1, 1,
       "rate_limits[0] (leaky_bucket) has no \"rate\"; it is required (e.g. rate: 10/s)"},
      {"algorithm: leaky_bucket\nrate: 10/s\n", 1, 1, "rate_limits[0] has no \"name\"; it is required"},
      {"name: a\nrate: 10/s\n", 1, 1, "rate_limits[0] has no \"algorithm\"; it is required"},
      {"name: a\nalgorithm: leaky_bucket\nrate: 2.5/s\n", 3, 7,
       "rate_limits[0].rate of a leaky_bucket is nginx's limit_req rate: a whole number of requests per second or per "
       "minute, such as \"10/s\" or \"30/min\"; got \"2.5/s\""},
      {"name: a\nalgorithm: leaky_bucket\nrate: 100/h\n", 3, 7, "got \"100/h\""},
      {"name: a\nalgorithm: leaky_bucket\nrate: 10\n", 3, 7, "rate_limits[0].rate: a unit is required: expected a rate such as \"800/s\""},
      {"name: a\nalgorithm: leaky_bucket\nrate: 10/s\nburst: 5\ndelay: none\n", 5, 8,
       "rate_limits[0].delay must be a whole number of requests (those past it wait) or nodelay, got \"none\""},
      {"name: a\nalgorithm: leaky_bucket\nrate: 10/s\nstatus: 600\n", 4, 9, "rate_limits[0].status must be at most 599, got 600"},
      {"name: a\nalgorithm: fixed_window\nlimit: 10\nwindow: 1 s\nstatus: 302\n", 5, 9,
       "rate_limits[0].status must be at least 400, got 302"},
      {"name: a\nalgorithm: fixed_window\nlimit: 10\nwindow: 0 s\n", 4, 9, "rate_limits[0].window must be greater than zero"},
      {"name: a\nalgorithm: quota\nlimit: 10\n", 1, 1, "rate_limits[0] (quota) has no \"period\"; it is required (e.g. period: 1 d)"},
      {"name: a\nalgorithm: sliding_window\nlimit: 10\nwindow: 1 s\ncount_rejected: yes\n", 5, 17,
       "rate_limits[0].count_rejected must be true or false"},
      {"name: a\nalgorithm: concurrency\nlimit: 10\nkey: user\n", 4, 6, "rate_limits[0].key \"user\" is not known"},
      {"name: a\nalgorithm: concurrency\nlimit: 10\nscope: global\n", 4, 8, "rate_limits[0].scope \"global\" is not known"},
      {"name: a\nalgorithm: concurrency\nlimit: 10\nstore: {service: redis}\n", 4, 8,
       "rate_limits[0].store is where a shared limit keeps its counters, and this limit's scope is instance (the "
       "default); add scope: shared or remove store"},
      {"name: a\nalgorithm: concurrency\nlimit: 10\nscope: shared\nstore: {service: redis, costs: 1 ms}\n", 5, 25,
       "unknown key \"costs\" in rate_limits[0].store; did you mean \"cost\"?"},
      {"name: a\nalgorithm: concurrency\nlimit: 10\nscope: shared\nstore: {}\n", 5, 8, "rate_limits[0].store is empty"},
      {"- name: a\n", 1, 1, "rate_limits[0] must be a mapping"},
  };
  for (const Case& c : cases) {
    const Failure f = failure(c.yaml);
    INFO("yaml:\n" << c.yaml << "error: " << f.line << ":" << f.column << ": " << f.message);
    CHECK(f.message.find(c.message) != std::string::npos);
    CHECK(f.line == c.line);
    CHECK(f.column == c.column);
  }
}
