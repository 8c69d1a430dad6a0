#include "engine/fingerprint.hpp"
#include "engine/simulation.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>
#include <thread>
#include <vector>

using namespace lbsim::engine;

namespace {
// Reschedules itself every `period` and records when it ran.
struct Ticker final : EventHandler {
  Simulation& sim;
  HandlerId id;
  SimTime period;
  std::vector<SimTime> seen;
  Ticker(Simulation& s, SimTime p) : sim(s), id(s.add_handler(*this)), period(p) {}
  void handle(const Event& e) override
  {
    seen.push_back(sim.now());
    sim.schedule_in(period, id, 0, e.arg + 1);
  }
};

uint64_t run_tickers(int n_events, int64_t second_period_ms = 7)
{
  Simulation sim;
  FingerprintObserver fp;
  sim.add_observer(fp);
  Ticker a(sim, milliseconds(3)), b(sim, milliseconds(second_period_ms));
  sim.schedule_at(SimTime::zero(), a.id);
  sim.schedule_at(SimTime::zero(), b.id);
  while (sim.events_processed() < static_cast<uint64_t>(n_events)) sim.run_until(sim.now() + seconds(1));
  return fp.value();
}
}  // namespace

TEST_CASE("run_until runs events up to and including the bound, then sets the clock", "[simulation]")
{
  Simulation sim;
  Ticker t(sim, milliseconds(10));
  sim.schedule_at(SimTime::zero(), t.id);
  CHECK(sim.run_until(milliseconds(25)));
  CHECK(t.seen == std::vector<SimTime>{SimTime::zero(), milliseconds(10), milliseconds(20)});
  CHECK(sim.now() == milliseconds(25));
  sim.run_until(milliseconds(30));
  CHECK(t.seen.back() == milliseconds(30));
}

TEST_CASE("stop ends the run after the current event", "[simulation]")
{
  Simulation sim;
  struct Stopper final : EventHandler {
    Simulation& sim;
    int count = 0;
    explicit Stopper(Simulation& s) : sim(s) {}
    void handle(const Event&) override
    {
      if (++count == 5) sim.stop();
    }
  } stopper(sim);
  const HandlerId id = sim.add_handler(stopper);
  for (int i = 0; i < 10; ++i) sim.schedule_at(milliseconds(i), id);
  CHECK_FALSE(sim.run_until(seconds(1)));
  CHECK(stopper.count == 5);
  CHECK(sim.now() == milliseconds(4));
}

TEST_CASE("scheduling in the past is refused", "[simulation]")
{
  Simulation sim;
  Ticker t(sim, milliseconds(1));
  sim.run_until(seconds(1));
  CHECK_THROWS_AS(sim.schedule_at(milliseconds(5), t.id), std::logic_error);
}

TEST_CASE("cancel through the simulation", "[simulation]")
{
  Simulation sim;
  Ticker t(sim, seconds(100));
  auto h = sim.schedule_at(seconds(1), t.id);
  CHECK(sim.cancel(h));
  sim.run_until(seconds(2));
  CHECK(t.seen.empty());
}

TEST_CASE("fingerprints repeat, and two simulations on two threads do not interfere", "[simulation][determinism]")
{
  const uint64_t reference = run_tickers(20000);
  CHECK(run_tickers(20000) == reference);
  CHECK(run_tickers(20000, 8) != reference);
  uint64_t r1 = 0, r2 = 0;
  std::thread t1([&] { r1 = run_tickers(20000); });
  std::thread t2([&] { r2 = run_tickers(20000); });
  t1.join();
  t2.join();
  CHECK(r1 == reference);
  CHECK(r2 == reference);
}
