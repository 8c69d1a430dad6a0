// Distribution: non-negative random durations in seconds (service demands,
// think times, inter-arrival gaps). Our own samplers over RngStream, because
// std:: distributions differ between standard libraries.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/rng.hpp"

namespace lbsim::engine {

class Distribution {
public:
  virtual ~Distribution() = default;

  // A value in seconds, >= 0. Each sampler documents how many draws it uses,
  // so streams stay aligned across parameter sweeps.
  virtual double sample(RngStream& rng) const = 0;
  virtual double mean() const = 0;
  // std::numeric_limits<double>::infinity() when the variance is infinite.
  virtual double variance() const = 0;
  // For logs and reports, e.g. "exponential(mean=0.004 s)".
  virtual std::string describe() const = 0;
};

// Each factory throws std::invalid_argument on impossible (or non-finite) parameters.

// Always `value`; draws nothing.
std::unique_ptr<Distribution> make_constant(double value);
// Inverse CDF -mean * ln(U), U in (0,1); one draw.
std::unique_ptr<Distribution> make_exponential(double mean);
// min + (max - min) * U, U in [0,1); one draw. 0 <= min <= max.
std::unique_ptr<Distribution> make_uniform(double min, double max);
// exp(mu + sigma Z) with sigma^2 = ln(1 + cv^2), mu = ln(mean) - sigma^2 / 2; two draws.
std::unique_ptr<Distribution> make_lognormal(double mean, double cv);
// Sum of k exponentials of mean mean/k (cv = 1/sqrt(k)); k draws.
std::unique_ptr<Distribution> make_erlang(double mean, int k);
// Two-phase hyperexponential with balanced means, cv >= 1; two draws.
std::unique_ptr<Distribution> make_hyperexponential(double mean, double cv);
// Pareto with scale xm = mean (alpha - 1) / alpha, alpha > 1; one draw.
std::unique_ptr<Distribution> make_pareto(double mean, double alpha);
// One of the given values, each with probability 1/n; one below(n) call.
std::unique_ptr<Distribution> make_empirical(std::vector<double> samples);

}  // namespace lbsim::engine
