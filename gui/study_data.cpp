#include "gui/study_data.hpp"

#include <QRegularExpression>

#include <map>
#include <optional>

namespace lbsim::gui {

namespace {
std::optional<double> leading_number(const QString& value)
{
  static const QRegularExpression number(R"(^\s*([-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?))");
  const QRegularExpressionMatch m = number.match(value);
  if (!m.hasMatch()) return std::nullopt;
  return m.captured(1).toDouble();
}
}  // namespace

double study_axis_value(const QString& value, int fallback) { return leading_number(value).value_or(fallback); }

QString study_key_label(const QStringList& varied, int key)
{
  const QStringList parts = varied.value(key).split('.');
  for (qsizetype n = 1; n <= parts.size(); ++n) {
    const QString tail = parts.mid(parts.size() - n).join('.');
    bool unique = true;
    for (int other = 0; other < varied.size(); ++other)
      if (other != key && (varied[other] == tail || varied[other].endsWith('.' + tail))) unique = false;
    if (unique) return tail;
  }
  return varied.value(key);
}

StudyMetricLabel study_metric_label(const QString& metric)
{
  // servers[web-1].utilization -> "web-1 utilization"; latency_s.p99 -> "p99 latency (ms)".
  static const QRegularExpression named(R"(^(\w+)\[([^\]]+)\]\.(.+)$)");
  QString subject, what = metric;
  if (const QRegularExpressionMatch m = named.match(metric); m.hasMatch()) subject = m.captured(2), what = m.captured(3);
  QStringList words = what.split('.');
  StudyMetricLabel label;
  QString unit;
  QString& head = words.front();
  if (head.endsWith("_s")) head.chop(2), unit = "ms", label.scale = 1e3;
  else if (head.endsWith("_rps")) head.chop(4), unit = "req/s";
  else if (head.endsWith("_bytes")) head.chop(6), unit = "bytes";
  if (words.back() == "utilization") unit = "%", label.scale = 100;
  if (words.size() == 2 && unit == "ms") std::swap(words[0], words[1]);  // "p99 latency"
  label.title = (subject.isEmpty() ? QString() : subject + " ") + words.join(' ').replace('_', ' ');
  if (!unit.isEmpty()) label.title += " (" + unit + ")";
  return label;
}

bool study_key_is_categorical(const StudyData& study, int key)
{
  for (const StudyData::Point& p : study.points)
    if (!leading_number(p.values.value(key))) return true;
  return false;
}

std::vector<StudyLine> study_lines(const StudyData& study, int x_key, int metric, QStringList* categories)
{
  const bool categorical = study_key_is_categorical(study, x_key);
  const double scale = study_metric_label(study.metrics.value(metric)).scale;
  std::map<QString, StudyLine> lines;  // ordered by label: the same order every time
  std::map<QString, int> x_positions;  // for categories, their order of appearance
  if (categories) categories->clear();
  for (const StudyData::Point& p : study.points) {
    QStringList others;
    for (int k = 0; k < p.values.size(); ++k)
      if (k != x_key) others << study_key_label(study.varied, k) + " = " + p.values[k];
    const QString label = others.isEmpty() ? study_metric_label(study.metrics.value(metric)).title : others.join(", ");
    const QString& xv = p.values.value(x_key);
    const auto [at, added] = x_positions.try_emplace(xv, static_cast<int>(x_positions.size()));
    if (added && categories) *categories << xv;
    StudyLine& line = lines[label];
    line.label = label;
    line.x.push_back(categorical ? at->second : study_axis_value(xv, at->second));
    line.mean.push_back(p.mean.at(static_cast<size_t>(metric)) * scale);
    line.ci.push_back(p.ci.at(static_cast<size_t>(metric)) * scale);
  }
  std::vector<StudyLine> out;
  for (auto& [label, line] : lines) out.push_back(std::move(line));
  return out;
}

}  // namespace lbsim::gui
