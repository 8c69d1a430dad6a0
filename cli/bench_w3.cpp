// `lbsim bench --workload W3`: scale in everything (docs/benchmarks.md). Separates W3's memory into
// a part per server and a part per client address, then times W3 beside W1 per event, each W3 run
// in a child process with its own peak RSS.
#include "cli/bench_run.hpp"
#include "cli/bench_workloads.hpp"
#include "cli/commands.hpp"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <exception>

namespace lbsim::cli {

namespace {

// W3's runs each run in a child process, so that each peak RSS is the run's own: no run inherits
// another's high-water mark or the memory malloc kept from it. The child starts from this process's
// pages, the same for every run, so differences between runs are the runs' own.
struct ChildFigures {  // what the child sends back through a pipe
  uint64_t completed = 0, events = 0, in_flight = 0;
  double wall_s = 0, mean_s = 0, p99_s = 0, busiest_utilization = 0;
  bool ok = false;
};
struct ChildRun {
  ChildFigures figures;
  double peak_mib = 0;
  double cpu_s = 0;  // user + system, the whole child: loading, the run, the files
};

ChildRun run_in_child(const std::string& text, const std::string& out_dir)
{
  std::fflush(stdout);
  int fds[2];
  if (::pipe(fds) != 0) return {};
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return {};
  }
  if (pid == 0) {
    ::close(fds[0]);
    ChildFigures f;
    try {
      const models::RunSummary s = run_bench_scenario(text, "bench", out_dir);
      f.completed = s.completed;
      f.events = s.events;
      f.in_flight = s.in_flight_at_end;
      f.wall_s = s.wall_seconds;
      f.mean_s = s.latency_mean_s;
      f.p99_s = p99_seconds(s);
      for (const auto& server : s.servers) f.busiest_utilization = std::max(f.busiest_utilization, server.utilization);
      f.ok = true;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "lbsim bench: %s\n", e.what());
    }
    const ssize_t written = ::write(fds[1], &f, sizeof f);
    ::_exit(f.ok && written == static_cast<ssize_t>(sizeof f) ? 0 : 1);
  }
  ::close(fds[1]);
  ChildRun run;
  if (::read(fds[0], &run.figures, sizeof run.figures) != static_cast<ssize_t>(sizeof run.figures)) run.figures.ok = false;
  ::close(fds[0]);
  int status = 0;
  rusage usage{};
  if (::wait4(pid, &status, 0, &usage) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) run.figures.ok = false;
  run.peak_mib = static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
  run.cpu_s = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
              1e-6 * static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
  return run;
}

struct MemoryStep {
  W3Size size;
  double peak_mib = 0;
};

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
    step.peak_mib = run_in_child(w3_scenario(algorithm, step.size, requests), out_root + "/memory-" + std::to_string(index++))
                        .peak_mib;
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

// Prints the run's row and returns its time per event (0 if it failed).
double print_row(const std::string& workload, const std::string& algorithm, const ChildRun& run)
{
  const ChildFigures& f = run.figures;
  if (!f.ok) {
    std::printf("%-4s %-26s failed\n", workload.c_str(), algorithm.c_str());
    return 0;
  }
  const double ns_per_event = 1e9 * f.wall_s / static_cast<double>(f.events);
  std::printf("%-4s %-26s %10llu %10.3f %10llu %12.4g %10.1f %12.1f %10.4f %10.3f %10.1f\n", workload.c_str(), algorithm.c_str(),
              static_cast<unsigned long long>(f.completed), f.wall_s, static_cast<unsigned long long>(f.events),
              static_cast<double>(f.events) / f.wall_s, ns_per_event, 1e9 * f.wall_s / static_cast<double>(f.completed),
              f.mean_s, f.p99_s, run.peak_mib);
  return ns_per_event;
}

void print_w3_row(const std::string& algorithm, const ChildRun& run, const ChildRun& w1)
{
  const double ns_per_event = print_row("W3", algorithm, run);
  const double w1_ns_per_event = 1e9 * w1.figures.wall_s / static_cast<double>(w1.figures.events);
  if (ns_per_event == 0) return;
  std::printf("     W3 / W1 time per event %.2f; process CPU %.2f s (W1 %.2f s); busiest server's utilization %.3f; "
              "%llu requests in flight at the end\n", ns_per_event / w1_ns_per_event, run.cpu_s, w1.cpu_s,
              run.figures.busiest_utilization, static_cast<unsigned long long>(run.figures.in_flight));
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
  const ChildRun w1 =
      run_in_child(w1_scenario("round_robin", options.servers, options.requests, options.load), out_root + "/W1");
  if (print_row("W1", "round_robin", w1) == 0) return 1;

  double last_peak_mib = 0;
  for (const std::string& algorithm : algorithms) {
    const ChildRun run = run_in_child(w3_scenario(algorithm, size, options.requests), out_root + "/W3-" + algorithm);
    print_w3_row(algorithm, run, w1);
    last_peak_mib = run.peak_mib;
  }
  if (options.memory_requests > 0) {
    const ChildRun run = run_in_child(w3_scenario(algorithms.back(), size, options.memory_requests), out_root + "/memory-W3");
    print_w3_row(algorithms.back(), run, w1);
    std::printf("memory W3 %s: peak RSS %.1f MiB after %llu requests, %.1f MiB after %llu requests (%+.1f%%)\n",
                algorithms.back().c_str(), last_peak_mib, static_cast<unsigned long long>(options.requests), run.peak_mib,
                static_cast<unsigned long long>(run.figures.completed), 100.0 * (run.peak_mib - last_peak_mib) / last_peak_mib);
  }
  return 0;
}

}  // namespace lbsim::cli
