#include "gui/help_viewer.hpp"

#include "gui/shipped_files.hpp"

#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QTextBrowser>
#include <QUrl>
#include <QVBoxLayout>

namespace lbsim::gui {

HelpViewer::HelpViewer(const QString& path, QWidget* parent) : QDialog(parent), browser_(new QTextBrowser(this))
{
  setObjectName("HelpViewer");
  setWindowTitle(tr("lbsim-gui help"));
  setAttribute(Qt::WA_DeleteOnClose);
  auto* where = new QLabel(this);
  where->setTextInteractionFlags(Qt::TextSelectableByMouse);
  where->setWordWrap(true);
  QFile file(path);
  if (!path.isEmpty() && file.open(QIODevice::ReadOnly | QIODevice::Text)) {
    where->setText(QDir::toNativeSeparators(path));
    // Relative links and images (images/main-window.png) resolve from the document's folder.
    browser_->setSearchPaths({QFileInfo(path).absolutePath()});
    browser_->setOpenExternalLinks(true);
    browser_->setMarkdown(QString::fromUtf8(file.readAll()));
  } else {
    where->setText(tr("The documentation (docs/gui.md) was not found here."));
    browser_->setMarkdown(tr("The GUI's documentation is `docs/gui.md` in lbsim's sources, installed as "
                             "`share/doc/lbsim/gui.md`. Looked in:\n\n") +
                          "- `" + docs_dirs().join("`\n- `") + "`\n");
  }
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(where);
  layout->addWidget(browser_, 1);
  layout->addWidget(buttons);
  resize(900, 700);
}

QString HelpViewer::text() const { return browser_->toPlainText(); }

}  // namespace lbsim::gui
