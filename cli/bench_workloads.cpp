#include "cli/bench_workloads.hpp"

#include <algorithm>
#include <cmath>

namespace lbsim::cli {

// The W1 workload of ../shared/bench/README.md, written as an ordinary scenario so the benchmark
// measures the whole path: YAML in, statistics and result files out.
std::string w1_scenario(const std::string& algorithm, int servers, uint64_t requests, double load)
{
  const double rate = load * servers;  // W1: load 0.9 with a mean service time of 1 s
  return "name: w1-" + algorithm + "\nseed: 1\nstop: { requests: " + std::to_string(requests) +
         " }\nclients:\n  - name: load\n    population: 100000\n    arrivals: { process: poisson, rate: " + std::to_string(rate) +
         "/s }\n    mix:\n      - { method: GET, path: /, work: { distribution: exponential, mean: 1 s } }\n"
         "balancer: { algorithm: " + algorithm + " }\nservers:\n  - { name: s, count: " + std::to_string(servers) +
         ", cores: 1 }\nmetrics: { interval: 100 s }\n";
}

// W1C (docs/benchmarks.md): W1's pool driven by closed-loop users instead of Poisson arrivals:
// N users with exponential think time Z = 9 s (so that think + service = 10 s), N = load x servers
// x 10 s, which would offer W1's load if nobody waited (queueing makes it a little less).
int w1c_users(int servers, double load) { return static_cast<int>(std::lround(load * servers * (kW1cThinkS + 1.0))); }

std::string w1c_scenario(const std::string& algorithm, int servers, uint64_t requests, double load)
{
  return "name: w1c-" + algorithm + "\nseed: 1\nstop: { requests: " + std::to_string(requests) +
         " }\nclients:\n  - name: load\n    arrivals: { process: closed, users: " +
         std::to_string(w1c_users(servers, load)) + ", think_time: { distribution: exponential, mean: " +
         std::to_string(kW1cThinkS) + " s } }\n    mix:\n      - { method: GET, path: /, work: { distribution: "
         "exponential, mean: 1 s } }\nbalancer: { algorithm: " + algorithm + " }\nservers:\n  - { name: s, count: " +
         std::to_string(servers) + ", cores: 1 }\nmetrics: { interval: 100 s }\n";
}

// PS and PSF (docs/benchmarks.md): W1's pool with about 100 requests in service at each server:
// 100 x servers closed-loop users who think 1 ms (so nearly all of them wait at a server), over
// processor-sharing servers (PS) and, to compare, the same load on FIFO servers (PSF).
std::string ps_scenario(const std::string& algorithm, int servers, uint64_t requests, bool shared)
{
  return std::string("name: ps-") + algorithm + "\nseed: 1\nstop: { requests: " + std::to_string(requests) +
         " }\nclients:\n  - name: load\n    arrivals: { process: closed, users: " +
         std::to_string(kPsPerServer * servers) + ", think_time: { distribution: exponential, mean: 1 ms } }\n"
         "    mix:\n      - { method: GET, path: /, work: { distribution: exponential, mean: 1 s } }\n"
         "balancer: { algorithm: " + algorithm + " }\nservers:\n  - { name: s, count: " + std::to_string(servers) +
         ", cores: 1" + (shared ? ", discipline: processor_sharing" : "") + " }\nmetrics: { interval: 100 s }\n";
}

// W2 (docs/benchmarks.md): W1's clients and load through a chain of three services, each with
// `servers` one-core servers behind the same algorithm: service a works (exponential, mean 1 s),
// then calls b, which works and calls c. Every service is at the load W1's pool is at.
std::string w2_scenario(const std::string& algorithm, int servers, uint64_t requests, double load)
{
  const double rate = load * servers;
  std::string text = "name: w2-" + algorithm + "\nseed: 1\nstop: { requests: " + std::to_string(requests) +
                     " }\nclients:\n  - name: load\n    population: 100000\n    service: a\n"
                     "    arrivals: { process: poisson, rate: " + std::to_string(rate) +
                     "/s }\n    mix:\n      - { method: GET, path: / }\nservices:\n";
  const char* names[] = {"a", "b", "c"};
  for (int k = 0; k < 3; ++k) {
    text += std::string("  - name: ") + names[k] + "\n    balancer: { algorithm: " + algorithm + " }\n    servers: [ { name: " +
            names[k] + "-s, count: " + std::to_string(servers) + ", cores: 1 } ]\n    endpoints:\n      - { path: /, work: "
            "{ distribution: exponential, mean: 1 s }" + (k < 2 ? std::string(", calls: [ { service: ") + names[k + 1] + ", path: / } ]" : "") +
            " }\n";
  }
  return text + "metrics: { interval: 100 s }\n";
}

// GW (docs/benchmarks.md): the contract's shop behind a gateway (examples/api-gateway.yaml) at ten
// times its traffic, with ten times its clients, ids, servers and cache: JWT auth, CORS preflights,
// a per-IP limit, a cached route under Zipf ids, an aggregated route and a POST that calls a service.
std::string gateway_scenario(uint64_t requests)
{
  return "name: gw-bench\nseed: 7\nstop: { requests: " + std::to_string(requests) +
         " }\nclients:\n  - name: web\n    population: 200000\n    arrivals: { process: poisson, rate: 30000/s }\n"
         "    cross_origin: 100%\n    browser: chromium\n    mix:\n"
         "      - { method: GET, path: \"/api/products/{id}\", share: 0.7, response_size: 4 KB,\n"
         "          ids: { count: 500000, popularity: { distribution: zipf, s: 0.9 } }, headers: [authorization] }\n"
         "      - { method: GET, path: /api/home, share: 0.2, response_size: 12 KB, headers: [authorization] }\n"
         "      - { method: POST, path: /api/orders, share: 0.1, request_size: 2 KB, response_size: 1 KB,\n"
         "          headers: [authorization, content-type: application/json] }\n"
         "services:\n"
         "  - name: catalog\n    balancer: { algorithm: round_robin }\n"
         "    servers: [ { name: catalog, count: 80, cores: 2 } ]\n"
         "    endpoints:\n      - { method: GET, prefix: /products/, work: { distribution: exponential, mean: 6 ms } }\n"
         "  - name: orders\n    balancer: { algorithm: least_connections }\n"
         "    servers: [ { name: orders, count: 30, cores: 4 } ]\n"
         "    endpoints:\n"
         "      - { method: POST, path: /orders, work: 15 ms, calls: [ { service: catalog, method: GET, path: /products/ } ] }\n"
         "      - { method: GET, path: /orders/recent, work: 8 ms }\n"
         "gateway:\n  name: gw\n  workers: 8\n  processing: 30 us\n  auth: { kind: jwt, alg: RS256 }\n"
         "  cors: { max_age: 10 min }\n  rate_limits:\n"
         "    - { name: per-ip, algorithm: leaky_bucket, key: ip, rate: 20/s, burst: 40, delay: nodelay, status: 429 }\n"
         "  routes:\n"
         "    - { name: products, match: { methods: [GET], prefix: /api/products }, service: catalog,\n"
         "        rewrite: { strip_prefix: /api }, cache: { ttl: 60 s, capacity: 200000, lock: true } }\n"
         "    - name: home\n      match: { methods: [GET], path: /api/home }\n"
         "      aggregate: { timeout: 300 ms, partial: true,\n"
         "                   backends: [ { service: catalog, path: /products/ }, { service: orders, path: /orders/recent } ] }\n"
         "    - { name: orders, match: { methods: [POST], prefix: /api/orders }, service: orders,\n"
         "        rewrite: { strip_prefix: /api }, timeout: 2 s }\n"
         "metrics: { interval: 10 s }\n";
}

namespace {

bool is_prime(uint64_t n)
{
  if (n < 2) return false;
  for (uint64_t d = 2; d * d <= n; ++d)
    if (n % d == 0) return false;
  return true;
}

}  // namespace

uint64_t w3_maglev_table_size(int servers)
{
  constexpr uint64_t kLargestTable = 5'000'011;  // maglev's cap (docs/algorithms.md)
  uint64_t size = std::max<uint64_t>(65'537, 100 * static_cast<uint64_t>(servers));
  if (size >= kLargestTable) return kLargestTable;
  while (!is_prime(size)) ++size;
  return size;
}

std::string w3_scenario(const std::string& algorithm, const W3Size& size, uint64_t requests)
{
  const double rate = kW3Load * size.servers;
  std::string text = "name: w3-" + algorithm + "\nseed: 1\nstop: { requests: " + std::to_string(requests) +
                     " }\nclients:\n  - name: load\n    population: " + std::to_string(size.addresses) +
                     "\n    arrivals: { process: poisson, rate: " + std::to_string(rate) +
                     "/s }\n    mix:\n      - { method: GET, path: /, work: { distribution: exponential, mean: 1 s } }\n"
                     "balancer: { algorithm: " + algorithm +
                     (algorithm == "maglev" ? ", table_size: " + std::to_string(w3_maglev_table_size(size.servers)) : "") +
                     " }\nservers:\n";
  // The servers spread over the groups as evenly as whole numbers allow, the first groups one larger.
  const int groups = std::clamp(size.groups, 1, size.servers);
  for (int g = 0; g < groups; ++g) {
    const int count = size.servers / groups + (g < size.servers % groups ? 1 : 0);
    text += "  - { name: g" + std::to_string(g + 1) + ", count: " + std::to_string(count) + ", cores: 1 }\n";
  }
  return text;  // no metrics section: the automatic interval, as a user who writes none gets
}

}  // namespace lbsim::cli
