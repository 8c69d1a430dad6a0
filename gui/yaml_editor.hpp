// YamlEditor: the scenario editor. A plain-text editor with line numbers and YAML highlighting
// that validates the text as you type (300 ms after the last key) with the scenario loader, and
// marks the line of a ScenarioError: a red line-number gutter mark, the line underlined, the
// message below the editor and as the tooltip of the mark.
#pragma once

#include "models/system_config.hpp"

#include <QPlainTextEdit>
#include <QString>

#include <optional>

class QTimer;

namespace lbsim::gui {

class YamlEditor : public QPlainTextEdit {
  Q_OBJECT
public:
  explicit YamlEditor(QWidget* parent = nullptr);

  // The file the text belongs to: names errors and resolves relative paths in the scenario.
  void set_file_path(const QString& path) { file_path_ = path; }
  const QString& file_path() const { return file_path_; }

  // Validates now. Returns the config, or nothing with error_line()/error_message() set.
  std::optional<models::SystemConfig> validate(const std::vector<std::string>& overrides = {});
  int error_line() const { return error_line_; }  // 1-based; 0: no error, or none with a line
  const QString& error_message() const { return error_message_; }

  int gutter_width() const;
  void paint_gutter(QPaintEvent* event);

signals:
  void validated(bool ok, const QString& message);

protected:
  void resizeEvent(QResizeEvent* event) override;
  bool event(QEvent* event) override;  // tooltips on the error mark

private:
  void mark_error();

  QWidget* gutter_;
  QTimer* debounce_;
  QString file_path_;
  int error_line_ = 0;
  QString error_message_;
};

}  // namespace lbsim::gui
