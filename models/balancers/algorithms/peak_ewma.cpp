#include "models/balancers/algorithms/peak_ewma.hpp"

#include <cmath>
#include <stdexcept>

namespace lbsim::models {

PeakEwma::PeakEwma(engine::SimTime decay, engine::SimTime created)
    : tau_ns_(static_cast<double>(decay.ns())), stamp_(created)
{
  if (decay.ns() <= 0) throw std::invalid_argument("least_response_time: decay must be positive");
}

int64_t PeakEwma::elapsed_ns(engine::SimTime now) const
{
  const int64_t elapsed = now.ns() - stamp_.ns();
  return elapsed > 0 ? elapsed : 0;
}

void PeakEwma::observe(double rtt_ns, engine::SimTime now)
{
  observe_decayed(rtt_ns, now, std::exp(-static_cast<double>(elapsed_ns(now)) / tau_ns_));
}

void PeakEwma::observe_decayed(double rtt_ns, engine::SimTime now, double w)
{
  if (rtt_ns > cost_) cost_ = rtt_ns;
  else cost_ = cost_ * w + rtt_ns * (1.0 - w);
  if (now > stamp_) stamp_ = now;
}

double PeakEwma::load(uint32_t pending, engine::SimTime now)
{
  observe(0.0, now);
  return load_now(pending);
}

double PeakEwma::load(uint32_t pending, engine::SimTime now, DecayMemo& memo)
{
  const int64_t elapsed = elapsed_ns(now);
  if (elapsed != memo.elapsed_ns) {
    memo.elapsed_ns = elapsed;
    memo.factor = std::exp(-static_cast<double>(elapsed) / tau_ns_);
  }
  observe_decayed(0.0, now, memo.factor);
  return load_now(pending);
}

double PeakEwma::load_now(uint32_t pending) const
{
  if (cost_ == 0.0 && pending != 0) return kPenalty + static_cast<double>(pending);
  return cost_ * (static_cast<double>(pending) + 1.0);
}

}  // namespace lbsim::models
