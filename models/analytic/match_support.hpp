// What the matchers of scenarios to models (model_match.cpp, jackson.cpp) share: how a work
// distribution is recognised, and how numbers and times are written in parameters and reasons.
#pragma once

#include "engine/distributions.hpp"
#include "models/analytic/prediction.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace lbsim::models::analytic::detail {

inline std::string number(double x)
{
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.6g", x);
  return buffer;
}

inline std::string time_text(double seconds)
{
  const double a = std::abs(seconds);
  if (a != 0 && a < 1e-3) return number(seconds * 1e6) + " us";
  if (a != 0 && a < 1) return number(seconds * 1e3) + " ms";
  return number(seconds) + " s";
}

inline AnalyticPrediction no_model(std::string reason)
{
  AnalyticPrediction p;
  p.reason = std::move(reason);
  return p;
}

// "exponential" of "exponential(mean=0.004 s)": the family a Distribution describes itself as.
inline std::string family(const engine::Distribution& d)
{
  const std::string text = d.describe();
  return text.substr(0, text.find('('));
}

// Exponential in law: exponential, or Erlang with k = 1, or a hyperexponential with cv = 1.
inline bool is_exponential(const engine::Distribution& d)
{
  const std::string f = family(d);
  if (f == "exponential") return true;
  if (f != "erlang" && f != "hyperexponential") return false;
  const double m = d.mean();
  return m > 0 && std::abs(d.variance() / (m * m) - 1.0) < 1e-9;
}

inline bool same(double a, double b) { return std::abs(a - b) <= 1e-12 * std::max(std::abs(a), std::abs(b)); }

}  // namespace lbsim::models::analytic::detail
