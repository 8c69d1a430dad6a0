#include "models/metrics/service_stats.hpp"

namespace lbsim::models {

const ServiceStats::Interval& ServiceStats::close_interval()
{
  interval_.arrived = interval_arrived_;
  interval_.calls = interval_calls_;
  interval_.answered = interval_answered_;
  interval_.latency.clear();
  for (EndpointStats& e : endpoints_) {
    interval_.latency.merge(e.interval_latency);
    e.latency.merge(e.interval_latency);
    e.interval_latency.clear();
  }
  interval_arrived_ = interval_calls_ = 0;
  interval_answered_ = StatusCounts{};
  return interval_;
}

void ServiceStats::reset()
{
  for (EndpointStats& e : endpoints_) e = EndpointStats{};
  arrived_ = calls_ = calls_failed_ = 0;
  interval_arrived_ = interval_calls_ = 0;
  interval_answered_ = StatusCounts{};
}

engine::LatencyHistogram ServiceStats::latency() const
{
  engine::LatencyHistogram all;
  for (const EndpointStats& e : endpoints_) {
    all.merge(e.latency);
    all.merge(e.interval_latency);
  }
  return all;
}

StatusCounts ServiceStats::answered() const
{
  StatusCounts all;
  for (const EndpointStats& e : endpoints_) {
    all.ok += e.answered.ok;
    all.internal_error += e.answered.internal_error;
    all.bad_gateway += e.answered.bad_gateway;
    all.unavailable += e.answered.unavailable;
  }
  return all;
}

}  // namespace lbsim::models
