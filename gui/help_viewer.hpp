// HelpViewer: docs/gui.md inside the app, for F1 when the desktop cannot open the file (no
// launcher, a kiosk, an offscreen session): the Markdown rendered, its path on top, never nothing.
#pragma once

#include <QDialog>

class QTextBrowser;

namespace lbsim::gui {

class HelpViewer : public QDialog {
  Q_OBJECT
public:
  // `path`: the Markdown file to show; empty when none was found (the viewer says where it looked).
  explicit HelpViewer(const QString& path, QWidget* parent = nullptr);
  QString text() const;  // what it shows, as plain text

private:
  QTextBrowser* browser_;
};

}  // namespace lbsim::gui
