#include "models/scaling/autoscaler.hpp"

#include <algorithm>
#include <cmath>

namespace lbsim::models {

void Autoscaler::add_sample(SimTime now, double numerator, double denominator)
{
  samples_.push_back({now, numerator, denominator});
  forget_before(now - config_.window);
}

void Autoscaler::add_latency_sample(SimTime now, const engine::LatencyHistogram& period)
{
  latency_.emplace_back(now, period);
  forget_before(now - config_.window);
}

// A sample stamped at the end of its period belongs to the window when its period ends inside it.
void Autoscaler::forget_before(SimTime cutoff)
{
  while (!samples_.empty() && samples_.front().at <= cutoff) samples_.pop_front();
  while (!latency_.empty() && latency_.front().first <= cutoff) latency_.pop_front();
}

std::optional<double> Autoscaler::metric(SimTime) const
{
  if (config_.metric == AutoscalingConfig::Metric::latency_p99) {
    engine::LatencyHistogram merged;
    for (const auto& [at, h] : latency_) merged.merge(h);
    if (merged.count() == 0) return std::nullopt;
    return static_cast<double>(merged.quantile(0.99)) * 1e-9;
  }
  double numerator = 0, denominator = 0;
  for (const Sample& s : samples_) numerator += s.numerator, denominator += s.denominator;
  if (denominator <= 0) return std::nullopt;
  return numerator / denominator;
}

int Autoscaler::recommend(double metric, int ready, int current) const
{
  if (config_.policy == AutoscalingConfig::Policy::step) {
    for (const ScalingStep& step : config_.steps) {
      if (step.above && metric > *step.above) return current + step.change;
      if (step.below && metric < *step.below) return current + step.change;
    }
    return current;
  }
  const double ratio = metric / config_.target;
  if (std::abs(ratio - 1.0) <= config_.tolerance) return current;
  if (ratio > 1.0) {
    // HPA counts servers that are not ready yet as idle when it scales out: the ratio is taken again
    // over every server, and if that falls inside the band nothing changes.
    const double over_all = current > 0 ? ratio * ready / current : ratio;
    if (over_all <= 1.0 + config_.tolerance) return current;
    return static_cast<int>(std::ceil(ratio * ready - 1e-9));
  }
  return static_cast<int>(std::ceil(ratio * current - 1e-9));
}

int Autoscaler::decide(SimTime now, std::optional<double> metric, int ready, int current)
{
  // Outside min..max the bounds win at once, whatever the metric and the cooldown.
  if (current < config_.min || current > config_.max) {
    last_action_ = now;
    last_recommendation_ = std::clamp(current, config_.min, config_.max);
    return last_recommendation_;
  }
  if (!metric) return current;
  const int recommendation = std::clamp(recommend(*metric, ready, current), config_.min, config_.max);
  last_recommendation_ = recommendation;
  int desired = recommendation;
  if (config_.policy == AutoscalingConfig::Policy::target_tracking) {
    recommendations_.emplace_back(now, recommendation);
    while (!recommendations_.empty() && recommendations_.front().first < now - config_.stabilization)
      recommendations_.pop_front();
    if (recommendation < current) {
      // Scale-in stabilization: the highest recommendation of the window, never above current.
      int highest = recommendation;
      for (const auto& [at, r] : recommendations_) highest = std::max(highest, r);
      desired = std::min(current, highest);
    }
  }
  if (desired == current) return current;
  if (last_action_ && now - *last_action_ < config_.cooldown) return current;
  last_action_ = now;
  return desired;
}

}  // namespace lbsim::models
