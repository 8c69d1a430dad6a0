#include "gui/study_data.hpp"

#include <QRegularExpression>

#include <map>

namespace lbsim::gui {

double study_axis_value(const QString& value, int fallback)
{
  static const QRegularExpression number(R"(^\s*([-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?))");
  const QRegularExpressionMatch m = number.match(value);
  return m.hasMatch() ? m.captured(1).toDouble() : fallback;
}

std::vector<StudyLine> study_lines(const StudyData& study, int x_key, int metric)
{
  std::map<QString, StudyLine> lines;  // ordered by label: the same order every time
  std::map<QString, int> x_positions;  // for values without a number, their order of appearance
  for (const StudyData::Point& p : study.points) {
    QStringList others;
    for (int k = 0; k < p.values.size(); ++k)
      if (k != x_key) others << p.values[k];
    const QString label = others.isEmpty() ? study.metrics.value(metric) : others.join(", ");
    const QString& xv = p.values.value(x_key);
    const int position = x_positions.try_emplace(xv, static_cast<int>(x_positions.size())).first->second;
    StudyLine& line = lines[label];
    line.label = label;
    line.x.push_back(study_axis_value(xv, position));
    line.mean.push_back(p.mean.at(static_cast<size_t>(metric)));
    line.ci.push_back(p.ci.at(static_cast<size_t>(metric)));
  }
  std::vector<StudyLine> out;
  for (auto& [label, line] : lines) out.push_back(std::move(line));
  return out;
}

}  // namespace lbsim::gui
