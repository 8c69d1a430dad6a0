// The time-varying Poisson processes (models/clients/modulated_poisson.hpp) against their theory:
// long-run rate, share of time on, index of dispersion of counts (bursty), and the rate profile
// over a period (diurnal). Tolerances are several standard deviations of each estimate, stated.
#include "models/clients/arrival_process.hpp"
#include "models/clients/modulated_poisson.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>
#include <vector>

using namespace lbsim;
using namespace lbsim::models;
using engine::RngStream;
using engine::SimTime;

TEST_CASE("bursty arrivals: long-run rate, time on and the MMPP-2 index of dispersion", "[arrivals]")
{
  // On 10/s for 1 s on average, off 1/s for 3 s: mean rate (10 x 1 + 1 x 3) / 4 = 3.25/s.
  BurstyConfig config;
  config.rate_on_per_s = 10;
  config.rate_off_per_s = 1;
  config.mean_on = SimTime::from_seconds(1);
  config.mean_off = SimTime::from_seconds(3);
  engine::RngStream rng(42, "bursty-test");
  BurstyArrivals arrivals(config, rng, SimTime());

  constexpr double kWindow = 200, kWindows = 2000;  // 400,000 s
  std::vector<double> counts(static_cast<size_t>(kWindows), 0);
  SimTime t;
  for (;;) {
    t = arrivals.next_after(t, rng);
    const auto window = static_cast<size_t>(t.seconds() / kWindow);
    if (window >= counts.size()) break;
    ++counts[window];
  }
  double sum = 0, sum_sq = 0;
  for (double c : counts) {
    sum += c;
    sum_sq += c * c;
  }
  const double mean = sum / kWindows, variance = (sum_sq - sum * mean) / (kWindows - 1);
  const double rate = mean / kWindow;
  // Theory (Fischer and Meier-Hellstern 1993), leaving rates s1 = 1/mean_on, s2 = 1/mean_off:
  //   IDC(inf) = 1 + 2 s1 s2 (l1 - l2)^2 / ((s1 + s2)^3 lambda) = 1 + 54 / 7.7037 = 8.0096;
  // over a 200 s window (s1 + s2) t = 266.7, so IDC(t) is within 0.4% of the limit.
  const double s1 = 1.0, s2 = 1.0 / 3, lambda = 3.25;
  const double idc_limit = 1 + 2 * s1 * s2 * 81 / (std::pow(s1 + s2, 3) * lambda);
  const double x = (s1 + s2) * kWindow;
  const double idc_window = 1 + (idc_limit - 1) * (1 - (1 - std::exp(-x)) / x);
  // The rate's standard deviation is sqrt(IDC lambda / T) = 0.0081/s (0.25%): 1% is 4 of them.
  CHECK(rate == Approx(lambda).epsilon(0.01));
  // The sample variance over 2,000 windows has a relative sd of about sqrt(2 / 2000) = 3.2%
  // (counts are near normal): 12% is about 4 of them.
  CHECK(variance / mean == Approx(idc_window).epsilon(0.12));
  CHECK(idc_window == Approx(8.0).epsilon(0.01));
}

TEST_CASE("bursty arrivals: off periods with rate 0 send nothing, and the first state is stationary", "[arrivals]")
{
  BurstyConfig config;
  config.rate_on_per_s = 50;
  config.rate_off_per_s = 0;
  config.mean_on = SimTime::from_seconds(2);
  config.mean_off = SimTime::from_seconds(6);
  // The first state is on with probability 2 / 8 = 0.25; over 4,000 streams the share has an sd
  // of 0.0068, so 0.03 is over 4 of them.
  int on = 0;
  for (int i = 0; i < 4000; ++i) {
    engine::RngStream rng(7, "start-" + std::to_string(i));
    on += BurstyArrivals(config, rng, SimTime()).on() ? 1 : 0;
  }
  CHECK(on / 4000.0 == Approx(0.25).margin(0.03));

  engine::RngStream rng(7, "rate");
  BurstyArrivals arrivals(config, rng, SimTime());
  SimTime t;
  uint64_t n = 0;
  while ((t = arrivals.next_after(t, rng)).seconds() < 100'000) ++n;
  // Mean rate 50 x 2 / 8 = 12.5/s; sd of the estimate sqrt(IDC lambda / T) with
  // IDC = 1 + 2 (1/2)(1/6) 2500 / ((2/3)^3 12.5) = 113.5: 0.12/s, so 5% (0.625/s) is 5 of them.
  CHECK(n / 100'000.0 == Approx(12.5).epsilon(0.05));
}

TEST_CASE("diurnal arrivals follow mean - (peak - mean) cos(2 pi t / period)", "[arrivals]")
{
  DiurnalConfig config;
  config.mean_rate_per_s = 50;
  config.peak_rate_per_s = 90;  // trough 10/s at t = 0, peak 90/s at t = period / 2
  config.period = SimTime::from_seconds(100);
  const DiurnalArrivals arrivals_view(config, SimTime());
  CHECK(arrivals_view.rate_at(SimTime()) == Approx(10));
  CHECK(arrivals_view.rate_at(SimTime::from_seconds(50)) == Approx(90));

  DiurnalArrivals arrivals(config, SimTime());
  engine::RngStream rng(3, "diurnal-test");
  constexpr int kBins = 20, kPeriods = 400;
  std::vector<double> counts(kBins, 0);
  SimTime t;
  while ((t = arrivals.next_after(t, rng)).seconds() < 100.0 * kPeriods) {
    const double phase = std::fmod(t.seconds(), 100.0) / 100.0;
    ++counts[static_cast<size_t>(phase * kBins)];
  }
  for (int bin = 0; bin < kBins; ++bin) {
    // The integral of the rate over the bin, times the periods; Poisson counts, so 5 sd of slack.
    const double a = 100.0 * bin / kBins, b = 100.0 * (bin + 1) / kBins, w = 2 * std::numbers::pi / 100.0;
    const double expected = kPeriods * (50 * (b - a) - 40 * (std::sin(w * b) - std::sin(w * a)) / w);
    INFO("bin " << bin);
    CHECK(std::abs(counts[bin] - expected) < 5 * std::sqrt(expected));
  }
}

TEST_CASE("The arrival registry makes every process of the format, each as it says", "[arrivals][registry]")
{
  ArrivalRegistry registry;
  register_builtin_arrivals(registry);
  CHECK(registry.names() == std::vector<std::string>{"poisson", "constant", "bursty", "diurnal", "script", "trace"});
  RngStream rng(1);

  ArrivalConfig constant;
  constant.process = ArrivalConfig::Process::constant;
  constant.rate_per_s = 4;
  auto c = registry.create(constant);
  c->start(SimTime::from_seconds(1), rng);
  CHECK(c->next(SimTime::from_seconds(1), 0, rng) == SimTime::from_seconds(1));
  CHECK(c->next(SimTime::from_seconds(1), 3, rng) == SimTime::from_seconds(1.75));
  c->set_rate(2, SimTime::from_seconds(2), 5);  // one gap after the change, then every 0.5 s
  CHECK(c->next(SimTime::from_seconds(2), 5, rng) == SimTime::from_seconds(2.5));
  CHECK(c->next(SimTime::from_seconds(2), 7, rng) == SimTime::from_seconds(3.5));
  CHECK(c->scripted(0) == nullptr);

  ArrivalConfig script;
  script.process = ArrivalConfig::Process::script;
  script.script = {{SimTime::from_seconds(0.5), 2, 1}, {SimTime::from_seconds(2), 0, -1}};
  auto s = registry.create(script);
  s->start(SimTime::from_seconds(10), rng);
  CHECK(s->next(SimTime::from_seconds(10), 0, rng) == SimTime::from_seconds(10.5));
  CHECK(s->next(SimTime::from_seconds(10), 1, rng) == SimTime::from_seconds(12));
  CHECK(s->next(SimTime::from_seconds(12), 2, rng) == SimTime::max());
  REQUIRE(s->scripted(0) != nullptr);
  CHECK(s->scripted(0)->client == 2);
  CHECK(s->scripted(0)->type == 1);

  // Poisson: the mean gap over many draws.
  ArrivalConfig poisson;
  poisson.rate_per_s = 50;
  auto p = registry.create(poisson);
  SimTime t;
  const int n = 200000;
  for (int i = 0; i < n; ++i) t = p->next(t, static_cast<uint64_t>(i), rng);
  CHECK(t.seconds() / n == Approx(0.02).epsilon(0.01));  // 5 standard errors: 0.02 x 5 / sqrt(n) = 0.011 of 0.02
}
