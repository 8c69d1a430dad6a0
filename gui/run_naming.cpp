#include "gui/run_naming.hpp"

#include "gui/study_data.hpp"

#include <algorithm>
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

// Labels that share a long beginning and end (two study points' folders that differ only in the
// algorithm, deep in a long key): each label's differing part, from the key before it to the end
// of its value, with "…" for what they all share, so that a legend that elides the end of a long
// name never cuts it off. Labels that are short, or that are all alike, are kept.
QStringList differing_parts(const QStringList& labels)
{
  constexpr qsizetype kLong = 40;  // shorter labels fit a legend whole
  if (labels.size() < 2) return labels;
  qsizetype shortest = labels.front().size();
  for (const QString& l : labels) shortest = std::min(shortest, l.size());
  if (shortest < kLong) return labels;
  qsizetype prefix = 0, suffix = 0;
  const auto same_at = [&](auto index) {
    for (const QString& l : labels)
      if (l[index(l)] != labels.front()[index(labels.front())]) return false;
    return true;
  };
  while (prefix < shortest && same_at([&](const QString&) { return prefix; })) ++prefix;
  if (prefix == shortest) return labels;
  while (suffix < shortest - prefix && same_at([&](const QString& l) { return l.size() - 1 - suffix; })) ++suffix;
  // Whole words: back to the separator before the differing word's key, on to the one after its value.
  const QString separators = "/ ,;.";
  while (prefix > 0 && !separators.contains(labels.front()[prefix - 1])) --prefix;
  while (suffix > 0 && !separators.contains(labels.front()[labels.front().size() - suffix])) --suffix;
  QStringList parts;
  for (const QString& l : labels)
    parts << (prefix > 0 ? "…" : "") + l.mid(prefix, l.size() - prefix - suffix) + (suffix > 0 ? "…" : "");
  return parts;
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
  if (differing.isEmpty()) names = differing_parts(names);
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
