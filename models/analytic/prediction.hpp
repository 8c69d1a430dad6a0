// AnalyticPrediction: what queueing theory says a scenario's response time should be, or why no
// model applies. Plain data (no solver types), so that RunSummary can carry it.
#pragma once

#include <cmath>
#include <optional>
#include <string>
#include <vector>

namespace lbsim::models::analytic {

struct AnalyticPrediction {
  std::string model;       // e.g. "M/M/1", "E_2/M/1 per server"; empty when no model applies
  std::string reason;      // why no model applies (when `model` is empty)
  std::string parameters;  // what the model was given, e.g. "lambda = 80/s, E[S] = 10 ms, rho = 0.8"
  std::string note;        // caveats, e.g. "N -> infinity limit"; may be empty
  double mean_s = 0;             // mean response time (of admitted requests), seconds
  std::optional<double> p99_s;   // 99th percentile of the response time, when the model gives it
  std::optional<double> p_block; // probability that a request is refused (503), when the queue is finite
  std::optional<double> throughput_per_s;  // closed loops: the throughput X the users get

  bool applies() const { return !model.empty(); }
};

// One closed form of the gateway (models/analytic/gateway_match.hpp) beside its simulated
// counterpart; `model` empty when none applies (`reason`).
struct GatewayPrediction {
  std::string quantity;    // "cache hit ratio", "preflights per request", "per-ip admitted/s"
  std::string model;       // the closed form used
  std::string parameters;  // what it was given
  std::string reason;      // why no closed form applies
  double analytic = 0;
  double simulated = 0;
  // A concurrency limit's Erlang B needs the mean holding time, which only the run knows: what
  // the form needs besides, completed once the run is summarized.
  struct ErlangInput {
    double rate_per_key = 0;          // Poisson requests per second per key
    int limit = 0;                    // requests at once per key
    std::vector<std::string> routes;  // whose upstream time is the holding time
  };
  std::optional<ErlangInput> erlang;
  bool applies() const { return !model.empty(); }
};

// (simulated - analytic) / analytic; NaN when analytic is 0 or either is not finite.
inline double relative_error(double simulated, double analytic)
{
  if (!(analytic != 0) || !std::isfinite(analytic) || !std::isfinite(simulated)) return std::nan("");
  return (simulated - analytic) / analytic;
}

}  // namespace lbsim::models::analytic
