// StudyData: a study's summary.csv (docs/studies.md) as the GUI plots it: one metric against one
// varied parameter, with confidence half-widths, one line per value of the other varied keys.
#pragma once

#include <QString>
#include <QStringList>

#include <vector>

namespace lbsim::gui {

struct StudyData {
  QString name;
  QStringList varied;   // varied keys, in file order
  QStringList metrics;  // reported metrics (without _mean / _ci)
  struct Point {
    QStringList values;          // one per varied key
    std::vector<double> mean;    // one per metric (NaN when empty)
    std::vector<double> ci;      // half-width (0 when empty)
  };
  std::vector<Point> points;
};

// A line of a study chart: the points that share every varied value but the x parameter.
struct StudyLine {
  QString label;
  std::vector<double> x, mean, ci;
};

// The leading number of a value ("200/s" -> 200, "10 ms" -> 10); the position in `fallback` order
// when the value has none (an algorithm name).
double study_axis_value(const QString& value, int fallback);
// Lines of `metric` against the varied key `x_key`, one per combination of the other keys.
std::vector<StudyLine> study_lines(const StudyData& study, int x_key, int metric);

}  // namespace lbsim::gui
