// PeakEwma: Finagle's Peak-EWMA latency estimator (finagle-core loadbalancer/PeakEwma.scala;
// Linkerd's tower src/load/peak_ewma.rs is the same estimator).
//
//   observe(rtt, now): w = exp(-dt / tau), dt = now - the last observation (>= 0);
//                      cost = rtt if rtt > cost (the peak), else cost * w + rtt * (1 - w).
//   load(pending, now): observe(0, now) first, so reading decays the cost; then cost * (pending + 1),
//                      or Penalty + pending for a server with no history (cost 0) and pending > 0.
//
// tau = 10 s, cost 100 ms at t = 0, a 50 ms reply at t = 5 s -> 80.33 ms; a 300 ms reply -> 300 ms.
// Costs are in nanoseconds (doubles, as Finagle's); Penalty is Finagle's Long.MaxValue >> 16.
// A new estimator starts with cost 0 at its creation time (Finagle; Linkerd starts at 30 ms).
#pragma once

#include "engine/sim_time.hpp"

#include <cstdint>

namespace lbsim::models {

class PeakEwma {
public:
  static constexpr double kPenalty = static_cast<double>(INT64_MAX >> 16);

  // Throws std::invalid_argument unless decay > 0.
  explicit PeakEwma(engine::SimTime decay, engine::SimTime created = engine::SimTime::zero());

  // exp(-dt / tau) for the last dt asked, shared by the estimators of one balancer (one tau): a
  // scan over many servers last read at the same instant computes exp() once, with the same result.
  struct DecayMemo {
    int64_t elapsed_ns = -1;
    double factor = 1.0;
  };

  void observe(double rtt_ns, engine::SimTime now);
  double load(uint32_t pending, engine::SimTime now);
  double load(uint32_t pending, engine::SimTime now, DecayMemo& memo);
  double cost_ns() const { return cost_; }
  engine::SimTime stamp() const { return stamp_; }  // the last observation (or read)

private:
  int64_t elapsed_ns(engine::SimTime now) const;
  void observe_decayed(double rtt_ns, engine::SimTime now, double w);
  double load_now(uint32_t pending) const;

  double tau_ns_;
  double cost_ = 0;
  engine::SimTime stamp_;
};

}  // namespace lbsim::models
