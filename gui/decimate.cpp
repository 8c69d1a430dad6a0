#include "gui/decimate.hpp"

#include <algorithm>
#include <cmath>

namespace lbsim::gui {

QList<QPointF> decimate(const std::vector<double>& x, const std::vector<double>& y, int max_points)
{
  const size_t n = std::min(x.size(), y.size());
  QList<QPointF> out;
  const auto limit = static_cast<size_t>(std::max(max_points, 4));
  if (n <= limit) {
    out.reserve(static_cast<qsizetype>(n));
    for (size_t i = 0; i < n; ++i)
      if (std::isfinite(y[i])) out.append(QPointF(x[i], y[i]));
    return out;
  }
  const size_t buckets = (limit - 2) / 2;
  out.append(QPointF(x[0], y[0]));
  for (size_t b = 0; b < buckets; ++b) {
    const size_t begin = 1 + b * (n - 2) / buckets, end = 1 + (b + 1) * (n - 2) / buckets;
    size_t lo = begin, hi = begin;
    for (size_t i = begin; i < end; ++i) {
      if (!std::isfinite(y[i])) continue;
      if (!std::isfinite(y[lo]) || y[i] < y[lo]) lo = i;
      if (!std::isfinite(y[hi]) || y[i] > y[hi]) hi = i;
    }
    for (size_t i : {std::min(lo, hi), std::max(lo, hi)})
      if (std::isfinite(y[i]) && (out.isEmpty() || out.back().x() != x[i])) out.append(QPointF(x[i], y[i]));
  }
  out.append(QPointF(x[n - 1], y[n - 1]));
  return out;
}

}  // namespace lbsim::gui
