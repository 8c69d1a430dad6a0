#include "engine/distributions.hpp"

#include "engine/exponential.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

namespace lbsim::engine {

namespace {

// Locale-independent, %g-like: "0.004", "1.5e-05".
std::string format_number(double x)
{
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, x, std::chars_format::general, 6);
  return std::string(buffer, result.ptr);
}

[[noreturn]] void reject(const std::string& what, const std::string& rule, double got)
{
  throw std::invalid_argument(what + ": " + rule + " (got " + format_number(got) + ")");
}

// Written as !(x > 0) and so on so that NaN is rejected too.
void require_positive(const char* what, const char* name, double x)
{
  if (!(x > 0.0) || !std::isfinite(x)) reject(what, std::string(name) + " must be a finite number > 0", x);
}

void require_non_negative(const char* what, const char* name, double x)
{
  if (!(x >= 0.0) || !std::isfinite(x)) reject(what, std::string(name) + " must be a finite number >= 0", x);
}

class Constant final : public Distribution {
public:
  explicit Constant(double value) : value_(value) {}
  double sample(RngStream&) const override { return value_; }
  double mean() const override { return value_; }
  double variance() const override { return 0.0; }
  std::string describe() const override { return "constant(value=" + format_number(value_) + " s)"; }

private:
  double value_;
};

class Exponential final : public Distribution {
public:
  explicit Exponential(double mean) : mean_(mean) {}
  double sample(RngStream& rng) const override { return mean_ * standard_exponential(rng); }
  double mean() const override { return mean_; }
  double variance() const override { return mean_ * mean_; }
  std::string describe() const override { return "exponential(mean=" + format_number(mean_) + " s)"; }

private:
  double mean_;
};

class Uniform final : public Distribution {
public:
  Uniform(double min, double max) : min_(min), max_(max) {}
  double sample(RngStream& rng) const override { return min_ + (max_ - min_) * rng.uniform01(); }
  double mean() const override { return 0.5 * (min_ + max_); }
  double variance() const override { return (max_ - min_) * (max_ - min_) / 12.0; }
  std::string describe() const override
  {
    return "uniform(min=" + format_number(min_) + " s, max=" + format_number(max_) + " s)";
  }

private:
  double min_;
  double max_;
};

class Lognormal final : public Distribution {
public:
  Lognormal(double mean, double cv)
      : mean_(mean), cv_(cv), sigma_(std::sqrt(std::log1p(cv * cv))),
        mu_(std::log(mean) - 0.5 * std::log1p(cv * cv))
  {
  }
  double sample(RngStream& rng) const override { return std::exp(mu_ + sigma_ * rng.standard_normal()); }
  double mean() const override { return mean_; }
  double variance() const override { return (cv_ * mean_) * (cv_ * mean_); }
  std::string describe() const override
  {
    return "lognormal(mean=" + format_number(mean_) + " s, cv=" + format_number(cv_) + ")";
  }

private:
  double mean_;
  double cv_;
  double sigma_;
  double mu_;
};

// Sum of k exponential phases (rather than -ln of a product of uniforms, which underflows to 0
// for k in the hundreds).
class Erlang final : public Distribution {
public:
  Erlang(double mean, int k) : mean_(mean), k_(k) {}
  double sample(RngStream& rng) const override
  {
    double sum = 0.0;
    for (int i = 0; i < k_; ++i) sum += standard_exponential(rng);
    return (mean_ / k_) * sum;
  }
  double mean() const override { return mean_; }
  double variance() const override { return mean_ * mean_ / k_; }
  std::string describe() const override
  {
    return "erlang(mean=" + format_number(mean_) + " s, k=" + std::to_string(k_) + ")";
  }

private:
  double mean_;
  int k_;
};

// Balanced means: p1/rate1 == p2/rate2 == mean/2, the usual way to fit an H2 to
// two moments. cv == 1 gives p1 = p2 = 1/2 and equal rates, i.e. an exponential
// (still two draws, so a cv sweep keeps its streams aligned).
class Hyperexponential final : public Distribution {
public:
  Hyperexponential(double mean, double cv) : mean_(mean), cv_(cv)
  {
    const double scv = cv * cv;
    p1_ = 0.5 * (1.0 + std::sqrt((scv - 1.0) / (scv + 1.0)));
    mean1_ = mean / (2.0 * p1_);          // 1 / rate1
    mean2_ = mean / (2.0 * (1.0 - p1_));  // 1 / rate2
  }
  double sample(RngStream& rng) const override
  {
    const double phase_mean = rng.uniform01() < p1_ ? mean1_ : mean2_;
    return phase_mean * standard_exponential(rng);
  }
  double mean() const override { return mean_; }
  double variance() const override
  {
    // E[X^2] = 2 sum p_i / rate_i^2; equals (1 + cv^2) mean^2 by construction.
    const double second = 2.0 * (p1_ * mean1_ * mean1_ + (1.0 - p1_) * mean2_ * mean2_);
    return second - mean_ * mean_;
  }
  std::string describe() const override
  {
    return "hyperexponential(mean=" + format_number(mean_) + " s, cv=" + format_number(cv_) + ")";
  }

private:
  double mean_;
  double cv_;
  double p1_ = 0.5;
  double mean1_ = 0.0;
  double mean2_ = 0.0;
};

class Pareto final : public Distribution {
public:
  Pareto(double mean, double alpha) : mean_(mean), alpha_(alpha), xm_(mean * (alpha - 1.0) / alpha) {}
  // Inverse CDF: xm / U^(1/alpha) with U in (0,1), so the value is finite.
  double sample(RngStream& rng) const override
  {
    return xm_ * std::pow(rng.uniform_open01(), -1.0 / alpha_);
  }
  double mean() const override { return mean_; }
  double variance() const override
  {
    if (alpha_ <= 2.0) return std::numeric_limits<double>::infinity();
    return xm_ * xm_ * alpha_ / ((alpha_ - 1.0) * (alpha_ - 1.0) * (alpha_ - 2.0));
  }
  std::string describe() const override
  {
    return "pareto(mean=" + format_number(mean_) + " s, alpha=" + format_number(alpha_) + ")";
  }

private:
  double mean_;
  double alpha_;
  double xm_;
};

class Empirical final : public Distribution {
public:
  explicit Empirical(std::vector<double> values) : values_(std::move(values))
  {
    // Two passes: the variance of nearly equal values stays accurate.
    double sum = 0.0;
    for (const double v : values_) sum += v;
    const double n = static_cast<double>(values_.size());
    mean_ = sum / n;
    double squares = 0.0;
    for (const double v : values_) squares += (v - mean_) * (v - mean_);
    variance_ = squares / n;  // population variance: the set is the distribution
  }
  double sample(RngStream& rng) const override { return values_[rng.below(values_.size())]; }
  double mean() const override { return mean_; }
  double variance() const override { return variance_; }
  std::string describe() const override
  {
    return "empirical(n=" + std::to_string(values_.size()) + ", mean=" + format_number(mean_) + " s)";
  }

private:
  std::vector<double> values_;
  double mean_ = 0.0;
  double variance_ = 0.0;
};

}  // namespace

std::unique_ptr<Distribution> make_constant(double value)
{
  require_non_negative("constant", "value", value);
  return std::make_unique<Constant>(value);
}

std::unique_ptr<Distribution> make_exponential(double mean)
{
  require_positive("exponential", "mean", mean);
  return std::make_unique<Exponential>(mean);
}

std::unique_ptr<Distribution> make_uniform(double min, double max)
{
  require_non_negative("uniform", "min", min);
  require_non_negative("uniform", "max", max);
  if (min > max) reject("uniform", "max must be >= min (min is " + format_number(min) + ")", max);
  return std::make_unique<Uniform>(min, max);
}

std::unique_ptr<Distribution> make_lognormal(double mean, double cv)
{
  require_positive("lognormal", "mean", mean);
  require_positive("lognormal", "cv", cv);
  return std::make_unique<Lognormal>(mean, cv);
}

std::unique_ptr<Distribution> make_erlang(double mean, int k)
{
  require_positive("erlang", "mean", mean);
  if (k < 1) reject("erlang", "k must be an integer >= 1", k);
  return std::make_unique<Erlang>(mean, k);
}

std::unique_ptr<Distribution> make_hyperexponential(double mean, double cv)
{
  require_positive("hyperexponential", "mean", mean);
  if (!(cv >= 1.0) || !std::isfinite(cv))
    reject("hyperexponential", "cv must be a finite number >= 1 (use erlang for cv < 1)", cv);
  return std::make_unique<Hyperexponential>(mean, cv);
}

std::unique_ptr<Distribution> make_pareto(double mean, double alpha)
{
  require_positive("pareto", "mean", mean);
  if (!(alpha > 1.0) || !std::isfinite(alpha))
    reject("pareto", "alpha must be a finite number > 1 (the mean is infinite otherwise)", alpha);
  return std::make_unique<Pareto>(mean, alpha);
}

std::unique_ptr<Distribution> make_empirical(std::vector<double> samples)
{
  if (samples.empty()) throw std::invalid_argument("empirical: needs at least one value");
  for (const double v : samples) require_non_negative("empirical", "every value", v);
  return std::make_unique<Empirical>(std::move(samples));
}

}  // namespace lbsim::engine
