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
  QString label;  // "algorithm = round_robin, servers = 4"; the metric's title when nothing else varies
  std::vector<double> x, mean, ci;  // mean and ci in the metric's chart unit (study_metric_label)
};

// How a chart names a varied key: the shortest tail of its dotted path that tells it apart from the
// other varied keys, e.g. "algorithm" for balancer.algorithm, "rate" for clients[0].arrivals.rate.
QString study_key_label(const QStringList& varied, int key);
// A reported metric as a chart shows it: a title in words with its unit, and the factor from the
// summary's unit (latency_s.p99 -> "p99 latency (ms)", x 1000; utilization -> %, x 100).
struct StudyMetricLabel {
  QString title;
  double scale = 1;
};
StudyMetricLabel study_metric_label(const QString& metric);
// True when some value of the key has no leading number (an algorithm name): its values are
// categories, placed in order of appearance and named on the axis.
bool study_key_is_categorical(const StudyData& study, int key);

// The leading number of a value ("200/s" -> 200, "10 ms" -> 10); the position in `fallback` order
// when the value has none (an algorithm name).
double study_axis_value(const QString& value, int fallback);
// Lines of `metric` against the varied key `x_key`, one per combination of the other keys. A
// categorical key's values are at 0, 1, 2, ... in order of appearance (`categories`, when given,
// receives their names).
std::vector<StudyLine> study_lines(const StudyData& study, int x_key, int metric, QStringList* categories = nullptr);

}  // namespace lbsim::gui
