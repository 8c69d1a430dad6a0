// The decision rules of the lifecycle, apart from any run: HAProxy's health counters, nginx's
// passive detection and the autoscaler (Kubernetes HPA target tracking, step scaling).
#include "models/balancers/health_counter.hpp"
#include "models/balancers/passive_detector.hpp"
#include "models/scaling/autoscaler.hpp"

#include <catch2/catch.hpp>

using namespace lbsim;
using namespace lbsim::models;
using engine::seconds;

TEST_CASE("health counter: a server seen up goes down after fall consecutive failures", "[lifecycle][health]")
{
  HealthCounter h(true);
  CHECK_FALSE(h.record(false, 2, 3));
  CHECK_FALSE(h.record(false, 2, 3));
  CHECK_FALSE(h.record(true, 2, 3));  // a success breaks the streak
  CHECK_FALSE(h.record(false, 2, 3));
  CHECK_FALSE(h.record(false, 2, 3));
  CHECK(h.record(false, 2, 3));
  CHECK_FALSE(h.up());
  CHECK_FALSE(h.record(true, 2, 3));
  CHECK(h.record(true, 2, 3));  // rise = 2
  CHECK(h.up());
}

TEST_CASE("passive detection: max_fails failures within fail_timeout mark a server down", "[lifecycle][passive]")
{
  const PassiveConfig config{3, seconds(10)};
  PassiveDetector p;
  CHECK_FALSE(p.record_failure(seconds(0), config));
  CHECK_FALSE(p.record_failure(seconds(4), config));
  // The window started at 0 ended at 10: the count starts again at 11.
  CHECK_FALSE(p.record_failure(seconds(11), config));
  CHECK_FALSE(p.record_failure(seconds(12), config));
  CHECK(p.record_failure(seconds(13), config));
  CHECK(p.down());
  p.clear();
  CHECK_FALSE(p.down());
  // max_fails 0 turns it off.
  PassiveDetector off;
  for (int i = 0; i < 10; ++i) CHECK_FALSE(off.record_failure(seconds(i), PassiveConfig{0, seconds(10)}));
}

namespace {
AutoscalingConfig hpa(int min = 1, int max = 20)
{
  AutoscalingConfig c;
  c.group = "web";
  c.target = 0.6;
  c.min = min;
  c.max = max;
  c.period = seconds(15);
  c.window = seconds(15);
  c.cooldown = seconds(0);
  c.stabilization = seconds(300);
  return c;
}
}  // namespace

TEST_CASE("autoscaler: desired = ceil(current * metric / target) outside the 10% band", "[lifecycle][autoscaler]")
{
  Autoscaler a(hpa());
  CHECK(a.decide(seconds(15), 0.65, 4, 4) == 4);  // 0.65 / 0.6 = 1.083: inside the band
  CHECK(a.decide(seconds(30), 0.9, 4, 4) == 6);   // ceil(4 x 1.5)
  // Two of six still provisioning count as idle: 4 ready at 0.9 -> over all 0.6, no change.
  Autoscaler b(hpa());
  CHECK(b.decide(seconds(15), 0.9, 4, 6) == 6);
  CHECK(b.decide(seconds(30), 1.0, 4, 6) == 7);  // ceil(4 x 1.0 / 0.6)
}

TEST_CASE("autoscaler: scale-in waits for the highest recommendation of the stabilization window",
          "[lifecycle][autoscaler]")
{
  Autoscaler a(hpa());
  CHECK(a.decide(seconds(0), 0.6, 6, 6) == 6);
  CHECK(a.decide(seconds(15), 0.3, 6, 6) == 6);   // recommends 3, but 6 was recommended within 5 min
  CHECK(a.last_recommendation() == 3);
  CHECK(a.decide(seconds(299), 0.3, 6, 6) == 6);
  CHECK(a.decide(seconds(301), 0.3, 6, 6) == 3);  // the 6 at 0 s has left the window
}

TEST_CASE("autoscaler: cooldown, min and max hold", "[lifecycle][autoscaler]")
{
  AutoscalingConfig c = hpa(2, 5);
  c.cooldown = seconds(120);
  c.stabilization = seconds(0);
  Autoscaler a(c);
  CHECK(a.decide(seconds(15), 1.0, 2, 2) == 4);
  CHECK(a.decide(seconds(30), 1.0, 4, 4) == 4);    // cooldown
  CHECK(a.decide(seconds(135), 1.0, 4, 4) == 5);   // ceil(6.67) capped at max 5
  CHECK(a.decide(seconds(300), 0.01, 5, 5) == 2);  // ceil(0.08) raised to min 2
  Autoscaler b(c);
  CHECK(b.decide(seconds(15), std::nullopt, 0, 1) == 2);  // below min: raised at once
}

TEST_CASE("autoscaler: the metric over the window weighs periods by capacity", "[lifecycle][autoscaler]")
{
  AutoscalingConfig c = hpa();
  c.window = seconds(30);
  Autoscaler a(c);
  a.add_sample(seconds(15), 10, 20);  // 0.5 over 20 core-seconds
  a.add_sample(seconds(30), 30, 40);  // 0.75 over 40
  CHECK(*a.metric(seconds(30)) == Approx(40.0 / 60.0));
  a.add_sample(seconds(45), 0, 40);   // the first sample leaves the window
  CHECK(*a.metric(seconds(45)) == Approx(30.0 / 80.0));
}

TEST_CASE("autoscaler: a step policy applies the first matching step", "[lifecycle][autoscaler]")
{
  AutoscalingConfig c = hpa(1, 10);
  c.policy = AutoscalingConfig::Policy::step;
  c.steps = {{0.8, std::nullopt, 3}, {0.65, std::nullopt, 1}, {std::nullopt, 0.3, -1}};
  Autoscaler a(c);
  CHECK(a.decide(seconds(15), 0.9, 4, 4) == 7);
  CHECK(a.decide(seconds(30), 0.7, 7, 7) == 8);
  CHECK(a.decide(seconds(45), 0.5, 8, 8) == 8);
  CHECK(a.decide(seconds(60), 0.2, 8, 8) == 7);
}
