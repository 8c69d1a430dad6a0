// Where lbsim-gui finds the files that come with it (the examples, the teaching scenarios, the
// docs): in the source tree it was built from, else where `cmake --install` puts them beside the
// binary (share/lbsim/examples, share/doc/lbsim). Also tells whether a path is one of them, so that
// Save never overwrites a shipped example.
#pragma once

#include <QString>
#include <QStringList>

namespace lbsim::gui {

// The folders of shipped examples that exist here (the teaching scenarios are inside them).
QStringList shipped_example_dirs();
// The shared examples' folder for File > Examples, and the teaching scenarios' for File > Teaching.
QString examples_dir();
QString teaching_dir();
// True when `path` is a file under one of shipped_example_dirs() (links and ".." resolved).
bool is_shipped_example(const QString& path);
// docs/NAME (e.g. "gui.md"), or empty when no copy of the docs is found.
QString docs_file(const QString& name);
// Where docs_file() looks, for a message when it finds nothing.
QStringList docs_dirs();

}  // namespace lbsim::gui
