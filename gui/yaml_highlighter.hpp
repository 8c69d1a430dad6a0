// YamlHighlighter: colours a scenario's YAML: keys, comments, quoted strings, numbers with units.
#pragma once

#include <QRegularExpression>
#include <QSyntaxHighlighter>
#include <QTextCharFormat>

namespace lbsim::gui {

class YamlHighlighter : public QSyntaxHighlighter {
  Q_OBJECT
public:
  explicit YamlHighlighter(QTextDocument* document);

protected:
  void highlightBlock(const QString& text) override;

private:
  struct Rule {
    QRegularExpression pattern;
    QTextCharFormat format;
    int group = 0;
  };
  std::vector<Rule> rules_;
};

}  // namespace lbsim::gui
