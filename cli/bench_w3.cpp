// `lbsim bench --workload W3`: scale in everything (docs/benchmarks.md). Separates W3's memory into
// a part per server and a part per client address, then times W3 beside W1 per event.
#include "cli/bench_run.hpp"
#include "cli/bench_workloads.hpp"
#include "cli/commands.hpp"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace lbsim::cli {

namespace {

// One step of the memory ladder: its peak RSS, run in a child process so that no step inherits
// another's high-water mark or the memory malloc kept from it. The child starts from this process's
// pages, the same for every step, so differences between steps are the steps' own.
struct MemoryStep {
  W3Size size;
  double peak_mib = 0;
};

double peak_rss_mib_of_child(const std::string& text, const std::string& out_dir)
{
  std::fflush(stdout);
  const pid_t pid = ::fork();
  if (pid < 0) return 0;
  if (pid == 0) {
    run_bench_scenario(text, "W3", out_dir);
    ::_exit(0);
  }
  int status = 0;
  rusage usage{};
  if (::wait4(pid, &status, 0, &usage) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return 0;
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
}

void print_memory_ladder(const BenchOptions& options, const W3Size& full, const std::string& out_root)
{
  // power_of_two_choices balances whatever the addresses, so a step with few addresses overloads
  // no server (a hash would send each address's whole share to one server).
  const std::string algorithm = "power_of_two_choices";
  const int groups = std::min(full.groups, full.servers);
  MemoryStep steps[] = {{{groups, groups, static_cast<uint32_t>(groups)}},
                        {{full.servers, full.groups, static_cast<uint32_t>(groups)}},
                        {full}};
  // At most 10^6 requests each: memory does not grow with requests (the memory check shows it).
  const uint64_t requests = std::min<uint64_t>(options.requests, 1'000'000);
  int index = 0;
  for (MemoryStep& step : steps)
    step.peak_mib = peak_rss_mib_of_child(w3_scenario(algorithm, step.size, requests),
                                          out_root + "/memory-" + std::to_string(index++));
  const auto bytes_per = [](double from_mib, double to_mib, double count) {
    return count > 0 ? (to_mib - from_mib) * 1048576.0 / count : 0.0;
  };
  std::printf("W3 memory (%s, %llu requests each, peak RSS of a child process): %.1f MiB with %d servers and %d addresses; %.1f MiB with %d "
              "servers (%.0f bytes per server); %.1f MiB with %u addresses too (%.0f bytes per address)\n",
              algorithm.c_str(), static_cast<unsigned long long>(requests), steps[0].peak_mib, groups, groups,
              steps[1].peak_mib, full.servers, bytes_per(steps[0].peak_mib, steps[1].peak_mib, full.servers - groups),
              steps[2].peak_mib, full.addresses,
              bytes_per(steps[1].peak_mib, steps[2].peak_mib, static_cast<double>(full.addresses) - groups));
  const uint64_t table = w3_maglev_table_size(full.servers);
  std::printf("W3 maglev table: %llu entries of 4 bytes, %.1f MiB (%.0f bytes per server), on top of the above\n",
              static_cast<unsigned long long>(table), static_cast<double>(table) * 4 / 1048576.0,
              static_cast<double>(table) * 4 / full.servers);
}

double busiest_utilization(const models::RunSummary& summary)
{
  double busiest = 0;
  for (const auto& server : summary.servers) busiest = std::max(busiest, server.utilization);
  return busiest;
}

}  // namespace

int bench_w3(const BenchOptions& options, const std::vector<std::string>& algorithms, const std::string& out_root)
{
  W3Size size;
  size.servers = options.w3_servers;
  size.addresses = options.w3_addresses;
  size.groups = std::min(size.groups, size.servers);
  std::printf("W3: %d one-core servers in %d groups behind one balancer, %u client addresses, load %.2f (%.0f requests/s), "
              "exponential service (mean 1 s), automatic metrics interval; W1 (%d servers, round robin) first, per event\n",
              size.servers, size.groups, size.addresses, kW3Load, kW3Load * size.servers, options.servers);
  print_memory_ladder(options, size, out_root);
  print_bench_header();
  // W1 first: its time per event is the yardstick.
  const auto w1 = run_bench_scenario(w1_scenario("round_robin", options.servers, options.requests, options.load), "W1",
                                     out_root + "/W1");
  print_bench_row("W1", "round_robin", w1);
  const double w1_ns_per_event = 1e9 * w1.wall_seconds / static_cast<double>(w1.events);

  for (const std::string& algorithm : algorithms) {
    const auto s = run_bench_scenario(w3_scenario(algorithm, size, options.requests), "W3", out_root + "/W3-" + algorithm);
    print_bench_row("W3", algorithm, s);
    std::printf("     W3 / W1 time per event %.2f; busiest server's utilization %.3f; %llu requests in flight at the end\n",
                1e9 * s.wall_seconds / static_cast<double>(s.events) / w1_ns_per_event, busiest_utilization(s),
                static_cast<unsigned long long>(s.in_flight_at_end));
  }
  if (options.memory_requests > 0) {
    const double before = peak_rss_mib();
    const auto s = run_bench_scenario(w3_scenario(algorithms.back(), size, options.memory_requests), "W3",
                                      out_root + "/memory-W3");
    const double after = peak_rss_mib();
    std::printf("memory W3 %s: peak RSS %.1f MiB after %llu requests, %.1f MiB after %llu requests (%+.1f%%), %.3f s, "
                "%.1f ns per event, %llu requests in flight at the end\n",
                algorithms.back().c_str(), before, static_cast<unsigned long long>(options.requests), after,
                static_cast<unsigned long long>(s.completed), 100.0 * (after - before) / before, s.wall_seconds,
                1e9 * s.wall_seconds / static_cast<double>(s.events), static_cast<unsigned long long>(s.in_flight_at_end));
  }
  return 0;
}

}  // namespace lbsim::cli
