// Topology (routes by latency, errors naming the node) and the TCP rate bounds.
#include "models/network/tcp_bounds.hpp"
#include "models/network/topology.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>

using namespace lbsim;
using namespace lbsim::models;
using engine::milliseconds;

namespace {

LinkSpec link(const char* a, const char* b, int64_t latency_ms, double loss = 0)
{
  return LinkSpec{a, b, 100e6, milliseconds(latency_ms), loss};
}

// Links 0..4 become directed links 2i (a -> b) and 2i + 1 (b -> a).
Topology world()
{
  return Topology({"tokyo", "frankfurt", "lb", "web-1", "web-2", "isolated"},
                  {link("tokyo", "lb", 100), link("frankfurt", "lb", 30), link("lb", "web-1", 1),
                   link("lb", "web-2", 1), link("tokyo", "frankfurt", 200)});
}

}  // namespace

TEST_CASE("Topology: every link is two directed links with the full bandwidth", "[network]")
{
  const Topology t = world();
  CHECK(t.node_count() == 6);
  REQUIRE(t.link_count() == 10);
  CHECK(t.link(0).from == *t.find_node("tokyo"));
  CHECK(t.link(0).to == *t.find_node("lb"));
  CHECK(t.link(1).from == *t.find_node("lb"));
  CHECK(t.link(1).to == *t.find_node("tokyo"));
  CHECK(t.bandwidths_bps() == std::vector<double>(10, 100e6));
  CHECK_FALSE(t.find_node("tokio"));
}

TEST_CASE("Topology: routes are shortest by latency", "[network]")
{
  const Topology t = world();
  const RouteResult tokyo = t.route("tokyo", "web-1");
  REQUIRE(tokyo.ok());
  CHECK(tokyo.route->links == std::vector<LinkId>{0, 4});
  CHECK(tokyo.route->latency == milliseconds(101));

  const RouteResult frankfurt = t.route("frankfurt", "web-2");
  REQUIRE(frankfurt.ok());
  CHECK(frankfurt.route->links == std::vector<LinkId>{2, 6});
  CHECK(frankfurt.route->latency == milliseconds(31));

  // The direct link (200 ms) loses to the path through the balancer (130 ms).
  const RouteResult across = t.route("tokyo", "frankfurt");
  REQUIRE(across.ok());
  CHECK(across.route->links == std::vector<LinkId>{0, 3});
  CHECK(across.route->latency == milliseconds(130));

  const RouteResult back = t.route("web-1", "tokyo");
  REQUIRE(back.ok());
  CHECK(back.route->links == std::vector<LinkId>{5, 1});

  const RouteResult self = t.route("lb", "lb");
  REQUIRE(self.ok());
  CHECK(self.route->links.empty());
  CHECK(self.route->latency == milliseconds(0));
}

TEST_CASE("Topology: ties go to fewer hops, then to the lowest link id", "[network]")
{
  const Topology square({"a", "b", "c", "d"},
                        {link("a", "c", 10), link("c", "d", 10), link("a", "b", 10), link("b", "d", 10)});
  const RouteResult r = square.route("a", "d");
  REQUIRE(r.ok());
  CHECK(r.route->links == std::vector<LinkId>{0, 2});  // via c: c -> d is link 2, b -> d is link 6

  const Topology with_direct({"a", "b", "c", "d"}, {link("a", "c", 10), link("c", "d", 10), link("a", "d", 20)});
  const RouteResult direct = with_direct.route("a", "d");
  REQUIRE(direct.ok());
  CHECK(direct.route->links == std::vector<LinkId>{4});
}

TEST_CASE("Topology: an unreachable or unknown node is an error that names it", "[network]")
{
  const Topology t = world();
  const RouteResult unreachable = t.route("tokyo", "isolated");
  CHECK_FALSE(unreachable.ok());
  CHECK(unreachable.node == "isolated");
  CHECK(unreachable.error == "no network path from 'tokyo' to 'isolated'");

  const RouteResult unknown = t.route("tokio", "lb");
  CHECK_FALSE(unknown.ok());
  CHECK(unknown.node == "tokio");
  CHECK(unknown.error == "unknown network node 'tokio'");
}

TEST_CASE("Topology: bad input is refused with the culprit named", "[network]")
{
  CHECK_THROWS_WITH(Topology({"a"}, {link("a", "b", 1)}), "network link to unknown node 'b'");
  CHECK_THROWS_AS(Topology({"a", "a"}, {}), std::invalid_argument);
  CHECK_THROWS_AS(Topology({"a", "b"}, {LinkSpec{"a", "b", 0, milliseconds(1), 0}}), std::invalid_argument);
  CHECK_THROWS_AS(Topology({"a", "b"}, {link("a", "b", 1, 1.0)}), std::invalid_argument);
  CHECK_THROWS_AS(Topology({"a", "b"}, {link("a", "a", 1)}), std::invalid_argument);
}

TEST_CASE("Topology: a route's loss combines its links' losses", "[network]")
{
  const Topology t({"a", "b", "c"}, {link("a", "b", 5, 0.01), link("b", "c", 5, 0.02)});
  const RouteResult r = t.route("a", "c");
  REQUIRE(r.ok());
  CHECK(r.route->loss == Approx(1 - 0.99 * 0.98));
}

TEST_CASE("tcp_rate_cap_bps: the window bound is window / RTT", "[network]")
{
  // 64 KiB over a 200 ms round trip: 65536 * 8 / 0.2 = 2,621,440 bit/s.
  CHECK(tcp_rate_cap_bps(65536, milliseconds(200), 0) == Approx(2'621'440.0).epsilon(1e-12));
}

TEST_CASE("tcp_rate_cap_bps: the Mathis bound is MSS * C / (RTT * sqrt(p)), C = sqrt(3/2)", "[network]")
{
  CHECK(kMathisConstant == Approx(std::sqrt(1.5)).epsilon(1e-15));
  // 1460 B segments, 100 ms RTT, 1% loss: 11680 * 1.2247 / (0.1 * 0.1) = 1,430,502 bit/s.
  const double mathis = 1460 * 8 * std::sqrt(1.5) / (0.1 * 0.1);
  CHECK(tcp_rate_cap_bps(0, milliseconds(100), 0.01) == Approx(mathis).epsilon(1e-12));
  CHECK(tcp_rate_cap_bps(0, milliseconds(100), 0.01) == Approx(1'430'502).epsilon(1e-6));
  // With a window too, the smaller bound wins.
  CHECK(tcp_rate_cap_bps(65536, milliseconds(100), 0.01) == Approx(mathis).epsilon(1e-12));
  CHECK(tcp_rate_cap_bps(8192, milliseconds(100), 0.01) == Approx(8192 * 8 / 0.1).epsilon(1e-12));
  CHECK(tcp_rate_cap_bps(0, milliseconds(100), 0.01, 9000) == Approx(9000 * 8 * std::sqrt(1.5) / 0.01).epsilon(1e-12));
}

TEST_CASE("tcp_rate_cap_bps: no window and no loss is no bound", "[network]")
{
  CHECK(std::isinf(tcp_rate_cap_bps(0, milliseconds(100), 0)));
  CHECK(std::isinf(tcp_rate_cap_bps(65536, milliseconds(0), 0.01)));
  CHECK_THROWS_AS(tcp_rate_cap_bps(-1, milliseconds(100), 0), std::invalid_argument);
  CHECK_THROWS_AS(tcp_rate_cap_bps(0, milliseconds(100), 1.5), std::invalid_argument);
}

TEST_CASE("Topology: routes_from gives every node's route from one Dijkstra, the same as route()", "[network]")
{
  const Topology t = world();
  const NodeId lb = *t.find_node("lb");
  const std::vector<RouteResult> all = t.routes_from(lb);
  REQUIRE(all.size() == t.node_count());
  for (NodeId to = 0; to < t.node_count(); ++to) {
    INFO(t.node_name(to));
    const RouteResult one = t.route(lb, to);
    CHECK(all[to].ok() == one.ok());
    CHECK(all[to].error == one.error);
    CHECK(all[to].node == one.node);
    if (one.ok()) {
      CHECK(all[to].route->links == one.route->links);
      CHECK(all[to].route->latency == one.route->latency);
      CHECK(all[to].route->loss == one.route->loss);
    }
  }
  CHECK(all[lb].route->links.empty());
  CHECK_FALSE(all[*t.find_node("isolated")].ok());
  CHECK(all[*t.find_node("isolated")].node == "isolated");
  CHECK_THROWS_AS(t.routes_from(99), std::out_of_range);
}
