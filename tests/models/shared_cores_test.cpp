// Processor sharing's virtual-time structure (models/services/shared_cores.hpp) on hand-worked
// examples: exact end times, driven the way Server drives it (one pending end at a time).
#include "models/services/shared_cores.hpp"

#include <catch2/catch.hpp>

#include <map>

using namespace lbsim;
using namespace lbsim::models;
using engine::SimTime;

namespace {
// Runs the structure to empty from `now`, with arrivals (time -> (id, work)) joining on the way;
// returns each id's end time.
std::map<uint32_t, SimTime> run(SharedCores& ps, std::multimap<SimTime, std::pair<uint32_t, double>> arrivals)
{
  std::map<uint32_t, SimTime> ends;
  SimTime now = SimTime::zero();
  while (!ps.empty() || !arrivals.empty()) {
    const bool arrival_first = !arrivals.empty() && (ps.empty() || arrivals.begin()->first <= ps.next_end(now));
    if (arrival_first) {
      now = arrivals.begin()->first;
      ps.add(arrivals.begin()->second.first, arrivals.begin()->second.second, now);
      arrivals.erase(arrivals.begin());
    } else {
      now = ps.next_end(now);
      ends[ps.pop_first(now)] = now;
    }
  }
  return ends;
}
SimTime s(double x) { return SimTime::from_seconds(x); }
}  // namespace

TEST_CASE("processor sharing: 1 s and 3 s together on one core end at 2 s and 4 s", "[ps]")
{
  SharedCores ps(1, 1.0, SimTime::zero());
  const auto ends = run(ps, {{s(0), {7, 1.0}}, {s(0), {8, 3.0}}});
  CHECK(ends.at(7) == s(2));
  CHECK(ends.at(8) == s(4));
}

TEST_CASE("processor sharing: a late arrival slows those in service from its arrival on", "[ps]")
{
  // One core: A (2 s) alone until 1 s (1 s left), then B (0.5 s) shares: both at rate 1/2, B is
  // done at 2 s, A has 0.5 s left and ends at 2.5 s.
  SharedCores ps(1, 1.0, SimTime::zero());
  const auto ends = run(ps, {{s(0), {1, 2.0}}, {s(1), {2, 0.5}}});
  CHECK(ends.at(2) == s(2));
  CHECK(ends.at(1) == s(2.5));
}

TEST_CASE("processor sharing: n <= k gives each a full core, beyond k a share k/n", "[ps]")
{
  // Two cores, three requests of 3 s at once: each at rate 2/3, all done at 4.5 s... the tags
  // are equal, so they end in admission order at the same instant.
  SharedCores ps(2, 1.0, SimTime::zero());
  const auto ends = run(ps, {{s(0), {1, 3.0}}, {s(0), {2, 3.0}}, {s(0), {3, 3.0}}});
  CHECK(ends.at(1) == s(4.5));
  CHECK(ends.at(2) == s(4.5));
  CHECK(ends.at(3) == s(4.5));
  // Two cores, 1 s and 2 s: a full core each (speed 2: half the time).
  SharedCores fast(2, 2.0, SimTime::zero());
  const auto e2 = run(fast, {{s(0), {1, 1.0}}, {s(0), {2, 2.0}}});
  CHECK(e2.at(1) == s(0.5));
  CHECK(e2.at(2) == s(1.0));
  CHECK(fast.busy_cores() == 0);
}

TEST_CASE("processor sharing: a new speed applies from that instant, a removal returns the work done", "[ps]")
{
  SharedCores ps(1, 1.0, SimTime::zero());
  ps.add(1, 4.0, s(0));
  ps.add(2, 4.0, s(0));
  CHECK(ps.busy_cores() == 1);
  CHECK(ps.next_end(s(0)) == s(8));
  // At 2 s each has had 1 s; at speed 0.5 the other 3 s take 12 s (rate 0.25 each).
  ps.set_capacity(1, 0.5, s(2));
  CHECK(ps.next_end(s(2)) == s(14));
  // At 6 s request 2 leaves (cancelled) after 1 + 1 = 2 s of work; request 1 alone at 0.5.
  CHECK(ps.remove(2, 4.0, s(6)) == Approx(2.0));
  CHECK(ps.next_end(s(6)) == s(10));
  CHECK(ps.pop_first(s(10)) == 1);
  CHECK(ps.empty());
}
