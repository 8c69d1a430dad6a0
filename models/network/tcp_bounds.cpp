#include "models/network/tcp_bounds.hpp"

#include <algorithm>
#include <stdexcept>

namespace lbsim::models {

double tcp_rate_cap_bps(double window_bytes, engine::SimTime rtt, double loss, double mss_bytes)
{
  if (!(window_bytes >= 0) || !(mss_bytes > 0) || rtt < engine::SimTime::zero() || !(loss >= 0 && loss <= 1))
    throw std::invalid_argument("tcp_rate_cap_bps: window, RTT and MSS must be >= 0 (MSS > 0), loss in [0, 1]");
  if (rtt == engine::SimTime::zero()) return kUnlimitedRate;
  const double rtt_s = rtt.seconds();
  double cap = kUnlimitedRate;
  if (window_bytes > 0) cap = window_bytes * 8 / rtt_s;
  if (loss > 0) cap = std::min(cap, mss_bytes * 8 * kMathisConstant / (rtt_s * std::sqrt(loss)));
  return cap;
}

}  // namespace lbsim::models
