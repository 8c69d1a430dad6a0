// FlowNetwork: transfer times, max-min sharing with caps, full duplex, link measurement,
// incremental recomputation. The randomized checks are in flow_reference_test.cpp.
#include "models/network/flow_network.hpp"
#include "models/network/max_min.hpp"
#include "models/network/tcp_bounds.hpp"
#include "models/network/topology.hpp"
#include "tests/models/flow_test_support.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <utility>
#include <vector>

using namespace lbsim;
using namespace lbsim::models;
using namespace lbsim::models::test;
using engine::milliseconds;
using engine::SimTime;

TEST_CASE("FlowNetwork: one transfer takes size / bandwidth, to the nanosecond", "[network]")
{
  Net n({100e6});
  n.start({0}, kMB, 1);
  CHECK(n.net.rate_bps(1) == 0);  // not a flow id
  n.sim.run();
  REQUIRE(n.rec.done.size() == 1);
  CHECK(n.rec.done[0] == Done{1, 80'000'000});  // 8e6 bits / 1e8 bit/s = 80 ms exactly

  // The caller adds the route's one-way latency: over a 20 ms link the response is complete at
  // 20 ms + 80 ms.
  const Topology t({"client", "lb"}, {LinkSpec{"client", "lb", 100e6, milliseconds(20), 0}});
  const Route r = *t.route("client", "lb").route;
  CHECK(r.latency + SimTime::from_ns(n.rec.done[0].ns) == milliseconds(100));
}

TEST_CASE("FlowNetwork: a transfer's end rounds up to the next nanosecond", "[network]")
{
  Net n({3e6});
  n.start({0}, 1000, 7);  // 8000 bits at 3 Mbit/s = 2,666,666.67 ns
  n.sim.run();
  REQUIRE(n.rec.done.size() == 1);
  CHECK(n.rec.done[0].ns == 2'666'667);
}

TEST_CASE("FlowNetwork: N equal flows on one link each get 1/N", "[network]")
{
  Net n({100e6});
  std::vector<FlowId> ids;
  for (uint64_t i = 0; i < 4; ++i) ids.push_back(n.start({0}, kMB, i));
  for (FlowId id : ids) CHECK(n.net.rate_bps(id) == 25e6);
  CHECK(n.net.load_bps(0) == 100e6);
  CHECK(n.net.flows_on(0) == 4);
  CHECK(n.net.active_classes() == 1);
  n.sim.run();
  REQUIRE(n.rec.done.size() == 4);
  for (uint64_t i = 0; i < 4; ++i) CHECK(n.rec.done[i] == Done{i, 320'000'000});
}

TEST_CASE("FlowNetwork: when a flow ends the others speed up", "[network]")
{
  Net n({100e6});
  n.start({0}, kMB, 1);
  const FlowId big = n.start({0}, 2 * kMB, 2);
  n.sim.run_until(milliseconds(100));
  CHECK(n.net.remaining_bytes(big) == Approx(2 * kMB - 50e6 / 8 * 0.1));
  n.sim.run();
  // Both at 50 Mbit/s until the small one ends at 160 ms; the last 1 MB then goes at 100 Mbit/s.
  REQUIRE(n.rec.done.size() == 2);
  CHECK(n.rec.done[0] == Done{1, 160'000'000});
  CHECK(n.rec.done[1] == Done{2, 240'000'000});
  CHECK(n.net.active_flows() == 0);
  CHECK(n.net.active_classes() == 0);
}

TEST_CASE("FlowNetwork: the textbook max-min example with two links and three flows", "[network]")
{
  Net n({10e6, 20e6});
  const FlowId a = n.start({0, 1}, kMB, 1);
  const FlowId b = n.start({0}, kMB, 2);
  const FlowId c = n.start({1}, kMB, 3);
  CHECK(n.net.rate_bps(a) == 5e6);
  CHECK(n.net.rate_bps(b) == 5e6);
  CHECK(n.net.rate_bps(c) == 15e6);
  CHECK(n.net.load_bps(0) == 10e6);
  CHECK(n.net.load_bps(1) == 20e6);
}

TEST_CASE("FlowNetwork: a rate cap binds and the others share what it leaves", "[network]")
{
  Net n({30e6});
  const FlowId capped = n.start({0}, 0.5 * kMB, 1, 4e6);
  const FlowId x = n.start({0}, 10 * kMB, 2);
  const FlowId y = n.start({0}, 10 * kMB, 3);
  CHECK(n.net.rate_bps(capped) == 4e6);
  CHECK(n.net.rate_bps(x) == 13e6);
  CHECK(n.net.rate_bps(y) == 13e6);
  n.sim.run_until(SimTime::from_ns(1'000'000'000));  // the capped one ends at 4e6 bits / 4e6 = 1 s
  REQUIRE(n.rec.done.size() == 1);
  CHECK(n.rec.done[0] == Done{1, 1'000'000'000});
  CHECK(n.net.rate_bps(x) == 15e6);
  CHECK(n.net.rate_bps(y) == 15e6);
}

TEST_CASE("FlowNetwork: caps above the fair share do not bind", "[network]")
{
  Net n({30e6});
  const FlowId a = n.start({0}, kMB, 1, 50e6);
  const FlowId b = n.start({0}, kMB, 2, 12e6);
  CHECK(n.net.rate_bps(a) == 18e6);
  CHECK(n.net.rate_bps(b) == 12e6);
}

TEST_CASE("FlowNetwork: the TCP window bounds a lone transfer", "[network]")
{
  Net n({100e6});
  const double cap = tcp_rate_cap_bps(65536, milliseconds(200), 0);  // 2.62 Mbit/s
  const FlowId id = n.start({0}, 65536, 1, cap);
  CHECK(n.net.rate_bps(id) == cap);
  n.sim.run();
  REQUIRE(n.rec.done.size() == 1);
  CHECK(n.rec.done[0].ns == 200'000'000);  // one window per round trip
}

TEST_CASE("FlowNetwork: the hand-checked example of docs/network.md", "[network]")
{
  const SimTime latency = milliseconds(20);
  {
    Net n({100e6});
    n.start({0}, kMB, 1);
    n.start({0}, 2 * kMB, 2);
    n.sim.run_until(milliseconds(300));
    REQUIRE(n.rec.done == std::vector<Done>{{1, 160'000'000}, {2, 240'000'000}});
    CHECK(latency + SimTime::from_ns(n.rec.done[0].ns) == milliseconds(180));
    CHECK(latency + SimTime::from_ns(n.rec.done[1].ns) == milliseconds(260));
    CHECK(n.net.bytes_carried(0, n.sim.now()) == Approx(3 * kMB));
    CHECK(n.net.throughput_bps(0, n.sim.now()) == Approx(80e6));
    CHECK(n.net.utilization(0, n.sim.now()) == Approx(0.8));
  }
  {
    Net n({100e6});
    const double cap = tcp_rate_cap_bps(65536, milliseconds(40), 0);
    CHECK(cap == Approx(13'107'200.0).epsilon(1e-12));
    n.start({0}, kMB, 1, cap);
    n.start({0}, 2 * kMB, 2, cap);
    n.sim.run();
    CHECK(n.rec.done == std::vector<Done>{{1, 610'351'563}, {2, 1'220'703'125}});
  }
}

TEST_CASE("FlowNetwork: links are full duplex", "[network]")
{
  const Topology t({"a", "b"}, {LinkSpec{"a", "b", 100e6, milliseconds(1), 0}});
  Net n(t.bandwidths_bps());
  const FlowId up = n.net.start(t.route("a", "b").route->links, kMB, kUnlimitedRate, 1);
  const FlowId down = n.net.start(t.route("b", "a").route->links, kMB, kUnlimitedRate, 2);
  CHECK(n.net.rate_bps(up) == 100e6);
  CHECK(n.net.rate_bps(down) == 100e6);
  n.sim.run();
  CHECK(n.rec.done == std::vector<Done>{{1, 80'000'000}, {2, 80'000'000}});
}

TEST_CASE("FlowNetwork: link bytes, throughput and utilization over a window", "[network]")
{
  Net n({100e6, 100e6});
  n.start({0}, kMB, 1);
  n.sim.run_until(milliseconds(40));
  CHECK(n.net.bytes_carried(0, n.sim.now()) == Approx(0.5 * kMB));
  CHECK(n.net.utilization(0, n.sim.now()) == Approx(1.0));
  n.sim.run_until(milliseconds(160));
  CHECK(n.net.bytes_carried(0, n.sim.now()) == Approx(kMB));
  CHECK(n.net.throughput_bps(0, n.sim.now()) == Approx(50e6));
  CHECK(n.net.utilization(0, n.sim.now()) == Approx(0.5));
  // Link 1 was never used.
  CHECK(n.net.bytes_carried(1, n.sim.now()) == 0);
  CHECK(n.net.throughput_bps(1, n.sim.now()) == 0);
  CHECK(n.net.utilization(1, n.sim.now()) == 0);

  n.net.reset_measurement(n.sim.now());
  CHECK(n.net.bytes_carried(0, n.sim.now()) == 0);
  CHECK(n.net.utilization(0, n.sim.now()) == 0);
  n.start({0}, kMB, 2, 25e6);
  n.sim.run_until(milliseconds(560));
  CHECK(n.net.bytes_carried(0, n.sim.now()) == Approx(kMB));
  CHECK(n.net.utilization(0, n.sim.now()) == Approx(0.2));  // 25 Mbit/s for 320 of 400 ms
}

TEST_CASE("FlowNetwork: a start re-solves only the component it touches", "[network]")
{
  Net n({10e6, 10e6, 10e6});
  n.start({0}, kMB, 1);
  n.start({0, 1}, kMB, 2);
  n.start({2}, kMB, 3);
  const FlowNetworkStats before = n.net.stats();
  n.start({2}, kMB, 4, 1e6);  // a new class on link 2 only
  CHECK(n.net.stats().recomputes == before.recomputes + 1);
  CHECK(n.net.stats().links_solved == before.links_solved + 1);
  CHECK(n.net.stats().classes_solved == before.classes_solved + 2);
  // Flows with the same route and cap are one class: 1000 more flows cost the solver nothing more.
  for (uint64_t i = 0; i < 1000; ++i) n.start({0}, kMB, 100 + i);
  CHECK(n.net.active_classes() == 4);
  CHECK(n.net.stats().classes_solved - before.classes_solved == 2 + 1000 * 2);
}

TEST_CASE("FlowNetwork: an idle class keeps its component: a new route joins it in place", "[network]")
{
  Net n({10e6, 10e6, 10e6});
  const FlowId a = n.start({0, 1}, 10 * kMB, 1);
  n.start({1, 2}, 1000, 2);  // joins a's and c's links into one component
  const FlowId c = n.start({2}, 10 * kMB, 3);
  CHECK(n.net.rate_bps(a) == 5e6);
  CHECK(n.net.rate_bps(c) == 5e6);
  n.sim.run_until(milliseconds(10));  // the small one ends at 1.6 ms; its class stays, idle
  REQUIRE(n.rec.done.size() == 1);
  CHECK(n.net.rate_bps(a) == 10e6);
  CHECK(n.net.rate_bps(c) == 10e6);
  CHECK(n.net.active_classes() == 2);
  CHECK(n.net.idle_classes() == 1);
  FlowNetworkStats before = n.net.stats();
  n.start({2}, kMB, 4);  // c's class: the component (3 classes, one idle) is re-solved, not rebuilt
  CHECK(n.net.stats().classes_solved == before.classes_solved + 3);
  CHECK(n.net.stats().links_solved == before.links_solved + 3);
  CHECK(n.net.stats().components_built == before.components_built);
  before = n.net.stats();
  n.start({0, 1, 2}, kMB, 5);  // a new class, appended to the component
  CHECK(n.net.stats().classes_solved == before.classes_solved + 4);
  CHECK(n.net.stats().components_built == before.components_built);
  CHECK(n.net.rate_bps(c) == Approx(10e6 / 3));  // link 2 now carries three flows
  CHECK(n.net.rate_bps(a) == Approx(20e6 / 3));  // and a takes what the new one leaves on link 0
}

TEST_CASE("FlowNetwork: components merge, and split when idle classes are dropped", "[network]")
{
  Net n({10e6, 10e6, 10e6, 10e6});
  const FlowId left = n.start({0}, 100 * kMB, 1);
  const FlowId right = n.start({2}, 100 * kMB, 2);
  const uint64_t built = n.net.stats().components_built;
  n.start({0, 1, 2}, 1000, 3);  // bridges two components: they merge
  CHECK(n.net.stats().components_built == built + 1);
  CHECK(n.net.rate_bps(left) == 5e6);
  // Many short transfers, each with its own cap, leave many idle classes behind; once they
  // outnumber the active ones by kIdleClassesKept they are dropped and the bridge goes with them.
  for (uint64_t i = 0; i < FlowNetwork::kIdleClassesKept + 10; ++i)
    n.start({3}, 1000, 100 + i, 1e6 + static_cast<double>(i));
  n.sim.run_until(milliseconds(2000));  // ~1034 flows of 8000 bits share 10 Mbit/s: under 1 s
  CHECK(n.net.stats().classes_collected > FlowNetwork::kIdleClassesKept);
  CHECK(n.net.idle_classes() < 10);
  CHECK(n.net.rate_bps(left) == 10e6);
  CHECK(n.net.rate_bps(right) == 10e6);
  const FlowNetworkStats before = n.net.stats();
  n.start({0}, kMB, 4);
  CHECK(n.net.stats().classes_solved == before.classes_solved + 1);  // left's component only
  CHECK(n.net.rate_bps(left) == 5e6);
  CHECK(n.net.rate_bps(right) == 10e6);
}

TEST_CASE("MaxMinSolver: classes appended one by one solve as if built at once", "[network]")
{
  // Links 0 (10) and 1 (20); classes: A over both, B over 0, C over 1 capped at 4, D idle over 1.
  const std::vector<std::pair<double, std::vector<uint32_t>>> classes{
      {kUnlimitedRate, {0, 1}}, {kUnlimitedRate, {0}}, {4e6, {1}}, {1e6, {1}}};
  MaxMinProblem bulk;
  bulk.clear();
  bulk.add_link(10e6);
  bulk.add_link(20e6);
  for (const auto& [cap, links] : classes) {
    bulk.add_class(cap);
    for (uint32_t l : links) bulk.add_route_link(l);
  }
  bulk.prepare();
  MaxMinProblem grown;
  grown.clear();
  grown.add_link(10e6);
  grown.add_link(20e6);
  grown.prepare();
  for (const auto& [cap, links] : classes) grown.append_class(cap, links);
  bulk.weight = grown.weight = {1, 1, 2, 0};
  MaxMinSolver solver;
  std::vector<double> a, b;
  solver.solve(bulk, a);
  solver.solve(grown, b);
  CHECK(a == std::vector<double>{5e6, 5e6, 4e6, 0});
  CHECK(b == a);
}

TEST_CASE("FlowNetwork: an aborted flow frees its share and is not reported", "[network]")
{
  Net n({100e6});
  const FlowId a = n.start({0}, kMB, 1);
  const FlowId b = n.start({0}, kMB, 2);
  n.sim.run_until(milliseconds(80));  // 0.5 MB each
  CHECK(n.net.abort(a));
  CHECK_FALSE(n.net.abort(a));
  CHECK_FALSE(n.net.active(a));
  CHECK(n.net.rate_bps(b) == 100e6);
  n.sim.run();
  CHECK(n.rec.done == std::vector<Done>{{2, 120'000'000}});
}

TEST_CASE("FlowNetwork: zero bytes or an empty route finish at once, after start returns", "[network]")
{
  Net n({100e6});
  n.start({0}, 0, 1);
  n.start({}, kMB, 2);
  n.start({}, kMB, 3, 8e6);  // no link, but a cap: 1 s
  CHECK(n.rec.done.empty());
  n.sim.run();
  CHECK(n.rec.done == std::vector<Done>{{1, 0}, {2, 0}, {3, 1'000'000'000}});
}

TEST_CASE("FlowNetwork: the listener may start flows when told", "[network]")
{
  Net n({100e6});
  int chained = 0;
  n.rec.then = [&](uint64_t tag) {
    if (tag < 3) {
      ++chained;
      n.start({0}, kMB, tag + 1);
    }
  };
  n.start({0}, kMB, 0);
  n.sim.run();
  CHECK(chained == 3);
  CHECK(n.rec.done == std::vector<Done>{{0, 80'000'000}, {1, 160'000'000}, {2, 240'000'000}, {3, 320'000'000}});
}

TEST_CASE("FlowNetwork: invalid starts are refused", "[network]")
{
  Net n({100e6});
  CHECK_THROWS_AS(n.start({1}, kMB, 1), std::invalid_argument);
  CHECK_THROWS_AS(n.start({0}, -1, 1), std::invalid_argument);
  CHECK_THROWS_AS(n.start({0}, kMB, 1, 0), std::invalid_argument);
}
