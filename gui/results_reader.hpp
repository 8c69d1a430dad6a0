// Reading what `lbsim run --out` and `lbsim study --out` wrote (docs/results.md, docs/studies.md)
// into the GUI's data: summary.json, timeseries.csv, servers.csv, links.csv and services.csv of a
// run; summary.csv of a study. Errors (a missing or malformed file) throw std::runtime_error naming the file.
#pragma once

#include "gui/run_data.hpp"
#include "gui/study_data.hpp"

#include <QString>

namespace lbsim::gui {

bool is_study_dir(const QString& dir);  // has a summary.csv (and no summary.json)
RunData read_run_dir(const QString& dir);
StudyData read_study_dir(const QString& dir);
// Splits one CSV record (RFC 4180 quotes) into fields.
QStringList split_csv_line(const QString& line);

}  // namespace lbsim::gui
