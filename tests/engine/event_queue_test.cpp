#include "engine/event_queue.hpp"

#include <catch2/catch.hpp>

#include <vector>

using namespace lbsim::engine;

namespace {
std::vector<uint64_t> drain(EventQueue& q)
{
  std::vector<uint64_t> args;
  while (q.drop_cancelled_top()) args.push_back(q.pop().arg);
  return args;
}
}  // namespace

TEST_CASE("events leave in time order", "[event_queue]")
{
  EventQueue q;
  q.push(milliseconds(30), 0, 0, 0, 3);
  q.push(milliseconds(10), 0, 0, 0, 1);
  q.push(milliseconds(20), 0, 0, 0, 2);
  CHECK(drain(q) == std::vector<uint64_t>{1, 2, 3});
}

TEST_CASE("ties break by priority, then by insertion order", "[event_queue]")
{
  EventQueue q;
  const SimTime t = seconds(1);
  q.push(t, 0, 0, 0, 10);
  q.push(t, 0, 0, 0, 11);
  q.push(t, -5, 0, 0, 1);   // lower priority value runs first
  q.push(t, 5, 0, 0, 99);
  q.push(t, 0, 0, 0, 12);
  CHECK(drain(q) == std::vector<uint64_t>{1, 10, 11, 12, 99});
}

TEST_CASE("cancelled events never leave the queue", "[event_queue]")
{
  EventQueue q;
  auto a = q.push(milliseconds(1), 0, 0, 0, 1);
  auto b = q.push(milliseconds(2), 0, 0, 0, 2);
  q.push(milliseconds(3), 0, 0, 0, 3);
  CHECK(q.cancel(b));
  CHECK_FALSE(q.cancel(b));              // twice is a no-op
  CHECK(q.drop_cancelled_top());
  CHECK(q.pop().arg == 1);
  CHECK_FALSE(q.cancel(a));              // already ran
  CHECK_FALSE(q.cancel(EventHandle{}));  // refers to nothing
  CHECK(drain(q) == std::vector<uint64_t>{3});
}

TEST_CASE("a large random workload pops in nondecreasing (time, order)", "[event_queue]")
{
  EventQueue q;
  uint64_t x = 12345;
  for (int i = 0; i < 100000; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    q.push(nanoseconds(static_cast<int64_t>(x >> 44)), static_cast<int>((x >> 20) % 3) - 1, 0, 0, x);
  }
  Event previous = q.pop();
  size_t n = 1;
  while (q.drop_cancelled_top()) {
    Event e = q.pop();
    REQUIRE((previous.time < e.time || (previous.time == e.time && previous.order < e.order)));
    previous = e;
    ++n;
  }
  CHECK(n == 100000);
}

TEST_CASE("take_top leaves a hole that the next push fills, keeping the order", "[event_queue]")
{
  EventQueue q;
  for (int i = 1; i <= 5; ++i) q.push(milliseconds(10 * i), 0, 0, 0, static_cast<uint64_t>(i));
  REQUIRE(q.drop_cancelled_top());
  CHECK(q.take_top().arg == 1);
  CHECK(q.size() == 4);
  q.push(milliseconds(35), 0, 0, 0, 35);  // fills the hole, sifts into place
  auto later = q.push(milliseconds(45), 0, 0, 0, 45);
  REQUIRE(q.drop_cancelled_top());
  CHECK(q.take_top().arg == 2);
  // No push after this take: the next drop_cancelled_top() settles the hole.
  CHECK(q.cancel(later));
  std::vector<uint64_t> rest;
  while (q.drop_cancelled_top()) rest.push_back(q.take_top().arg);
  CHECK(rest == std::vector<uint64_t>{3, 35, 4, 5});
  CHECK(q.empty());
}
