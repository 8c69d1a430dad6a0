#include "models/analytic/cache.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace lbsim::models::analytic {

namespace {

void require(bool ok, const std::string& what)
{
  if (!ok) throw std::domain_error(what);
}

void require_popularity(const std::vector<double>& p, const char* who)
{
  require(!p.empty(), std::string(who) + ": needs at least one key");
  for (const double x : p) require(x >= 0 && std::isfinite(x), std::string(who) + ": popularities must be >= 0");
}

// sum_i (1 - e^(-lambda_i t)), the expected number of keys requested within t.
double expected_distinct(const std::vector<double>& p, double rate, double t)
{
  double sum = 0;
  for (const double x : p) sum += -std::expm1(-rate * x * t);
  return sum;
}

}  // namespace

std::vector<double> zipf_popularity(uint64_t count, double s)
{
  require(count >= 1, "zipf_popularity: needs at least one id");
  require(s >= 0 && std::isfinite(s), "zipf_popularity: the exponent must be >= 0");
  std::vector<double> p(count);
  // Summed from the smallest term up, for accuracy at large counts.
  double h = 0;
  for (uint64_t i = count; i >= 1; --i) {
    p[i - 1] = std::pow(static_cast<double>(i), -s);
    h += p[i - 1];
  }
  for (double& x : p) x /= h;
  return p;
}

double ttl_hit_ratio(double rate, double ttl)
{
  require(rate >= 0 && ttl >= 0, "ttl_hit_ratio: needs rate >= 0 and ttl >= 0");
  const double x = rate * ttl;
  return x / (1 + x);
}

double ttl_reset_hit_ratio(double rate, double ttl)
{
  require(rate >= 0 && ttl >= 0, "ttl_reset_hit_ratio: needs rate >= 0 and ttl >= 0");
  return -std::expm1(-rate * ttl);
}

double ttl_aggregate_hit_ratio(const std::vector<double>& popularity, double rate, double ttl, bool reset_on_hit)
{
  require_popularity(popularity, "ttl_aggregate_hit_ratio");
  double sum = 0;
  for (const double p : popularity)
    sum += p * (reset_on_hit ? ttl_reset_hit_ratio(rate * p, ttl) : ttl_hit_ratio(rate * p, ttl));
  return sum;
}

double che_key_hit_ratio(double key_rate, double characteristic_time)
{
  if (std::isinf(characteristic_time)) return key_rate > 0 ? 1.0 : 0.0;
  return -std::expm1(-key_rate * characteristic_time);
}

CheResult lru_che(const std::vector<double>& popularity, double rate, double capacity)
{
  require_popularity(popularity, "lru_che");
  require(rate > 0 && std::isfinite(rate), "lru_che: the rate must be > 0");
  require(capacity >= 0, "lru_che: the capacity must be >= 0");
  CheResult out;
  size_t requested = 0;  // keys with a rate: the most that can ever be cached
  for (const double p : popularity) requested += p > 0 ? 1 : 0;
  if (capacity >= static_cast<double>(requested)) {
    // Everything requested fits: after the first request of each key, every request hits.
    out.characteristic_time = std::numeric_limits<double>::infinity();
    out.hit_ratio = 1.0;
    return out;
  }
  if (capacity == 0) return out;
  // expected_distinct is increasing in t from 0 towards `requested` > C: bracket, then bisect (to
  // the last bit; ~100 evaluations of K exponentials).
  double lo = 0, hi = 1.0 / rate;
  while (expected_distinct(popularity, rate, hi) < capacity) {
    lo = hi;
    hi *= 2;
  }
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    if (expected_distinct(popularity, rate, mid) < capacity) lo = mid;
    else hi = mid;
  }
  out.characteristic_time = 0.5 * (lo + hi);
  double hit = 0;
  for (const double p : popularity) hit += p * che_key_hit_ratio(rate * p, out.characteristic_time);
  out.hit_ratio = hit;
  return out;
}

FillCycle ttl_fill_cycle(double rate, double ttl, double fill, bool lock)
{
  require(rate > 0 && std::isfinite(rate), "ttl_fill_cycle: the rate must be > 0");
  require(ttl >= 0 && fill >= 0, "ttl_fill_cycle: needs ttl >= 0 and fill >= 0");
  require(lock || ttl >= fill, "ttl_fill_cycle: without a lock the cycle is renewal only when ttl >= fill");
  FillCycle c;
  const double during_fill = rate * fill;  // requests arriving while the first fill runs
  if (lock) {
    c.cycle = fill + ttl + 1 / rate;
    c.fetches = 1;
    c.collapsed = during_fill;
  } else {
    const double last_arrival = fill + std::expm1(-during_fill) / rate;  // E[a] = F - (1 - e^-lambda F)/lambda
    c.cycle = fill + ttl + 1 / rate + last_arrival;
    c.fetches = 1 + during_fill;
  }
  c.requests = rate * c.cycle;
  c.hits = c.requests - c.fetches - c.collapsed;
  c.fetch_rate = c.fetches / c.cycle;
  c.hit_ratio = c.hits / c.requests;
  c.upstream_share = c.fetches / c.requests;
  return c;
}

}  // namespace lbsim::models::analytic
