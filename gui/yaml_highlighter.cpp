#include "gui/yaml_highlighter.hpp"

namespace lbsim::gui {

namespace {
QTextCharFormat text_format(const QColor& colour, bool bold = false, bool italic = false)
{
  QTextCharFormat f;
  f.setForeground(colour);
  if (bold) f.setFontWeight(QFont::Bold);
  f.setFontItalic(italic);
  return f;
}
}  // namespace

YamlHighlighter::YamlHighlighter(QTextDocument* document) : QSyntaxHighlighter(document)
{
  // Later rules win where they overlap: comments last.
  rules_.push_back({QRegularExpression(R"(\b[0-9]+(\.[0-9]+)?\s*(ms|us|ns|s|min|h|KB|MB|GB|KiB|MiB|Mbps|Gbps|kbps|/s|/h)?\b)"),
                    text_format(QColor(0, 110, 140))});
  rules_.push_back({QRegularExpression(R"(\b(true|false|null)\b)"), text_format(QColor(150, 60, 150))});
  rules_.push_back({QRegularExpression(R"(([A-Za-z_][A-Za-z0-9_.\-]*)\s*:(\s|$))"), text_format(QColor(20, 70, 160), true), 1});
  rules_.push_back({QRegularExpression(R"("[^"]*"|'[^']*')"), text_format(QColor(160, 90, 0))});
  rules_.push_back({QRegularExpression(R"(^\s*-\s)"), text_format(QColor(120, 120, 120), true)});
  rules_.push_back({QRegularExpression(R"((^|\s)#.*$)"), text_format(QColor(110, 130, 110), false, true)});
}

void YamlHighlighter::highlightBlock(const QString& text)
{
  for (const Rule& rule : rules_) {
    auto it = rule.pattern.globalMatch(text);
    while (it.hasNext()) {
      const QRegularExpressionMatch m = it.next();
      setFormat(static_cast<int>(m.capturedStart(rule.group)), static_cast<int>(m.capturedLength(rule.group)), rule.format);
    }
  }
}

}  // namespace lbsim::gui
