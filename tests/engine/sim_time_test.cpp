#include "engine/sim_time.hpp"

#include <catch2/catch.hpp>

using namespace lbsim::engine;

TEST_CASE("SimTime unit helpers are exact integer nanoseconds", "[sim_time]")
{
  CHECK(microseconds(40).ns() == 40'000);
  CHECK(milliseconds(4).ns() == 4'000'000);
  CHECK(seconds(2).ns() == 2'000'000'000);
  CHECK(minutes(10).ns() == 600'000'000'000);
  CHECK(hours(2) == minutes(120));
  CHECK(SimTime::from_seconds(1.5).ns() == 1'500'000'000);
  CHECK(SimTime::from_seconds(1e-9 * 0.6).ns() == 1);  // rounds to nearest
  CHECK(milliseconds(3).seconds() == Approx(0.003));
}

TEST_CASE("SimTime orders and saturates", "[sim_time]")
{
  CHECK(milliseconds(1) < milliseconds(2));
  CHECK(seconds(1) + milliseconds(500) == SimTime::from_seconds(1.5));
  CHECK(SimTime::from_seconds(1e30) == SimTime::max());
  CHECK(SimTime::max().seconds() > 292.0 * 365 * 24 * 3600);
}
