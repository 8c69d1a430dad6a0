// Decimation for live charts: a series of any length drawn with at most a fixed number of points,
// keeping each bucket's lowest and highest value so that spikes stay visible.
#pragma once

#include <QPointF>
#include <QList>

#include <vector>

namespace lbsim::gui {

// At most max_points points (max_points >= 4): the first and last point, and per bucket of equal
// x-order width its minimum and maximum in x order. Shorter series come back unchanged.
QList<QPointF> decimate(const std::vector<double>& x, const std::vector<double>& y, int max_points);

}  // namespace lbsim::gui
