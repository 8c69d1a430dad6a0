// balancer_pick_bench: the cost of one request to each balancer algorithm alone, against the size of
// the pool, without the rest of the simulation (events, servers, statistics, files).
//
// A request is what the BalancerPool does for it: pick(), the active count's increment and its
// on_active_changed(), and later the decrement, its on_active_changed() and on_response() (the two
// hooks only for an algorithm that declares them, as the pool does). The pool is W1's: `servers`
// servers of weight 1 (or weights 1, 2, 3 in turn with --weights mixed), all eligible, named
// s-1..s-N; 100,000 clients. The load is kept at `load` requests in flight per server: after a
// warm-up, each step completes one request in flight drawn at random (as exponential service times
// would) and dispatches a new one from a client drawn at random, the clock advancing by W1's mean
// gap between arrivals (mean service 1 s). The random draws come from this program's own
// generator, not the balancer's stream.
//
// Printed: ns per request (median of `rounds` timed rounds of at least 0.1 s each) for each
// algorithm and pool size, and the ratio of the largest pool's cost to the smallest's. Time is the
// thread's CPU time, so that other programs on the machine slow the figures less (they still
// share the caches).
//
// Rows: every algorithm with its default options, then weighted_round_robin (classic, fwrr, edf),
// least_response_time (indexed) and least_request (full_scan) beside their defaults.
//
// --max-conns N gives every server max_conns N: a server with N requests in flight is out of
// rotation (on_member_changed) until one completes, as the balancer station does
// (models/balancers/max_conns.hpp). `first` runs with max_conns 1 unless told otherwise: without a
// limit it always picks the first server.
//
// Usage: balancer_pick_bench [--algorithm all|NAME] [--servers 16,1000,10000] [--load 0.5]
//                            [--weights equal|mixed] [--rounds 5] [--min-requests 20000]
//                            [--max-conns N]
#include "models/balancers/algorithms/registry.hpp"
#include "models/balancers/max_conns.hpp"

#include <algorithm>
#include <ctime>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

using namespace lbsim;
using namespace lbsim::models;

namespace {

struct Settings {
  std::string algorithm = "all";
  std::vector<uint32_t> servers = {16, 1000, 10000};
  double load = 0.5;
  bool mixed_weights = false;
  int rounds = 5;
  uint64_t min_requests = 20000;
  uint64_t max_conns = 0;  // 0: none (first: 1)
};

constexpr uint32_t kClients = 100000;

// The bench's own draws (xorshift64*): cheap, and apart from the balancer's stream.
struct Draws {
  uint64_t state = 0x9e3779b97f4a7c15ull;
  uint64_t next()
  {
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 0x2545f4914f6cdd1dull;
  }
  uint32_t below(uint32_t n) { return static_cast<uint32_t>((next() >> 32) * n >> 32); }
};

struct InFlight {
  uint32_t server;
  int64_t dispatched_ns;
};

class Workload {
public:
  Workload(const std::string& algorithm, const std::string& variant, uint32_t servers, const Settings& settings)
      : rng_(1, "bench-balancer"), gap_ns_(static_cast<int64_t>(1e9 / (settings.load * servers))),
        slots_(std::vector<uint64_t>(servers, settings.max_conns ? settings.max_conns : algorithm == "first" ? 1 : 0))
  {
    BalancerRegistry registry;
    register_builtin_balancers(registry);
    BalancerOptions options;
    for (uint32_t i = 0; i < servers; ++i) options.server_names.push_back("s-" + std::to_string(i + 1));
    if (algorithm == "weighted_round_robin") options.variant = variant;
    if (algorithm == "least_response_time") options.selection = variant;
    if (algorithm == "least_request") options.selection_method = variant;
    balancer_ = registry.create(algorithm, options);
    hooks_ = balancer_->per_request_hooks();
    pool_.resize(servers);
    for (uint32_t i = 0; i < servers; ++i) {
      pool_[i].weight = settings.mixed_weights ? static_cast<int>(1 + i % 3) : 1;
      pool_[i].max_conns = static_cast<uint32_t>(settings.max_conns ? settings.max_conns : algorithm == "first" ? 1 : 0);
    }
    balancer_->on_pool_changed(pool_);
    // Fill up to the load, then let the system settle before timing.
    const auto target = std::max<uint32_t>(1, static_cast<uint32_t>(settings.load * servers));
    while (in_flight_.size() < target) dispatch();
    run(2 * uint64_t{servers} + 20000);
  }

  // Completes one request in flight and dispatches one, `requests` times.
  void run(uint64_t requests)
  {
    for (uint64_t r = 0; r < requests; ++r) {
      const uint32_t slot = draws_.below(static_cast<uint32_t>(in_flight_.size()));
      const InFlight done = in_flight_[slot];
      in_flight_[slot] = in_flight_.back();
      in_flight_.pop_back();
      --pool_[done.server].active;
      if (hooks_.active_changes) balancer_->on_active_changed(pool_, done.server);
      track(done.server);
      if (hooks_.responses)
        balancer_->on_response(done.server, engine::SimTime::from_ns(now_ns_ - done.dispatched_ns), engine::SimTime::from_ns(now_ns_));
      dispatch();
    }
  }

private:
  void dispatch()
  {
    now_ns_ += gap_ns_;
    const uint32_t client = draws_.below(kClients);
    // One /24 per client, as `lbsim remap` builds them, so ip_hash tells them apart.
    PickContext context{0x0a000001u + (client << 8), {}, engine::SimTime::from_ns(now_ns_), rng_};
    const ServerChoice chosen = balancer_->pick(pool_, context);
    if (!chosen) {
      std::fprintf(stderr, "balancer_pick_bench: no server chosen\n");
      std::exit(1);
    }
    ++pool_[*chosen].active;
    if (hooks_.active_changes) balancer_->on_active_changed(pool_, *chosen);
    track(*chosen);
    in_flight_.push_back({*chosen, now_ns_});
  }

  // max_conns: a server that became full leaves rotation, one with a free slot again comes back.
  void track(uint32_t server)
  {
    if (!slots_.any() || !slots_.track(server, pool_[server].active) || balancer_->skips_full_members()) return;
    pool_[server].eligible = slots_.eligible(server);
    balancer_->on_member_changed(pool_, server);
  }

  engine::RngStream rng_;
  int64_t gap_ns_;
  MaxConns slots_;
  int64_t now_ns_ = 0;
  std::unique_ptr<Balancer> balancer_;
  Balancer::PerRequestHooks hooks_;
  std::vector<PoolMember> pool_;
  std::vector<InFlight> in_flight_;
  Draws draws_;
};

double thread_seconds()
{
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// ns per request: the median of `rounds` rounds, each at least min_requests requests and 0.1 s.
double measure(const std::string& algorithm, const std::string& variant, uint32_t servers, const Settings& settings)
{
  Workload workload(algorithm, variant, servers, settings);
  std::vector<double> rounds;
  for (int round = 0; round < settings.rounds; ++round) {
    uint64_t requests = 0;
    const double start = thread_seconds();
    double elapsed = 0;
    uint64_t batch = 1000;
    while (requests < settings.min_requests || elapsed < 0.1) {
      workload.run(batch);
      requests += batch;
      elapsed = thread_seconds() - start;
      if (elapsed < 0.01) batch *= 2;
    }
    rounds.push_back(1e9 * elapsed / static_cast<double>(requests));
  }
  std::sort(rounds.begin(), rounds.end());
  return rounds[rounds.size() / 2];
}

[[noreturn]] void usage(const std::string& problem)
{
  std::fprintf(stderr,
               "balancer_pick_bench: %s\nusage: balancer_pick_bench [--algorithm all|NAME] [--servers 16,1000,10000] "
               "[--load 0.5] [--weights equal|mixed] [--rounds 5] [--min-requests 20000] [--max-conns N]\n",
               problem.c_str());
  std::exit(2);
}

Settings parse(int argc, char** argv)
{
  Settings s;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) usage("\"" + flag + "\" needs a value");
    const std::string value = argv[++i];
    char* end = nullptr;
    if (flag == "--algorithm") {
      s.algorithm = value;
    } else if (flag == "--servers") {
      s.servers.clear();
      std::stringstream list(value);
      for (std::string item; std::getline(list, item, ',');) {
        const unsigned long n = std::strtoul(item.c_str(), &end, 10);
        if (item.empty() || *end != '\0' || n < 1 || n > 1000000) usage("--servers wants sizes from 1 to 1,000,000 separated by commas, not \"" + value + "\"");
        s.servers.push_back(static_cast<uint32_t>(n));
      }
    } else if (flag == "--load") {
      s.load = std::strtod(value.c_str(), &end);
      if (*end != '\0' || !(s.load > 0 && s.load <= 10)) usage("--load wants a number in (0, 10], not \"" + value + "\"");
    } else if (flag == "--weights") {
      if (value != "equal" && value != "mixed") usage("--weights wants equal or mixed, not \"" + value + "\"");
      s.mixed_weights = value == "mixed";
    } else if (flag == "--rounds") {
      s.rounds = static_cast<int>(std::strtol(value.c_str(), &end, 10));
      if (*end != '\0' || s.rounds < 1) usage("--rounds wants a positive whole number, not \"" + value + "\"");
    } else if (flag == "--min-requests") {
      s.min_requests = std::strtoull(value.c_str(), &end, 10);
      if (*end != '\0' || s.min_requests < 1) usage("--min-requests wants a positive whole number, not \"" + value + "\"");
    } else if (flag == "--max-conns") {
      s.max_conns = std::strtoull(value.c_str(), &end, 10);
      if (*end != '\0' || value.empty() || value[0] == '-') usage("--max-conns wants a whole number, not \"" + value + "\"");
    } else {
      usage("unknown option \"" + flag + "\"");
    }
  }
  return s;
}

}  // namespace

int main(int argc, char** argv)
{
  const Settings settings = parse(argc, argv);
  std::vector<std::string> algorithms = all_balancer_algorithm_names();
  if (settings.algorithm != "all") {
    if (std::find(algorithms.begin(), algorithms.end(), settings.algorithm) == algorithms.end())
      usage("unknown algorithm \"" + settings.algorithm + "\"");
    algorithms = {settings.algorithm};
  }
  std::printf("ns per request to the balancer alone (pick and hooks), %s weights, %.2f in flight per server, median of %d rounds\n",
              settings.mixed_weights ? "mixed 1,2,3" : "equal", settings.load, settings.rounds);
  std::printf("%-38s", "algorithm");
  for (const uint32_t n : settings.servers) std::printf(" %12s", ("n=" + std::to_string(n)).c_str());
  std::printf(" %10s\n", "ratio");
  // Each algorithm with its default options, and the other variants of those that have them.
  std::vector<std::pair<std::string, std::string>> rows;
  for (const std::string& algorithm : algorithms) {
    rows.push_back({algorithm, ""});
    if (algorithm == "weighted_round_robin") {
      rows.push_back({algorithm, "classic"});
      rows.push_back({algorithm, "fwrr"});
      rows.push_back({algorithm, "edf"});
    }
    if (algorithm == "least_response_time") rows.push_back({algorithm, "indexed"});
    if (algorithm == "least_request") rows.push_back({algorithm, "full_scan"});
  }
  for (const auto& [algorithm, variant] : rows) {
    const std::string label = variant.empty() ? algorithm : algorithm + " (" + variant + ")";
    std::printf("%-38s", label.c_str());
    std::fflush(stdout);
    std::vector<double> costs;
    for (const uint32_t n : settings.servers) {
      costs.push_back(measure(algorithm, variant, n, settings));
      std::printf(" %12.1f", costs.back());
      std::fflush(stdout);
    }
    std::printf(" %10.2f\n", costs.back() / costs.front());
  }
  return 0;
}
