// A recycled request starts as a new one: Request::reset() sets every field a Request{} has.
#include "models/requests/request.hpp"

#include <catch2/catch.hpp>

using namespace lbsim::models;
using lbsim::engine::SimTime;

namespace {
void dirty(Request& r)
{
  r.sequence = 7;
  r.client_group = r.client = r.type = r.shape = 3;
  r.server = 5;
  r.parent = 9;
  r.parent_visit = r.visit = 21;
  r.sent = r.dispatched = r.work = r.server_time = SimTime::from_ns(11);
  r.service_event = lbsim::engine::EventHandle{SimTime::from_ns(13), 17};
  r.status = kBadGateway;
  r.attempts = 2;
  r.depth = 3;
  r.measured = r.in_service = r.resident = r.upward = r.holds_core = r.call_failed = true;
  r.phase = 2;
  r.next_call = 4;
  r.calls_out = 6;
  r.resource = 8;
  r.cause = kCauseRateLimited;
  r.preflight = r.bad_credentials = r.timed_out = true;
  r.client_attempt = 3;
}

void check_fresh(const Request& r)
{
  const Request fresh{};
  CHECK(r.sequence == fresh.sequence);
  CHECK(r.client_group == fresh.client_group);
  CHECK(r.client == fresh.client);
  CHECK(r.type == fresh.type);
  CHECK(r.shape == fresh.shape);
  CHECK(r.server == kNoServer);
  CHECK(r.parent == kNoRequest);
  CHECK(r.parent_visit == fresh.parent_visit);
  CHECK(r.visit == fresh.visit);
  CHECK(r.resource == 0);
  CHECK(r.cause == kCauseNone);
  CHECK_FALSE(r.preflight);
  CHECK_FALSE(r.bad_credentials);
  CHECK_FALSE(r.timed_out);
  CHECK(r.client_attempt == 0);
  CHECK(r.sent == fresh.sent);
  CHECK(r.dispatched == fresh.dispatched);
  CHECK(r.work == fresh.work);
  CHECK(r.server_time == fresh.server_time);
  CHECK(r.service_event.time == fresh.service_event.time);
  CHECK(r.service_event.order == fresh.service_event.order);
  CHECK_FALSE(r.service_event.valid());
  CHECK(r.status == kOk);
  CHECK(r.attempts == fresh.attempts);
  CHECK(r.depth == 0);
  CHECK(r.measured == fresh.measured);
  CHECK(r.in_service == fresh.in_service);
  CHECK(r.resident == fresh.resident);
  CHECK(r.upward == fresh.upward);
  CHECK(r.holds_core == fresh.holds_core);
  CHECK(r.call_failed == fresh.call_failed);
  CHECK(r.phase == fresh.phase);
  CHECK(r.next_call == fresh.next_call);
  CHECK(r.calls_out == fresh.calls_out);
}
}  // namespace

TEST_CASE("A recycled request is indistinguishable from a new one", "[request]")
{
  RequestPool pool;
  const RequestId first = pool.acquire();
  dirty(pool[first]);
  pool.release(first);
  const RequestId again = pool.acquire();
  CHECK(again == first);
  check_fresh(pool[again]);
  CHECK(pool.in_use() == 1);
  CHECK(pool.capacity() == 1);
}

TEST_CASE("The pool grows only while more requests are in flight than ever before", "[request]")
{
  RequestPool pool;
  for (int round = 0; round < 1000; ++round) {
    const RequestId a = pool.acquire(), b = pool.acquire();
    dirty(pool[a]);
    pool.release(a);
    pool.release(b);
  }
  CHECK(pool.capacity() == 2);
  CHECK(pool.in_use() == 0);
}
