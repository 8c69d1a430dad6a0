// What a run chart draws, as plain lines (no Qt Charts): the series of each chart kind for one or
// several runs, named by what differs between the runs (run_naming), with the marks that put them
// in context: the SLO, each run's whole-run percentiles, the warm-up and the lifecycle events.
// series_adapter draws them.
#pragma once

#include "gui/run_data.hpp"

#include <QColor>
#include <QString>

#include <optional>
#include <utility>
#include <vector>

namespace lbsim::gui {

enum class ChartKind { Latency, Throughput, InFlight, Utilization, ServersCost, Errors, LoadShare, Links, Status, CacheHit, LatencyCdf, Study };

enum class LineRole {
  Data,    // a series of the runs: the axes fit it, the hover readout names its points
  Level,   // a horizontal reference (the SLO, a whole-run percentile): fitted and read out too
  Warmup,  // the warm-up, shaded over the whole height of the chart (its y set when drawn)
  Event,   // a lifecycle event, a vertical line over the whole height (its y set when drawn)
};

struct Line {
  QString name;
  std::vector<double> x, y;
  bool right_axis = false;
  Qt::PenStyle style = Qt::SolidLine;
  bool in_legend = true;
  int colour = -1;       // index into run_colours(); -1: the next one
  QColor fixed_colour = QColor();  // when valid, this colour instead (the SLO and the marks: never a run's)
  int stack_on = -1;     // stacked: an area from the line of this index (same x) up; -2: from 0; -1: a line
  bool points_only = false;  // markers without a line (categories on x: a line between them means nothing)
  LineRole role = LineRole::Data;
  QString readout_name = QString();  // when not empty, what the readout calls it (a legend entry that names a class)
};

struct ChartLines {
  std::vector<Line> lines;
  QString x_title, y_title, y2_title;
  std::optional<std::pair<double, double>> y_range;  // a fixed range (a CDF's 0 .. 100 %), else fitted
};

// The colours of the runs' series, in order; none of them is slo_colour() nor a mark's colour.
const QList<QColor>& run_colours();
QColor slo_colour();
QColor down_colour();  // the marks of a server that is not up (not one of run_colours())
QColor event_colour(EventClass kind);
QColor warmup_colour();  // translucent

// The lines of a chart of `runs` (every kind but LoadShare and Study).
ChartLines run_lines(ChartKind kind, const std::vector<const RunData*>& runs);

}  // namespace lbsim::gui
