#include "gui/yaml_editor.hpp"

#include "gui/yaml_highlighter.hpp"
#include "scenarios/format/loader.hpp"

#include <QFileInfo>
#include <QFontDatabase>
#include <QHelpEvent>
#include <QPainter>
#include <QTextBlock>
#include <QTimer>
#include <QToolTip>

namespace lbsim::gui {

namespace {
class Gutter final : public QWidget {
public:
  explicit Gutter(YamlEditor* editor) : QWidget(editor), editor_(editor) {}
  QSize sizeHint() const override { return {editor_->gutter_width(), 0}; }

protected:
  void paintEvent(QPaintEvent* event) override { editor_->paint_gutter(event); }

private:
  YamlEditor* editor_;
};
}  // namespace

YamlEditor::YamlEditor(QWidget* parent) : QPlainTextEdit(parent), gutter_(new Gutter(this)), debounce_(new QTimer(this))
{
  setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  setLineWrapMode(QPlainTextEdit::NoWrap);
  setTabStopDistance(fontMetrics().horizontalAdvance(' ') * 2);
  new YamlHighlighter(document());
  debounce_->setSingleShot(true);
  debounce_->setInterval(300);
  connect(debounce_, &QTimer::timeout, this, [this] { validate(); });
  connect(this, &QPlainTextEdit::textChanged, debounce_, qOverload<>(&QTimer::start));
  connect(this, &QPlainTextEdit::blockCountChanged, this, [this] { setViewportMargins(gutter_width(), 0, 0, 0); });
  connect(this, &QPlainTextEdit::updateRequest, this, [this](const QRect& rect, int dy) {
    if (dy) gutter_->scroll(0, dy);
    else gutter_->update(0, rect.y(), gutter_->width(), rect.height());
  });
  setViewportMargins(gutter_width(), 0, 0, 0);
}

std::optional<models::SystemConfig> YamlEditor::validate(const std::vector<std::string>& overrides)
{
  const QFileInfo info(file_path_.isEmpty() ? QString("untitled.yaml") : file_path_);
  std::optional<models::SystemConfig> config;
  error_line_ = 0;
  error_message_.clear();
  try {
    config = scenarios::load_scenario_text(toPlainText().toStdString(), info.fileName().toStdString(),
                                           info.absolutePath().toStdString(), overrides);
  } catch (const scenarios::ScenarioError& e) {
    error_line_ = e.where().origin.empty() ? e.where().line : 0;
    error_message_ = QString::fromStdString(e.what());
  } catch (const std::exception& e) {
    error_message_ = QString::fromStdString(e.what());
  }
  mark_error();
  emit validated(config.has_value(), error_message_);
  return config;
}

void YamlEditor::mark_error()
{
  QList<QTextEdit::ExtraSelection> marks;
  if (error_line_ > 0) {
    QTextEdit::ExtraSelection mark;
    mark.format.setBackground(QColor(255, 225, 225));
    mark.format.setUnderlineColor(Qt::red);
    mark.format.setUnderlineStyle(QTextCharFormat::WaveUnderline);
    mark.format.setProperty(QTextFormat::FullWidthSelection, true);
    mark.cursor = QTextCursor(document()->findBlockByNumber(error_line_ - 1));
    mark.cursor.clearSelection();
    marks.append(mark);
  }
  setExtraSelections(marks);
  gutter_->update();
}

int YamlEditor::gutter_width() const
{
  const int digits = QString::number(std::max(1, blockCount())).size();
  return 14 + fontMetrics().horizontalAdvance(QLatin1Char('9')) * std::max(3, digits);
}

void YamlEditor::resizeEvent(QResizeEvent* event)
{
  QPlainTextEdit::resizeEvent(event);
  const QRect r = contentsRect();
  gutter_->setGeometry(QRect(r.left(), r.top(), gutter_width(), r.height()));
}

void YamlEditor::paint_gutter(QPaintEvent* event)
{
  QPainter painter(gutter_);
  painter.fillRect(event->rect(), palette().color(QPalette::AlternateBase));
  QTextBlock block = firstVisibleBlock();
  int top = qRound(blockBoundingGeometry(block).translated(contentOffset()).top());
  const int height = fontMetrics().height();
  while (block.isValid() && top <= event->rect().bottom()) {
    const int line = block.blockNumber() + 1;
    if (line == error_line_) {
      painter.setBrush(QColor(220, 40, 40));
      painter.setPen(Qt::NoPen);
      painter.drawEllipse(QRect(3, top + height / 2 - 4, 8, 8));
    }
    painter.setPen(line == error_line_ ? QColor(200, 0, 0) : palette().color(QPalette::PlaceholderText));
    painter.drawText(0, top, gutter_->width() - 4, height, Qt::AlignRight, QString::number(line));
    top += qRound(blockBoundingRect(block).height());
    block = block.next();
  }
}

bool YamlEditor::event(QEvent* e)
{
  if (e->type() == QEvent::ToolTip && error_line_ > 0) {
    auto* help = static_cast<QHelpEvent*>(e);
    const QTextBlock block = document()->findBlockByNumber(error_line_ - 1);
    const QRectF r = blockBoundingGeometry(block).translated(contentOffset());
    if (help->pos().y() >= r.top() && help->pos().y() <= r.bottom()) {
      QToolTip::showText(help->globalPos(), error_message_, this);
      return true;
    }
  }
  return QPlainTextEdit::event(e);
}

}  // namespace lbsim::gui
