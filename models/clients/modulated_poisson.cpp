#include "models/clients/modulated_poisson.hpp"

#include "engine/exponential.hpp"

#include <cmath>
#include <numbers>

namespace lbsim::models {

namespace {

double exponential_s(engine::RngStream& rng, double mean_s) { return engine::standard_exponential(rng) * mean_s; }

}  // namespace

BurstyArrivals::BurstyArrivals(const BurstyConfig& config, engine::RngStream& rng, SimTime start) : config_(config)
{
  const double on_s = config.mean_on.seconds(), off_s = config.mean_off.seconds();
  on_ = rng.uniform01() * (on_s + off_s) < on_s;
  state_ends_ = start + SimTime::from_seconds(exponential_s(rng, on_ ? on_s : off_s));
}

SimTime BurstyArrivals::next_after(SimTime now, engine::RngStream& rng, double scale)
{
  SimTime t = now;
  for (;;) {
    while (state_ends_ <= t) {  // catch up with the state changes (also after a long gap)
      on_ = !on_;
      state_ends_ = state_ends_ + SimTime::from_seconds(exponential_s(rng, (on_ ? config_.mean_on : config_.mean_off).seconds()));
    }
    const double rate = scale * (on_ ? config_.rate_on_per_s : config_.rate_off_per_s);
    if (rate > 0) {
      const SimTime arrival = t + SimTime::from_seconds(exponential_s(rng, 1.0 / rate));
      if (arrival < state_ends_) return arrival;
    }
    t = state_ends_;  // no arrival in this period: start again from its end, at the other rate
  }
}

DiurnalArrivals::DiurnalArrivals(const DiurnalConfig& config, SimTime start) : config_(config), start_(start)
{
  const double mean = config.mean_rate_per_s, peak = config.peak_rate_per_s;
  if (peak <= 2 * mean) {
    trough_ = 2 * mean - peak;
    return;
  }
  // Bisection on k: the mean fraction Gamma(k + 1/2) / (sqrt(pi) Gamma(k + 1)) falls as k grows.
  const double target = mean / peak;
  double lo = 1, hi = 1e6;
  for (int i = 0; i < 200; ++i) {
    const double k = (lo + hi) / 2;
    const double m = std::exp(std::lgamma(k + 0.5) - std::lgamma(k + 1)) / std::sqrt(std::numbers::pi);
    (m > target ? lo : hi) = k;
  }
  k_ = (lo + hi) / 2;
}

double DiurnalArrivals::rate_at(SimTime t) const
{
  const double period = config_.period.seconds();
  const double phase = 2 * std::numbers::pi * std::fmod((t - start_).seconds(), period) / period;
  const double shape = k_ == 1 ? (1 - std::cos(phase)) / 2 : std::pow((1 - std::cos(phase)) / 2, k_);
  return trough_ + (config_.peak_rate_per_s - trough_) * shape;
}

SimTime DiurnalArrivals::next_after(SimTime now, engine::RngStream& rng, double scale)
{
  const double peak = config_.peak_rate_per_s;
  SimTime t = now;
  for (;;) {
    t = t + SimTime::from_seconds(exponential_s(rng, 1.0 / (peak * scale)));
    if (rng.uniform01() * peak <= rate_at(t)) return t;
  }
}

}  // namespace lbsim::models
