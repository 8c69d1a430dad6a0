// FlowNetwork against definitions: every flow has a bottleneck (max-min fairness), completion
// times agree with a per-flow fluid reference, and the same starts give the same completions.
#include "models/network/flow_network.hpp"
#include "models/network/tcp_bounds.hpp"
#include "tests/models/flow_test_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

using namespace lbsim;
using namespace lbsim::models;
using namespace lbsim::models::test;
using engine::SimTime;

namespace {

std::vector<Done> run_random(uint64_t seed)
{
  Lcg g{seed};
  Net n({50e6, 20e6, 80e6, 10e6});
  n.rec.then = [&](uint64_t tag) {
    if (tag < 200) n.start({static_cast<LinkId>(tag % 4)}, static_cast<double>(1000 + g.next() % 100000), tag + 1000);
  };
  for (RandomFlow& f : random_flows(g, 4, 60))
    n.net.start(f.route, static_cast<double>(1000 + g.next() % 1000000), f.cap, g.next() % 1000);
  n.sim.run();
  return n.rec.done;
}

}  // namespace

TEST_CASE("FlowNetwork: rates are max-min fair (every flow has a bottleneck)", "[network]")
{
  const std::vector<double> bw{50e6, 20e6, 80e6, 10e6, 35e6};
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    Lcg g{seed};
    Net n(bw);
    std::vector<RandomFlow> flows = random_flows(g, bw.size(), 3 + g.next() % 25);
    for (size_t i = 0; i < flows.size(); ++i) flows[i].id = n.net.start(flows[i].route, kMB, flows[i].cap, i);
    std::vector<double> load(bw.size(), 0), top(bw.size(), 0);
    for (const RandomFlow& f : flows) {
      const double r = n.net.rate_bps(f.id);
      REQUIRE(r > 0);
      REQUIRE(r <= f.cap * (1 + 1e-12));
      for (LinkId l : f.route) {
        load[l] += r;
        top[l] = std::max(top[l], r);
      }
    }
    for (size_t l = 0; l < bw.size(); ++l) REQUIRE(load[l] <= bw[l] * (1 + 1e-9));
    // Max-min: a flow below its cap crosses a full link on which no flow is faster.
    for (const RandomFlow& f : flows) {
      const double r = n.net.rate_bps(f.id);
      if (r >= f.cap * (1 - 1e-12)) continue;
      bool bottleneck = false;
      for (LinkId l : f.route) bottleneck |= load[l] >= bw[l] * (1 - 1e-9) && r >= top[l] * (1 - 1e-9);
      INFO("seed " << seed);
      REQUIRE(bottleneck);
    }
  }
}

TEST_CASE("FlowNetwork: the same starts give the same completions", "[network]")
{
  const std::vector<Done> first = run_random(42);
  CHECK(first.size() > 60);
  CHECK(run_random(42) == first);
  CHECK(run_random(43) != first);
}

namespace {

// A per-flow fluid reference: textbook progressive filling over individual flows, re-solved at
// every start and finish, in continuous (double) time.
struct RefFlow {
  std::vector<LinkId> route;
  double cap;
  double bytes;
  int64_t start_ns;
};

std::vector<double> reference_rates(const std::vector<double>& bw, const std::vector<RefFlow>& flows,
                                    const std::vector<size_t>& active)
{
  std::vector<double> rate(flows.size(), 0), rem = bw;
  std::vector<char> frozen(flows.size(), 1);
  for (size_t i : active) frozen[i] = 0;
  for (;;) {
    double inc = kUnlimitedRate;
    std::vector<int> n(bw.size(), 0);
    bool any = false;
    for (size_t i : active)
      if (!frozen[i]) {
        any = true;
        inc = std::min(inc, flows[i].cap - rate[i]);
        for (LinkId l : flows[i].route) ++n[l];
      }
    if (!any) return rate;
    for (size_t l = 0; l < bw.size(); ++l)
      if (n[l]) inc = std::min(inc, rem[l] / n[l]);
    for (size_t i : active)
      if (!frozen[i]) {
        rate[i] += inc;
        for (LinkId l : flows[i].route) rem[l] -= inc;
      }
    for (size_t i : active) {
      bool full = rate[i] >= flows[i].cap * (1 - 1e-12);
      for (LinkId l : flows[i].route) full |= rem[l] <= bw[l] * 1e-12;
      if (full) frozen[i] = 1;
    }
  }
}

std::vector<double> reference_finish_s(const std::vector<double>& bw, const std::vector<RefFlow>& flows)
{
  std::vector<double> finish(flows.size(), -1), left(flows.size());
  for (size_t i = 0; i < flows.size(); ++i) left[i] = flows[i].bytes * 8;
  std::vector<size_t> active;
  size_t next = 0;  // flows are sorted by start
  double t = 0;
  while (next < flows.size() || !active.empty()) {
    while (next < flows.size() && flows[next].start_ns * 1e-9 <= t) active.push_back(next++);
    const std::vector<double> rate = reference_rates(bw, flows, active);
    double dt = next < flows.size() ? flows[next].start_ns * 1e-9 - t : kUnlimitedRate;
    for (size_t i : active) dt = std::min(dt, left[i] / rate[i]);
    t += dt;
    for (size_t i : active) left[i] -= rate[i] * dt;
    std::erase_if(active, [&](size_t i) {
      if (left[i] > flows[i].bytes * 8 * 1e-12) return false;
      finish[i] = t;
      return true;
    });
  }
  return finish;
}

}  // namespace

TEST_CASE("FlowNetwork: completion times match a per-flow fluid reference", "[network]")
{
  const std::vector<double> bw{50e6, 20e6, 80e6, 10e6};
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    Lcg g{seed * 7919};
    std::vector<RefFlow> flows;
    int64_t at = 0;
    for (RandomFlow& f : random_flows(g, bw.size(), 40)) {
      at += static_cast<int64_t>(g.next() % 50) * 1'000'000;
      flows.push_back({f.route, f.cap, static_cast<double>(1000 + g.next() % 500000), at});
    }
    const std::vector<double> expected = reference_finish_s(bw, flows);
    Net n(bw);
    for (size_t i = 0; i < flows.size(); ++i) {
      n.sim.run_until(SimTime::from_ns(flows[i].start_ns));
      n.net.start(flows[i].route, flows[i].bytes, flows[i].cap, i);
    }
    n.sim.run();
    REQUIRE(n.rec.done.size() == flows.size());
    for (const Done& d : n.rec.done) {
      INFO("seed " << seed << " flow " << d.tag);
      CHECK(static_cast<double>(d.ns) == Approx(expected[d.tag] * 1e9).margin(2));
    }
  }
}
