// ServiceStats: what one service saw over the measured window: requests that reached it (from
// clients, a gateway or other services' calls), how each was answered, how long answering took
// (from arrival at the service's front door to the reply leaving it), per endpoint, and the calls
// its endpoints made. The service's front door (its balancer, or its only server) records them.
#pragma once

#include "engine/latency_histogram.hpp"
#include "models/requests/request.hpp"

#include <cstdint>
#include <vector>

namespace lbsim::models {

// Counts by status (models/requests/request.hpp), in a fixed order.
struct StatusCounts {
  uint64_t ok = 0, internal_error = 0, bad_gateway = 0, unavailable = 0;
  void add(uint16_t status)
  {
    switch (status) {
      case kOk: ++ok; break;
      case kInternalError: ++internal_error; break;
      case kBadGateway: ++bad_gateway; break;
      default: ++unavailable; break;
    }
  }
  uint64_t total() const { return ok + internal_error + bad_gateway + unavailable; }
  uint64_t errors() const { return internal_error + bad_gateway; }
};

struct EndpointStats {
  uint64_t arrived = 0;
  StatusCounts answered;
  engine::LatencyHistogram latency;           // answered with 200, the whole window
  engine::LatencyHistogram interval_latency;  // since the last interval row
};

class ServiceStats {
public:
  explicit ServiceStats(size_t endpoints) : endpoints_(endpoints == 0 ? 1 : endpoints) {}

  void on_arrival(const Request& r, int32_t endpoint)
  {
    if (!r.measured) return;
    ++arrived_;
    ++interval_arrived_;
    ++endpoints_[endpoint < 0 ? 0 : static_cast<size_t>(endpoint)].arrived;
  }
  // The reply leaves the service `latency` after the request arrived.
  void on_answer(const Request& r, int32_t endpoint, SimTime latency)
  {
    if (!r.measured) return;
    EndpointStats& e = endpoints_[endpoint < 0 ? 0 : static_cast<size_t>(endpoint)];
    e.answered.add(r.status);
    interval_answered_.add(r.status);
    if (r.status == kOk) e.interval_latency.record(latency.ns());
  }
  void on_call(bool measured)
  {
    if (measured) ++calls_, ++interval_calls_;
  }
  void on_call_failed(bool measured)
  {
    if (measured) ++calls_failed_;
  }

  // The interval's figures; then the interval's histograms join the window's.
  struct Interval {
    uint64_t arrived = 0, calls = 0;
    StatusCounts answered;
    engine::LatencyHistogram latency;
  };
  const Interval& close_interval();
  void reset();  // the end of warm-up

  uint64_t arrived() const { return arrived_; }
  uint64_t calls() const { return calls_; }
  uint64_t calls_failed() const { return calls_failed_; }
  const std::vector<EndpointStats>& endpoints() const { return endpoints_; }
  // Every endpoint's latencies together, and their answers.
  engine::LatencyHistogram latency() const;
  StatusCounts answered() const;

private:
  std::vector<EndpointStats> endpoints_;
  uint64_t arrived_ = 0, calls_ = 0, calls_failed_ = 0;
  uint64_t interval_arrived_ = 0, interval_calls_ = 0;
  StatusCounts interval_answered_;
  Interval interval_;
};

}  // namespace lbsim::models
