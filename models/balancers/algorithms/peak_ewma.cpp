#include "models/balancers/algorithms/peak_ewma.hpp"

#include <cmath>
#include <stdexcept>

namespace lbsim::models {

PeakEwma::PeakEwma(engine::SimTime decay, engine::SimTime created)
    : tau_ns_(static_cast<double>(decay.ns())), stamp_(created)
{
  if (decay.ns() <= 0) throw std::invalid_argument("least_response_time: decay must be positive");
}

void PeakEwma::observe(double rtt_ns, engine::SimTime now)
{
  const int64_t elapsed = now.ns() - stamp_.ns();
  const double dt = elapsed > 0 ? static_cast<double>(elapsed) : 0.0;
  const double w = std::exp(-dt / tau_ns_);
  if (rtt_ns > cost_) cost_ = rtt_ns;
  else cost_ = cost_ * w + rtt_ns * (1.0 - w);
  if (now > stamp_) stamp_ = now;
}

double PeakEwma::load(uint32_t pending, engine::SimTime now)
{
  observe(0.0, now);
  if (cost_ == 0.0 && pending != 0) return kPenalty + static_cast<double>(pending);
  return cost_ * (static_cast<double>(pending) + 1.0);
}

}  // namespace lbsim::models
