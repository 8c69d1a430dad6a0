// flow_network_bench: FlowNetwork under 10,000 concurrent flows.
//
// Each scenario starts `flows` transfers at time 0; each of the first `completions` completions
// starts a replacement (an arrival), then the transfers still in flight drain. Reported: events the engine ran,
// flow events (starts + finishes), wall time, wall time per flow event, and the solver's work per
// recomputation (classes and links in the touched component).
//
//   star            10,000 flows on one 20 Gbit/s link, no caps: one class
//   star-mixed-caps the same with four caps (1, 2, 5, 50 Mbit/s; two bind): four classes
//   fleet           4 client regions -> balancer -> 50 servers, 200 routes of two links: one
//                   component of 54 links and 200 classes
//   star-distinct   every flow its own cap, so every flow is its own class: the worst case
//                   (run for completions / 200)
//
// Usage: flow_network_bench [completions (default 1,000,000)] [scenario name] [flows (default 10,000)]
//
// Build (from the repository root):
//   g++ -std=c++20 -O2 -ffp-contract=off -I. bench/flow_network_bench.cpp models/network/*.cpp
//       engine/*.cpp -o /tmp/flow_network_bench
#include "engine/simulation.hpp"
#include "models/network/flow_network.hpp"
#include "models/network/tcp_bounds.hpp"

#include <chrono>
#include <ctime>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

using namespace lbsim;
using namespace lbsim::models;

namespace {

struct Lcg {
  uint64_t s;
  uint64_t next() { return (s = s * 6364136223846793005ull + 1442695040888963407ull) >> 33; }
};

struct Scenario {
  std::string name;
  std::vector<double> bandwidths;
  uint64_t flows;
  uint64_t completions;
  // Route and cap of the i-th flow started.
  std::function<void(uint64_t i, Lcg& g, std::vector<LinkId>& route, double& cap)> pick;
};

class Driver final : public FlowListener {
public:
  Driver(const Scenario& s) : scenario_(s), net_(sim_, *this, s.bandwidths) {}

  void run()
  {
    const auto t0 = std::chrono::steady_clock::now();
    const std::clock_t c0 = std::clock();
    for (uint64_t i = 0; i < scenario_.flows; ++i) start_one();
    sim_.run();
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double cpu = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
    const FlowNetworkStats& st = net_.stats();
    const uint64_t flow_events = st.starts + st.finishes;
    const double events = static_cast<double>(flow_events);
    std::printf("%-16s %6llu flows  %8llu done  %8llu engine events  %8llu flow events  wall %7.3f s  cpu %7.3f s"
                "  %8.0f ns/flow event (cpu)\n",
                scenario_.name.c_str(), static_cast<unsigned long long>(scenario_.flows),
                static_cast<unsigned long long>(st.finishes), static_cast<unsigned long long>(sim_.events_processed()),
                static_cast<unsigned long long>(flow_events), wall, cpu, cpu * 1e9 / events);
    std::printf("%-16s per solve: %.1f classes, %.1f links;  per flow event: %.2f solves, %.2f rate changes, "
                "%.3f rebuilds, %.2f reschedules;  simulated %.1f s;  digest %016llx\n",
                "", static_cast<double>(st.classes_solved) / static_cast<double>(st.recomputes),
                static_cast<double>(st.links_solved) / static_cast<double>(st.recomputes),
                static_cast<double>(st.recomputes) / events, static_cast<double>(st.rate_changes) / events,
                static_cast<double>(st.components_built) / events, static_cast<double>(st.reschedules) / events,
                sim_.now().seconds(), static_cast<unsigned long long>(digest_));
  }

  void on_flow_done(uint64_t tag) override
  {
    digest_ = (digest_ ^ tag ^ (static_cast<uint64_t>(sim_.now().ns()) << 20)) * 1099511628211ull;  // FNV-style
    if (++finished_ <= scenario_.completions) start_one();
  }

private:
  void start_one()
  {
    double cap = kUnlimitedRate;
    scenario_.pick(started_, rng_, route_, cap);
    const double bytes = static_cast<double>(10'000 + rng_.next() % 990'000);  // 10 KB .. 1 MB
    net_.start(route_, bytes, cap, started_++);
  }

  const Scenario& scenario_;
  engine::Simulation sim_;
  FlowNetwork net_;
  Lcg rng_{12345};
  uint64_t started_ = 0;
  uint64_t finished_ = 0;
  uint64_t digest_ = 14695981039346656037ull;  // of (tag, time) of every completion: same run, same digest
  std::vector<LinkId> route_;
};

}  // namespace

int main(int argc, char** argv)
{
  const uint64_t completions = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
  const uint64_t flows = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 10'000;
  std::vector<Scenario> scenarios;
  scenarios.push_back({"star", {20e9}, flows, completions, [](uint64_t, Lcg&, std::vector<LinkId>& r, double&) {
                         r.assign(1, 0);
                       }});
  scenarios.push_back({"star-mixed-caps", {20e9}, flows, completions,
                       [](uint64_t i, Lcg&, std::vector<LinkId>& r, double& cap) {
                         static constexpr double kCaps[] = {1e6, 2e6, 5e6, 50e6};
                         r.assign(1, 0);
                         cap = kCaps[i % 4];
                       }});
  // Links 0..3: region -> balancer; 4..53: balancer -> server.
  scenarios.push_back({"fleet", std::vector<double>(54, 1e9), flows, completions,
                       [](uint64_t, Lcg& g, std::vector<LinkId>& r, double& cap) {
                         const auto region = static_cast<LinkId>(g.next() % 4);
                         r.assign({region, static_cast<LinkId>(4 + g.next() % 50)});
                         cap = tcp_rate_cap_bps(65536, engine::milliseconds(20 + 40 * region), 0);
                       }});
  scenarios.push_back({"star-distinct", {20e9}, flows, completions / 200,
                       [](uint64_t, Lcg& g, std::vector<LinkId>& r, double& cap) {
                         r.assign(1, 0);
                         cap = 1e6 + static_cast<double>(g.next() % 10'000'000);
                       }});
  for (const Scenario& s : scenarios)
    if (argc <= 2 || s.name == argv[2]) Driver(s).run();
  return 0;
}
