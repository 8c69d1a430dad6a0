// TCP bounds on one transfer's rate, used as the per-flow cap of FlowNetwork.
//
// window bound:  rate <= W / RTT                       (one window in flight per round trip)
// Mathis bound:  rate <= (MSS / RTT) * C / sqrt(p),    C = sqrt(3/2) ~= 1.2247
//
// The Mathis et al. (1997) steady-state throughput of TCP congestion avoidance with periodic loss
// at probability p; C = sqrt(3/2) is the constant for delayed ACKs off (one ACK per segment).
// Rates are in bits per second: bytes are multiplied by 8.
#pragma once

#include "engine/sim_time.hpp"

#include <cmath>
#include <limits>

namespace lbsim::models {

inline constexpr double kUnlimitedRate = std::numeric_limits<double>::infinity();
inline constexpr double kMathisConstant = 1.2247448713915890491;  // sqrt(3/2)

// min(window / RTT, Mathis), in bit/s. window_bytes 0 means no window bound, loss 0 no Mathis
// bound; with neither (or RTT 0) the result is kUnlimitedRate. Example: a 64 KiB window over a
// 200 ms round trip gives 65536 * 8 / 0.2 = 2,621,440 bit/s. Throws std::invalid_argument for a
// negative window, RTT or MSS, or loss outside [0, 1].
double tcp_rate_cap_bps(double window_bytes, engine::SimTime rtt, double loss, double mss_bytes = 1460);

}  // namespace lbsim::models
