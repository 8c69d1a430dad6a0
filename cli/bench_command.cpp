#include "cli/commands.hpp"

#include "cli/bench_run.hpp"
#include "cli/bench_workloads.hpp"
#include "models/balancers/algorithms/registry.hpp"
#include "models/gateway/cache/response_cache.hpp"
#include "models/gateway/limiters/rate_limiter.hpp"
#include "scenarios/format/suggest.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>

namespace lbsim::cli {

namespace {

// The gateway's state at 10^6 keys: a full response cache and each limiter with that many keys,
// in bytes per entry (the structures' own accounting, which the tests hold to what malloc hands out).
void print_state_per_key()
{
  constexpr uint64_t kKeys = 1'000'000;
  models::CacheConfig cache_config;
  cache_config.ttl = engine::hours(1);
  cache_config.capacity_entries = kKeys;
  models::ResponseCache cache(cache_config);
  for (uint64_t k = 0; k < kKeys; ++k) cache.complete_fill(k * 0x9E3779B97F4A7C15ull, engine::SimTime::zero(), 4096, true);
  std::printf("GW state at 10^6 keys: cache %.1f bytes per entry", static_cast<double>(cache.memory_bytes()) / kKeys);
  using Algorithm = models::RateLimitConfig::Algorithm;
  const std::pair<const char*, Algorithm> limits[] = {{"leaky_bucket", Algorithm::leaky_bucket},
                                                      {"token_bucket", Algorithm::token_bucket},
                                                      {"fixed_window", Algorithm::fixed_window},
                                                      {"sliding_window", Algorithm::sliding_window}};
  for (const auto& [name, algorithm] : limits) {
    models::RateLimitConfig c;
    c.algorithm = algorithm;
    c.rate_milli = 10'000;
    c.burst = 5;
    c.tokens_per_s = 10;
    c.max_tokens = 5;
    c.limit = 5;
    c.window = engine::seconds(1);
    const auto limiter = models::make_rate_limiter(c);
    for (uint64_t k = 0; k < kKeys; ++k)
      limiter->admit(k * 0x9E3779B97F4A7C15ull, engine::SimTime::from_ns(static_cast<int64_t>(k)));
    std::printf(", %s %.1f per key", name, static_cast<double>(limiter->memory_bytes()) / static_cast<double>(limiter->keys()));
  }
  std::printf("\n");
}

models::RunSummary run_workload(const std::string& workload, const std::string& algorithm, int servers,
                                uint64_t requests, double load, const std::string& out_dir)
{
  const std::string text = workload == "W1"    ? w1_scenario(algorithm, servers, requests, load)
                           : workload == "W1C" ? w1c_scenario(algorithm, servers, requests, load)
                           : workload == "W2"  ? w2_scenario(algorithm, servers, requests, load)
                           : workload == "PS"  ? ps_scenario(algorithm, servers, requests, true)
                           : workload == "PSF" ? ps_scenario(algorithm, servers, requests, false)
                                               : gateway_scenario(requests);
  return run_bench_scenario(text, workload, out_dir);
}

}  // namespace

int bench_command(const BenchOptions& options)
{
  std::string out_root = options.out_dir;
  const bool temporary = out_root.empty();
  if (temporary) out_root = (std::filesystem::temp_directory_path() / ("lbsim-bench-" + std::to_string(::getpid()))).string();

  std::vector<std::string> algorithms;
  if (options.algorithms == "both") {
    algorithms = {"round_robin", "least_connections"};
  } else if (options.algorithms == "all") {
    algorithms = models::all_balancer_algorithm_names();
  } else {
    const auto& known = models::all_balancer_algorithm_names();
    if (std::find(known.begin(), known.end(), options.algorithms) == known.end()) {
      std::fprintf(stderr, "lbsim bench: unknown algorithm \"%s\"%s\n", options.algorithms.c_str(),
                   scenarios::did_you_mean(options.algorithms, known).c_str());
      return 2;
    }
    algorithms = {options.algorithms};
  }
  if (options.workloads == "W3") {
    if (options.algorithms == "both") algorithms = {"ip_hash", "maglev", "power_of_two_choices"};  // W3's own three
    const int status = bench_w3(options, algorithms, out_root);
    if (temporary) std::filesystem::remove_all(out_root);
    return status;
  }

  std::vector<std::string> workloads;
  const bool all = options.workloads == "all";
  if (options.workloads == "W1" || options.workloads == "both" || options.workloads == "W1C" || all)
    workloads.push_back("W1");
  if (options.workloads == "W1C") workloads.push_back("W1C");  // beside W1, to compare
  if (options.workloads == "W2" || options.workloads == "both" || all) workloads.push_back("W2");
  if (options.workloads == "PS") workloads = {"PSF", "PS"};  // FIFO first: PS's time per event over it
  if (std::find(workloads.begin(), workloads.end(), "W1") != workloads.end())
    std::printf("W1: %d servers, load %.2f, exponential service (mean 1 s), 100,000 clients, whole path (YAML -> files)\n",
              options.servers, options.load);
  if (options.workloads == "W1C")
    std::printf("W1C: W1's pool driven by %d closed-loop users (exponential think time %g s, mean service 1 s)\n",
                w1c_users(options.servers, options.load), kW1cThinkS);
  if (options.workloads == "PS")
    std::printf("PS: %d one-core servers, %d closed-loop users per server (think 1 ms, mean service 1 s): about %d "
                "requests in service at each, processor sharing (PS) and FIFO (PSF)\n",
                options.servers, kPsPerServer, kPsPerServer);
  if (std::find(workloads.begin(), workloads.end(), "W2") != workloads.end())
    std::printf("W2: the same clients through a chain of three services of %d servers each (a calls b, b calls c), "
                "each at load %.2f\n", options.servers, options.load);
  print_bench_header();
  std::map<std::string, double> ns_per_event;    // "W1 round_robin" -> ns
  std::map<std::string, double> ns_per_request;  // W1's, by algorithm
  for (const std::string& workload : workloads) {
    for (const std::string& algorithm : algorithms) {
      const auto s = run_workload(workload, algorithm, options.servers, options.requests, options.load,
                                  out_root + "/" + workload + "-" + algorithm);
      const double per_event = 1e9 * s.wall_seconds / static_cast<double>(s.events);
      ns_per_event[workload + " " + algorithm] = per_event;
      if (workload == "W1") ns_per_request[algorithm] = 1e9 * s.wall_seconds / static_cast<double>(s.completed);
      print_bench_row(workload, algorithm, s);
    }
  }
  if (workloads.size() == 2)
    for (const std::string& algorithm : algorithms)
      std::printf("%s / %s time per event, %s: %.2f\n", workloads.back().c_str(), workloads.front().c_str(),
                  algorithm.c_str(),
                  ns_per_event[workloads.back() + " " + algorithm] / ns_per_event[workloads.front() + " " + algorithm]);
  if (options.workloads == "GW" || all) {
    // The gateway workload does not depend on the algorithm: one run, its time per request beside
    // W1's, and the gateway's state per cache entry and per limiter key.
    const auto s = run_workload("GW", "", 0, options.requests, 0, out_root + "/GW");
    std::printf("GW: the shop of examples/api-gateway.yaml at 30,000 requests/s (ten times its traffic, clients, ids, "
                "servers and cache)\n");
    std::printf("%-4s %-26s %10llu %10.3f %10llu %12.4g %10.1f %12.1f %10.4f %10.3f %10.1f\n", "GW", "shop x10",
                static_cast<unsigned long long>(s.arrived), s.wall_seconds, static_cast<unsigned long long>(s.events),
                static_cast<double>(s.events) / s.wall_seconds, 1e9 * s.wall_seconds / static_cast<double>(s.events),
                1e9 * s.wall_seconds / static_cast<double>(s.arrived), s.latency_mean_s, p99_seconds(s), peak_rss_mib());
    if (!workloads.empty() && s.arrived > 0) {
      const auto w1 = ns_per_event.find("W1 " + algorithms.front());
      const auto w1_request = ns_per_request.find(algorithms.front());
      if (w1 != ns_per_event.end() && w1_request != ns_per_request.end())
        std::printf("GW / W1 (%s, a plain balancer hop): %.2f per event, %.2f per request\n", algorithms.front().c_str(),
                    1e9 * s.wall_seconds / static_cast<double>(s.events) / w1->second,
                    1e9 * s.wall_seconds / static_cast<double>(s.arrived) / w1_request->second);
    }
    if (s.gateway && s.gateway->cache && s.gateway->cache->entries > 0)
      std::printf("GW cache: %llu entries, %.1f MiB, %.0f bytes per entry\n",
                  static_cast<unsigned long long>(s.gateway->cache->entries),
                  static_cast<double>(s.gateway->cache->memory_bytes) / 1048576.0,
                  static_cast<double>(s.gateway->cache->memory_bytes) / static_cast<double>(s.gateway->cache->entries));
    if (s.gateway)
      for (const models::RateLimitSummary& limit : s.gateway->rate_limits)
        if (limit.keys > 0)
          std::printf("GW limit %s: %llu keys, %.1f MiB, %.0f bytes per key\n", limit.name.c_str(),
                      static_cast<unsigned long long>(limit.keys), static_cast<double>(limit.memory_bytes) / 1048576.0,
                      static_cast<double>(limit.memory_bytes) / static_cast<double>(limit.keys));
    print_state_per_key();
  }
  if (options.memory_requests > 0) {
    // Peak RSS only grows, so if the long run leaves it where the short runs put it, memory does
    // not depend on the number of requests.
    for (const std::string& workload : workloads) {
      const double before = peak_rss_mib();
      const auto s = run_workload(workload, algorithms.back(), options.servers, options.memory_requests, options.load,
                                  out_root + "/memory-" + workload);
      const double after = peak_rss_mib();
      std::printf("memory %s: peak RSS %.1f MiB after %llu requests, %.1f MiB after %llu requests (%+.1f%%), %.3f s\n",
                  workload.c_str(), before, static_cast<unsigned long long>(options.requests), after,
                  static_cast<unsigned long long>(s.completed), 100.0 * (after - before) / before, s.wall_seconds);
    }
  }
  if (temporary) std::filesystem::remove_all(out_root);
  return 0;
}

}  // namespace lbsim::cli
