// DiscretePopularity: which of K resources a request asks for, id 1 the most popular. Zipf(s, K)
// (P(i) = i^-s / H_{K,s}, s >= 0; s = 0 is uniform) or uniform over 1..K, drawn from an RngStream
// with its own draws only (no std:: distributions), so a seed gives the same ids everywhere.
//
// Sampling method (docs/gateway-cache.md): rejection-inversion, Hörmann and Derflinger, "Rejection-
// inversion to generate variates from monotone discrete distributions", ACM TOMACS 6(2), 1996, with
// the hat integral H(x) = (x^(1-s) - 1) / (1 - s) (log x at s = 1) that Apache Commons RNG's
// RejectionInversionZipfSampler uses so that every s > 0 works. Setup is O(1) and a few doubles
// (no table: K = 10^6 or 10^9 costs the same); a draw is one uniform, one exp and one log1p, plus,
// for the rare candidates outside the squeeze, one more exp, log and expm1; a candidate is rejected
// (and another uniform drawn) less than 1.5 % of the time (measured for s in 0.01..20, K 10..10^6;
// about 90 ns per draw at K = 10^6). The alternative, an alias table (Walker), would be O(1) per draw
// but O(K) to build and 12 bytes per id (12 MB at K = 10^6) for every request type that draws ids.
#pragma once

#include "engine/rng.hpp"

#include <cstdint>

namespace lbsim::engine {

class DiscretePopularity {
public:
  // Ids 1..count, each with probability 1 / count. Throws std::invalid_argument when count == 0.
  static DiscretePopularity uniform(uint64_t count);
  // Ids 1..count with P(i) proportional to i^-s. s = 0 is exactly uniform(count) (same draws).
  // Throws std::invalid_argument when count == 0 or s is negative or not finite.
  static DiscretePopularity zipf(uint64_t count, double s);

  uint64_t count() const { return count_; }
  double exponent() const { return s_; }  // 0 for uniform

  // One id in 1..count(). Uniform: exactly one rng.below(count). Zipf: one or more uniform01().
  uint64_t draw(RngStream& rng) const;

private:
  DiscretePopularity(uint64_t count, double s);
  double hat_integral(double x) const;          // H(x)
  double hat_integral_inverse(double u) const;  // H^-1(u)
  double hat(double x) const;                   // h(x) = x^-s

  uint64_t count_ = 1;
  double s_ = 0;
  // Rejection-inversion constants: u is drawn in (h_first_, h_last_], the squeeze width.
  double h_first_ = 0;  // H(1.5) - 1
  double h_last_ = 0;   // H(count + 0.5)
  double squeeze_ = 0;  // 2 - H^-1(H(2.5) - 2^-s)
};

}  // namespace lbsim::engine
