// StepView: the teaching view. Advance a scenario one request at a time and see which server each
// request went to (the trace) and why: the algorithm's rule and the balancer's view of the pool
// (active requests, weights, eligibility) with the servers' busy cores and queues.
#pragma once

#include "gui/step_worker.hpp"

#include <QWidget>

#include <optional>

class QLabel;
class QPushButton;
class QTableWidget;

namespace lbsim::gui {

class StepView : public QWidget {
  Q_OBJECT
public:
  explicit StepView(QWidget* parent = nullptr);

  void load(const models::SystemConfig& config);  // starts over
  void step(int requests = 1);
  int trace_rows() const;
  QString explanation() const;  // the sentence under the buttons
  StepWorker& worker() { return worker_; }

private:
  void show_state();

  StepWorker worker_;
  QLabel* rule_;
  QLabel* explanation_;
  QTableWidget* trace_;
  QTableWidget* pool_;
  QPushButton* step_one_;
  QPushButton* step_ten_;
  QPushButton* reset_;
  bool loaded_ = false;
  size_t rows_before_step_ = 0;  // to tell when a step found no more requests
  std::optional<models::SystemConfig> config_;
};

}  // namespace lbsim::gui
