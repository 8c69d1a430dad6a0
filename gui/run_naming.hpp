// How runs are named side by side (legends, the comparison table's columns): by what differs between
// them, the algorithm or a --set key and its value, so that the part that tells two runs apart is
// the whole name and never the part a narrow legend cuts off.
#pragma once

#include "gui/run_data.hpp"

#include <QStringList>

#include <vector>

namespace lbsim::gui {

// One name per run, in order. One run: its label. Several: the settings whose values differ
// between them (RunData::settings), an algorithm by its value alone ("least_connections"), any
// other key by its shortest unambiguous end and its value ("rate = 300/s"; "(default)" for a live
// run not given that key; a results folder, which does not record its overrides, is left out of
// that key); runs that differ in no setting keep their labels (the folder's name, or "#2"),
// numbered when those are the same too, or, for long labels that share a beginning and an end,
// the part that differs ("…algorithm=round_robin…").
QStringList distinguishing_names(const std::vector<const RunData*>& runs);

// --set overrides ("KEY=VALUE") into a run's settings: a key it has takes the new value.
void add_overrides(QList<QPair<QString, QString>>& settings, const QStringList& overrides);

}  // namespace lbsim::gui
