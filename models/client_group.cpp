#include "models/client_group.hpp"

#include <cmath>

namespace lbsim::models {

ClientGroup::ClientGroup(uint32_t index, const ClientGroupConfig& config, uint64_t master_seed,
                         engine::Simulation& sim, RequestPool& requests, RequestSink& sink)
    : index_(index), config_(config), sim_(sim), requests_(requests), sink_(sink), handler_(sim.add_handler(*this)),
      arrival_rng_(master_seed, "client:" + config.name + ":arrivals"),
      request_rng_(master_seed, "client:" + config.name + ":requests")
{
  for (const RequestType& type : config_.mix) share_total_ += type.share;
  rate_per_s_ = config_.arrivals.rate_per_s;
  if (config_.arrivals.process == ArrivalConfig::Process::diurnal) {
    const double mean = config_.arrivals.rate_per_s, peak = config_.arrivals.peak_rate_per_s;
    if (peak <= 2 * mean) {
      diurnal_trough_ = 2 * mean - peak;
    } else {
      // Bisection on k: the mean fraction Gamma(k + 1/2) / (sqrt(pi) Gamma(k + 1)) falls as k grows.
      const double target = mean / peak;
      double lo = 1, hi = 1e6;
      for (int i = 0; i < 200; ++i) {
        const double k = (lo + hi) / 2;
        const double m = std::exp(std::lgamma(k + 0.5) - std::lgamma(k + 1)) / std::sqrt(M_PI);
        (m > target ? lo : hi) = k;
      }
      diurnal_k_ = (lo + hi) / 2;
    }
  }
  if (rate_per_s_ > 0) mean_gap_s_ = 1.0 / rate_per_s_;
}

void ClientGroup::start()
{
  start_ = sim_.now();
  schedule_next();
}

void ClientGroup::schedule_next()
{
  const ArrivalConfig& a = config_.arrivals;
  switch (a.process) {
    case ArrivalConfig::Process::poisson:
      next_ = sim_.schedule_in(SimTime::from_seconds(-std::log(arrival_rng_.uniform_open01()) * mean_gap_s_), handler_);
      break;
    case ArrivalConfig::Process::constant:
      // The k-th arrival at start + k/rate, computed from k so rounding never accumulates.
      next_ = sim_.schedule_at(
          start_ + SimTime::from_seconds(static_cast<double>(sent_ - sent_at_start_) / rate_per_s_), handler_);
      break;
    case ArrivalConfig::Process::diurnal: {
      // Thinning (Lewis and Shedler): candidates at the peak rate, each kept with probability
      // rate(t) / peak.
      SimTime t = sim_.now();
      const double peak = a.peak_rate_per_s * rate_scale_;
      do t = t + SimTime::from_seconds(-std::log(arrival_rng_.uniform_open01()) / peak);
      while (arrival_rng_.uniform01() * peak > diurnal_rate(t) * rate_scale_);
      next_ = sim_.schedule_at(t, handler_);
      break;
    }
    case ArrivalConfig::Process::script:
      if (sent_ < a.script.size()) sim_.schedule_at(start_ + a.script[sent_].at, handler_, 0, sent_);
      break;
  }
}

// rate(t) = trough + (peak - trough) * ((1 - cos(2 pi t / period)) / 2)^k: the trough at the start
// of each period (midnight), the peak half way. With peak <= 2 x mean it is a plain sinusoid
// (k = 1, trough = 2 mean - peak); above, the trough is 0 and k is chosen so that the mean is
// mean_rate: E[((1 - cos) / 2)^k] = Gamma(k + 1/2) / (sqrt(pi) Gamma(k + 1)).
double ClientGroup::diurnal_rate(SimTime t) const
{
  const ArrivalConfig& a = config_.arrivals;
  const double phase = 2 * M_PI * std::fmod(t.seconds(), a.period.seconds()) / a.period.seconds();
  const double s = std::pow((1 - std::cos(phase)) / 2, diurnal_k_);
  return diurnal_trough_ + (a.peak_rate_per_s - diurnal_trough_) * s;
}

void ClientGroup::set_rate(double rate_per_s)
{
  if (config_.arrivals.process == ArrivalConfig::Process::script) return;
  if (config_.arrivals.process == ArrivalConfig::Process::diurnal) {
    // The curve keeps its shape, scaled to the new mean.
    sim_.cancel(next_);
    rate_scale_ = rate_per_s / config_.arrivals.rate_per_s;
    schedule_next();
    return;
  }
  // Poisson arrivals are memoryless, so drawing the next gap afresh at the new rate is exact.
  sim_.cancel(next_);
  rate_per_s_ = rate_per_s;
  mean_gap_s_ = 1.0 / rate_per_s;
  start_ = sim_.now() + SimTime::from_seconds(mean_gap_s_);  // constant: one gap after the change
  sent_at_start_ = sent_;
  schedule_next();
}

uint32_t ClientGroup::pick_type()
{
  if (config_.mix.size() == 1) return 0;
  double u = request_rng_.uniform01() * share_total_;
  for (uint32_t i = 0; i + 1 < config_.mix.size(); ++i) {
    u -= config_.mix[i].share;
    if (u < 0) return i;
  }
  return static_cast<uint32_t>(config_.mix.size() - 1);
}

void ClientGroup::handle(const engine::Event& event)
{
  const RequestId id = requests_.acquire();
  Request& r = requests_[id];
  r.client_group = index_;
  if (config_.arrivals.process == ArrivalConfig::Process::script)
    r.client = config_.arrivals.script[event.arg].client;
  else
    r.client = config_.addresses.size() == 1
                   ? 0
                   : static_cast<uint32_t>(request_rng_.below(config_.addresses.size()));
  r.type = pick_type();
  r.work = SimTime::from_seconds(config_.mix[r.type].work->sample(request_rng_));
  r.sent = sim_.now();
  ++sent_;
  schedule_next();
  sink_.on_request_sent(id);
}

}  // namespace lbsim::models
