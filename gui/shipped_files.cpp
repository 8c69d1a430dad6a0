#include "gui/shipped_files.hpp"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace lbsim::gui {

namespace {
QString source_path(const char* relative) { return QDir(LBSIM_SOURCE_DIR).filePath(relative); }

// bin/lbsim-gui -> PREFIX/share/...: the layout cmake --install writes (cmake/packaging.cmake).
QString installed_path(const char* relative)
{
  return QDir(QCoreApplication::applicationDirPath()).filePath(QString("../share/") + relative);
}

QStringList existing(const QStringList& dirs)
{
  QStringList out;
  for (const QString& d : dirs)
    if (QFileInfo(d).isDir()) out << QFileInfo(d).canonicalFilePath();
  out.removeDuplicates();
  return out;
}
}  // namespace

QStringList shipped_example_dirs()
{
  return existing({source_path("examples"), QString(LBSIM_EXAMPLES_DIR), installed_path("lbsim/examples")});
}

QString examples_dir()
{
  if (QFileInfo(LBSIM_EXAMPLES_DIR).isDir()) return LBSIM_EXAMPLES_DIR;
  const QStringList dirs = existing({source_path("examples"), installed_path("lbsim/examples")});
  return dirs.value(0);
}

QString teaching_dir()
{
  const QStringList dirs = existing({source_path("examples/teaching"), installed_path("lbsim/examples/teaching")});
  return dirs.value(0);
}

bool is_shipped_example(const QString& path)
{
  // A file not yet written resolves through its folder.
  const QFileInfo info(path);
  QString resolved = info.exists() ? info.canonicalFilePath() : QString();
  if (resolved.isEmpty()) {
    const QString dir = info.absoluteDir().canonicalPath();
    if (dir.isEmpty()) return false;
    resolved = QDir(dir).filePath(info.fileName());
  }
  for (const QString& dir : shipped_example_dirs())
    if (resolved.startsWith(dir + '/')) return true;
  return false;
}

QStringList docs_dirs() { return {source_path("docs"), installed_path("doc/lbsim")}; }

QString docs_file(const QString& name)
{
  for (const QString& dir : docs_dirs()) {
    const QString path = QDir(dir).filePath(name);
    if (QFileInfo(path).isFile()) return QFileInfo(path).canonicalFilePath();
  }
  return QString();
}

}  // namespace lbsim::gui
