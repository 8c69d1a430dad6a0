// AnimationView: the teaching animation. Requests move as dots from their clients through the
// gateway and balancers to the servers and back, along the topology, in slowed simulated time;
// queues stand as stacks at the servers; the balancer's last choice is outlined and said in words.
// Play, pause, step (to the next choice), slower, faster. The simulation runs on the worker's
// thread only as far ahead of the clock as the animation needs (docs/gui.md, "Animation").
#pragma once

#include "gui/animation_canvas.hpp"
#include "gui/animation_model.hpp"
#include "gui/animation_worker.hpp"

#include <QElapsedTimer>
#include <QTimer>
#include <QWidget>

#include <deque>
#include <optional>

class QLabel;
class QPushButton;

namespace lbsim::gui {

class AnimationView : public QWidget {
  Q_OBJECT
public:
  explicit AnimationView(QWidget* parent = nullptr);

  void load(const models::SystemConfig& config);  // starts over, paused at 0
  bool loaded() const { return loaded_; }
  void play();
  void pause();
  void step();  // pauses, then moves the clock to just after the balancer's next choice
  void faster();
  void slower();
  // Pauses at simulated time `ns` (once the run has got there): tests and screenshots.
  void show_at(int64_t ns);

  bool playing() const { return playing_; }
  double speed() const;        // simulated seconds per real second
  int64_t clock() const { return clock_; }  // simulated ns on screen
  bool run_over() const { return run_over_ && clock_ >= reached_; }
  const AnimationModel& model() const { return model_; }
  AnimationCanvas* canvas() const { return canvas_; }
  AnimationWorker& worker() { return worker_; }
  // The choices known so far (the last few thousand), and the one explained on screen.
  const std::deque<Choice>& choices() const { return choices_; }
  std::optional<Choice> shown_choice() const;
  QString explanation() const;
  QString speed_text() const;
  QString clock_text() const;

protected:
  void hideEvent(QHideEvent* event) override;

private:
  void tick();
  void take_from_worker();
  void ask_ahead(int64_t beyond);
  void show();
  void set_playing(bool playing);

  AnimationWorker worker_;
  AnimationModel model_;
  AnimationCanvas* canvas_;
  QLabel* speed_label_;
  QLabel* clock_label_;
  QLabel* rule_;
  QLabel* explanation_;
  QPushButton* play_;
  QPushButton* step_;
  QPushButton* slower_;
  QPushButton* faster_;
  QPushButton* restart_;
  QTimer timer_;
  QElapsedTimer wall_;
  int64_t clock_ = 0;
  int64_t reached_ = 0;   // the worker has run the simulation this far
  int64_t asked_ = 0;     // ... and was asked to run this far
  size_t speed_index_;
  uint64_t generation_ = 0;  // the worker's load() this view shows
  bool loaded_ = false, playing_ = false, run_over_ = false, step_pending_ = false;
  std::optional<int64_t> pending_clock_;  // show_at() waits for the run to get there
  std::deque<Choice> choices_;
  std::optional<models::SystemConfig> config_;
};

}  // namespace lbsim::gui
