#include "engine/discrete_popularity.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace lbsim::engine {

namespace {

// Below this |x| the series are exact to double precision and avoid 0/0.
constexpr double kSeriesThreshold = 1e-8;

// log(1 + x) / x, continuous at 0.
double log1p_over(double x)
{
  if (std::abs(x) > kSeriesThreshold) return std::log1p(x) / x;
  return 1 - x * (0.5 - x * (1.0 / 3 - 0.25 * x));
}

// (e^x - 1) / x, continuous at 0.
double expm1_over(double x)
{
  if (std::abs(x) > kSeriesThreshold) return std::expm1(x) / x;
  return 1 + x * 0.5 * (1 + x * (1.0 / 3) * (1 + 0.25 * x));
}

}  // namespace

DiscretePopularity DiscretePopularity::uniform(uint64_t count)
{
  if (count == 0) throw std::invalid_argument("DiscretePopularity: needs at least one id");
  return DiscretePopularity(count, 0.0);
}

DiscretePopularity DiscretePopularity::zipf(uint64_t count, double s)
{
  if (count == 0) throw std::invalid_argument("DiscretePopularity: needs at least one id");
  if (!(s >= 0) || !std::isfinite(s))
    throw std::invalid_argument("DiscretePopularity: the Zipf exponent must be >= 0 and finite, got " +
                                std::to_string(s));
  return DiscretePopularity(count, s);
}

DiscretePopularity::DiscretePopularity(uint64_t count, double s) : count_(count), s_(s)
{
  if (s_ == 0) return;
  // The hat h(x) = x^-s on [0.5, K + 0.5] covers P(i) ∝ i^-s: the area under h over
  // [i - 0.5, i + 0.5] is at least h(i) for i >= 2 (h is convex), and the first cell is taken as
  // [H(1.5) - 1, H(1.5)] so that id 1 is always accepted.
  h_first_ = hat_integral(1.5) - 1.0;
  h_last_ = hat_integral(static_cast<double>(count_) + 0.5);
  squeeze_ = 2.0 - hat_integral_inverse(hat_integral(2.5) - hat(2.0));
}

double DiscretePopularity::hat(double x) const { return std::exp(-s_ * std::log(x)); }

// H(x) = (x^(1-s) - 1) / (1 - s) = log(x) (e^((1-s) log x) - 1) / ((1-s) log x); log(x) at s = 1.
double DiscretePopularity::hat_integral(double x) const
{
  const double log_x = std::log(x);
  return expm1_over((1.0 - s_) * log_x) * log_x;
}

// H^-1(u) = (1 + (1-s) u)^(1/(1-s)) = exp(u log(1 + (1-s) u) / ((1-s) u)); e^u at s = 1.
double DiscretePopularity::hat_integral_inverse(double u) const
{
  double t = u * (1.0 - s_);
  if (t < -1) t = -1;  // only by rounding: H never goes below -1/(1-s) for s < 1
  return std::exp(log1p_over(t) * u);
}

uint64_t DiscretePopularity::draw(RngStream& rng) const
{
  if (s_ == 0) return rng.below(count_) + 1;
  const double last = static_cast<double>(count_);
  for (;;) {
    // u uniform on (h_first_, h_last_]: uniform01() is in [0, 1).
    const double u = h_last_ + rng.uniform01() * (h_first_ - h_last_);
    const double x = hat_integral_inverse(u);
    // The nearest id to x, kept in 1..K against rounding.
    double nearest = std::floor(x + 0.5);
    if (nearest < 1) nearest = 1;
    else if (nearest > last) nearest = last;
    // Accept when u falls in the part of id k's cell that is proportional to h(k):
    // u >= H(k + 0.5) - h(k). The squeeze k - x <= squeeze_ implies it (Hörmann and Derflinger's
    // Theorem 2, valid for every s > 0 with this H), and spares the exp and log most of the time.
    // k = 1 always passes: its cell starts at H(1.5) - h(1) = h_first_.
    if (nearest - x <= squeeze_ || u >= hat_integral(nearest + 0.5) - hat(nearest))
      return static_cast<uint64_t>(nearest);
  }
}

}  // namespace lbsim::engine
