#include "gui/run_naming.hpp"

#include "gui/study_data.hpp"

#include <optional>

namespace lbsim::gui {

namespace {

// A run's value of `key`: "(default)" for a key a live run was not given, nullopt when unknown
// (a results folder does not record the overrides it was made with).
std::optional<QString> value_of(const RunData& run, const QString& key)
{
  for (const auto& [k, v] : run.settings)
    if (k == key) return v;
  if (run.overrides_known) return QString("(default)");
  return std::nullopt;
}

}  // namespace

QStringList distinguishing_names(const std::vector<const RunData*>& runs)
{
  QStringList names;
  if (runs.size() == 1) return {runs.front()->label};
  // Every key any run has, in order of first appearance; those whose values differ.
  QStringList keys;
  for (const RunData* run : runs)
    for (const auto& [k, v] : run->settings)
      if (!keys.contains(k)) keys << k;
  // A key differs when two runs that know their value of it have different ones.
  QStringList differing;
  for (const QString& key : keys) {
    std::optional<QString> first;
    for (const RunData* run : runs) {
      const std::optional<QString> value = value_of(*run, key);
      if (!value) continue;
      if (!first) first = value;
      else if (*value != *first) {
        differing << key;
        break;
      }
    }
  }
  for (const RunData* run : runs) {
    QStringList parts;
    for (qsizetype i = 0; i < differing.size(); ++i) {
      const std::optional<QString> value = value_of(*run, differing[i]);
      if (!value) continue;
      if (differing[i].endsWith("algorithm")) parts << *value;
      else parts << study_key_label(differing, static_cast<int>(i)) + " = " + *value;
    }
    names << (parts.isEmpty() ? run->label : parts.join(", "));
  }
  // Still the same (identical settings and labels): number them in order.
  for (qsizetype i = 0; i < names.size(); ++i) {
    int same = 0;
    for (qsizetype j = 0; j < names.size(); ++j) same += names[j] == names[i] ? 1 : 0;
    if (same < 2) continue;
    const QString name = names[i];
    int n = 0;
    for (qsizetype j = 0; j < names.size(); ++j)
      if (names[j] == name) names[j] = name + QString(" #%1").arg(++n);
  }
  return names;
}

void add_overrides(QList<QPair<QString, QString>>& settings, const QStringList& overrides)
{
  for (const QString& o : overrides) {
    const qsizetype eq = o.indexOf('=');
    if (eq <= 0) continue;
    const QString key = o.left(eq).trimmed(), value = o.mid(eq + 1).trimmed();
    bool found = false;
    for (auto& [k, v] : settings)
      if (k == key) v = value, found = true;
    if (!found) settings.append({key, value});
  }
}

}  // namespace lbsim::gui
