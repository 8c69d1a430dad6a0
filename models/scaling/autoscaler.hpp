// Autoscaler: the decision rule of a horizontal autoscaler, apart from the simulation that feeds it
// (docs/scaling.md). Each period it gets the group's metric over the last period as a ratio
// (numerator / denominator, so that a window's value weighs every period by its capacity) or, for
// latency_p99, a histogram; it answers with the number of servers the group should have.
//
// target_tracking follows the Kubernetes HPA: desired = ceil(current * metric / target), no change
// while metric / target is within the tolerance band, servers still provisioning counted as idle
// when scaling out, and scale-in held back to the highest recommendation of the stabilization
// window. step applies the first matching step's change. Both respect min, max and cooldown.
#pragma once

#include "engine/latency_histogram.hpp"
#include "engine/sim_time.hpp"
#include "models/system_config.hpp"

#include <deque>
#include <optional>
#include <utility>

namespace lbsim::models {

class Autoscaler {
public:
  explicit Autoscaler(AutoscalingConfig config) : config_(std::move(config)) {}

  void add_sample(SimTime now, double numerator, double denominator);
  void add_latency_sample(SimTime now, const engine::LatencyHistogram& period);
  // The metric over the window ending at `now`; nullopt when nothing was measured in it.
  std::optional<double> metric(SimTime now) const;

  // ready: servers of the group that are up; current: those plus the ones provisioning (what the
  // group is scaling to). Returns the new desired count (current when nothing changes).
  int decide(SimTime now, std::optional<double> metric, int ready, int current);

  const AutoscalingConfig& config() const { return config_; }
  // The last recommendation before stabilization and cooldown (for reports and tests).
  int last_recommendation() const { return last_recommendation_; }

private:
  int recommend(double metric, int ready, int current) const;
  void forget_before(SimTime cutoff);

  AutoscalingConfig config_;
  struct Sample {
    SimTime at;
    double numerator, denominator;
  };
  std::deque<Sample> samples_;
  std::deque<std::pair<SimTime, engine::LatencyHistogram>> latency_;
  std::deque<std::pair<SimTime, int>> recommendations_;
  std::optional<SimTime> last_action_;
  int last_recommendation_ = 0;
};

}  // namespace lbsim::models
