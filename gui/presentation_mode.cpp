// MainWindow::set_presentation: presentation mode, apart from the window's other concerns (it
// reaches into every view to make it readable on a projector).
#include "gui/animation_canvas.hpp"
#include "gui/animation_view.hpp"
#include "gui/chart_panel.hpp"
#include "gui/main_window.hpp"
#include "gui/series_adapter.hpp"
#include "gui/topology_view.hpp"
#include "gui/yaml_editor.hpp"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QSplitter>

#include <algorithm>

namespace lbsim::gui {

void MainWindow::set_presentation(bool on)
{
  presentation_action_->setChecked(on);
  if (on == presentation_) return;
  presentation_ = on;
  if (on) {
    normal_font_ = QApplication::font();
    normal_splitter_ = splitter_->saveState();
    QFont large = normal_font_;
    if (large.pointSizeF() > 0) large.setPointSizeF(large.pointSizeF() * 1.5);
    else large.setPixelSize(large.pixelSize() * 3 / 2);
    normal_state_ = saveState();
    QApplication::setFont(large);
    QFont code = editor_->font();  // the editor's own (fixed-width) font, should it be opened
    if (code.pointSizeF() > 0) code.setPointSizeF(code.pointSizeF() * 1.5);
    editor_->setFont(code);
    splitter_->setSizes({0, std::max(1, splitter_->width())});
    // The runs list keeps a few lines: the views get the height.
    if (auto* runs = findChild<QDockWidget*>("RunsDock")) resizeDocks({runs}, {fontMetrics().height() * 4}, Qt::Vertical);
  } else {
    QApplication::setFont(normal_font_);
    QFont code = editor_->font();
    if (code.pointSizeF() > 0) code.setPointSizeF(code.pointSizeF() / 1.5);
    editor_->setFont(code);
    splitter_->restoreState(normal_splitter_);
    restoreState(normal_state_);
  }
  for (ChartWidget* chart : charts_->charts()) chart->set_presentation(on);
  study_chart_->set_presentation(on);
  topology_->set_presentation(on);
  animation_->canvas()->set_presentation(on);
}

}  // namespace lbsim::gui
