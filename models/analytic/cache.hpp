// Cache hit ratios in closed form under the Independent Reference Model: key i gets Poisson
// requests at rate lambda_i = lambda p_i (../shared/reference/gateway.md 1.7, "Theory a simulator
// must match"; docs/gateway-cache.md). Times in seconds, rates per second.
#pragma once

#include <cstdint>
#include <vector>

namespace lbsim::models::analytic {

// Zipf popularity over ids 1..count: p[i - 1] = i^-s / H_{count,s}, s >= 0 (s = 0: uniform).
// Throws std::domain_error unless count >= 1 and s >= 0.
std::vector<double> zipf_popularity(uint64_t count, double s);

// One key with Poisson requests at `rate`, a TTL `ttl` set when the response is stored and not
// reset by hits (nginx proxy_cache_valid, AWS, Kong, browsers' preflight cache): a renewal cycle is
// one miss and then the hits within ttl, so hit = lambda T / (1 + lambda T) exactly (Jung, Berger,
// Balakrishnan, INFOCOM 2003; Fofack, Nain, Neglia, Towsley, Computer Networks 65, 2014).
double ttl_hit_ratio(double rate, double ttl);
// The same with the TTL reset by every hit (idle expiry, nginx inactive=): a request hits when the
// previous one came less than ttl before it, hit = 1 - e^(-lambda T).
double ttl_reset_hit_ratio(double rate, double ttl);
// sum_i p_i hit_i over a popularity p (summing to 1) with total rate `rate`.
double ttl_aggregate_hit_ratio(const std::vector<double>& popularity, double rate, double ttl, bool reset_on_hit);

// Che's approximation of an LRU cache of `capacity` entries (Che, Tung, Wang, IEEE JSAC 20(7),
// 2002; Fricker, Robert, Roberts, ITC 24, 2012): the characteristic time t_C solves
// sum_i (1 - e^(-lambda_i t_C)) = C, and hit_i = 1 - e^(-lambda_i t_C).
struct CheResult {
  double characteristic_time = 0;  // t_C in seconds (infinite when capacity >= the number of keys)
  double hit_ratio = 0;            // sum_i p_i hit_i
};
// Throws std::domain_error unless rate > 0, capacity >= 0 and p is a non-empty popularity.
CheResult lru_che(const std::vector<double>& popularity, double rate, double capacity);
double che_key_hit_ratio(double key_rate, double characteristic_time);

// One key, a non-reset TTL and a fill that takes `fill` seconds upstream (reference 1.7, last
// bullet). A cycle starts with a miss at 0; the response is stored at the end of its fill with
// expiry = store + T; the first request after the expiry starts the next cycle.
// - lock (nginx proxy_cache_lock): requests during the fill wait for it (collapsed); one fetch per
//   cycle of mean length F + T + 1/lambda.
// - no lock: each request during the fill goes upstream too, 1 + lambda F fetches per cycle; each of
//   those fills stores again when it ends, so the last one, from the last arrival a in [0, F),
//   sets the expiry to a + F + T: E[a] = F - (1 - e^(-lambda F)) / lambda, and the mean cycle is
//   F + T + 1/lambda + F - (1 - e^(-lambda F)) / lambda. This needs T >= F: each store then comes
//   before the previous one expires, so the entry stays fresh from F to a + F + T.
struct FillCycle {
  double cycle = 0;              // mean cycle length, s
  double requests = 0;           // lambda x cycle
  double fetches = 0;            // upstream fetches per cycle
  double collapsed = 0;          // requests per cycle that waited for the fill (lock only)
  double hits = 0;               // requests per cycle served fresh from the cache
  double fetch_rate = 0;         // fetches per second
  double hit_ratio = 0;          // hits / requests
  double upstream_share = 0;     // fetches / requests
};
// Throws std::domain_error unless rate > 0, ttl >= 0, fill >= 0 and, without a lock, ttl >= fill.
FillCycle ttl_fill_cycle(double rate, double ttl, double fill, bool lock);

}  // namespace lbsim::models::analytic
