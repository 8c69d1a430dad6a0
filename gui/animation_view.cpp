#include "gui/animation_view.hpp"

#include "gui/step_worker.hpp"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>
#include <array>
#include <utility>

namespace lbsim::gui {

namespace {
// Simulated seconds per real second: from a thousandth (network milliseconds) to ten times real time.
constexpr std::array kSpeeds{0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0};
constexpr size_t kDefaultSpeed = 6;  // 0.1x
constexpr int kFrameMs = 33;
// A move that takes no simulated time is drawn over this much real time (animation_model.hpp).
constexpr double kFlightRealSeconds = 0.35;
// The simulation runs ahead of the clock by this much real time's worth, so every dot on screen
// knows where it is going.
constexpr double kAheadRealSeconds = 1.5;
constexpr size_t kKeptChoices = 5000;

QString seconds(int64_t ns) { return QString::number(static_cast<double>(ns) / 1e9, 'f', 6); }
}  // namespace

AnimationView::AnimationView(QWidget* parent)
    : QWidget(parent), canvas_(new AnimationCanvas(this)), speed_label_(new QLabel(this)), clock_label_(new QLabel(this)),
      rule_(new QLabel(this)), explanation_(new QLabel(this)), play_(new QPushButton(tr("Play"), this)),
      step_(new QPushButton(tr("Step"), this)), slower_(new QPushButton(tr("Slower"), this)),
      faster_(new QPushButton(tr("Faster"), this)), restart_(new QPushButton(tr("Start over"), this)),
      speed_index_(kDefaultSpeed)
{
  auto* buttons = new QHBoxLayout;
  for (QPushButton* b : {play_, step_, slower_, faster_, restart_}) {
    buttons->addWidget(b);
    b->setEnabled(false);
  }
  buttons->addSpacing(12);
  buttons->addWidget(speed_label_);
  buttons->addSpacing(12);
  buttons->addWidget(clock_label_);
  buttons->addStretch();
  play_->setToolTip(tr("Play or pause the animation"));
  step_->setToolTip(tr("Pause, then go to the balancer's next choice"));
  slower_->setToolTip(tr("Half as many simulated seconds per real second (or less)"));
  faster_->setToolTip(tr("Twice as many simulated seconds per real second (or more)"));
  rule_->setWordWrap(true);
  explanation_->setWordWrap(true);
  explanation_->setTextFormat(Qt::RichText);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(buttons);
  layout->addWidget(rule_);
  layout->addWidget(explanation_);
  layout->addWidget(canvas_, 1);

  timer_.setInterval(kFrameMs);
  connect(&timer_, &QTimer::timeout, this, &AnimationView::tick);
  connect(play_, &QPushButton::clicked, this, [this] { playing_ ? pause() : play(); });
  connect(step_, &QPushButton::clicked, this, &AnimationView::step);
  connect(slower_, &QPushButton::clicked, this, &AnimationView::slower);
  connect(faster_, &QPushButton::clicked, this, &AnimationView::faster);
  connect(restart_, &QPushButton::clicked, this, [this] {
    if (config_) load(*config_);
  });
  connect(&worker_, &AnimationWorker::advanced, this, [this] {
    take_from_worker();
    if (step_pending_) {
      step_pending_ = false;
      step();
    }
    if (pending_clock_) show_at(*pending_clock_);
    show();
  });
  connect(&worker_, &AnimationWorker::failed, this, [this](const QString& message) {
    set_playing(false);
    explanation_->setText("<span style='color:#b00'>" + message.toHtmlEscaped() + "</span>");
  });
  show();
}

void AnimationView::load(const models::SystemConfig& config)
{
  config_ = config;
  loaded_ = true;
  set_playing(false);
  step_pending_ = run_over_ = false;
  pending_clock_.reset();
  clock_ = reached_ = asked_ = 0;
  model_.clear();
  choices_.clear();
  generation_ = worker_.load(config);
  canvas_->set_scenario(config);
  model_.set_flight(static_cast<int64_t>(kFlightRealSeconds * speed() * 1e9));
  for (QPushButton* b : {play_, step_, slower_, faster_, restart_}) b->setEnabled(true);
  rule_->clear();  // the last scenario's algorithm
  explanation_->setText(tr("Press Play to watch the requests, or Step to go from one balancer choice to the next."));
  show();
}

double AnimationView::speed() const { return kSpeeds[speed_index_]; }

void AnimationView::set_playing(bool playing)
{
  playing_ = playing;
  play_->setText(playing ? tr("Pause") : tr("Play"));
  if (playing) {
    wall_.start();
    timer_.start();
  } else if (!step_pending_) {
    timer_.stop();
  }
}

void AnimationView::play()
{
  if (!loaded_) return;
  set_playing(true);
  ask_ahead(0);
}

void AnimationView::pause() { set_playing(false); }

// Another tab, or the window minimized: the animation stops, and with it its run.
void AnimationView::hideEvent(QHideEvent* event)
{
  pause();
  QWidget::hideEvent(event);
}

void AnimationView::faster()
{
  speed_index_ = std::min(speed_index_ + 1, kSpeeds.size() - 1);
  model_.set_flight(static_cast<int64_t>(kFlightRealSeconds * speed() * 1e9));
  show();
}

void AnimationView::slower()
{
  speed_index_ = speed_index_ == 0 ? 0 : speed_index_ - 1;
  model_.set_flight(static_cast<int64_t>(kFlightRealSeconds * speed() * 1e9));
  show();
}

void AnimationView::step()
{
  if (!loaded_) return;
  set_playing(false);
  for (const Choice& c : choices_) {
    // Just after the choice, once the dot has landed at its server (a choice at 0 counts too).
    const int64_t target = c.time + model_.flight();
    if (target <= clock_) continue;
    if (target > reached_) break;  // the run must go further first
    clock_ = target;
    show();
    return;
  }
  if (run_over_) {
    clock_ = reached_;
    show();
    return;
  }
  step_pending_ = true;
  ask_ahead(std::max<int64_t>(1'000'000'000, static_cast<int64_t>(kAheadRealSeconds * speed() * 1e9)));
}

void AnimationView::show_at(int64_t ns)
{
  if (!loaded_) return;
  set_playing(false);
  pending_clock_.reset();
  if (ns <= reached_ || run_over_) {
    clock_ = std::min(ns, reached_);
    show();
    return;
  }
  pending_clock_ = ns;
  ask_ahead(ns - std::max(clock_, reached_));
}

// The simulation runs `ahead` of the clock, in chunks, one request to the worker at a time.
void AnimationView::ask_ahead(int64_t beyond)
{
  const int64_t ahead = std::max<int64_t>(2 * model_.flight(), static_cast<int64_t>(kAheadRealSeconds * speed() * 1e9));
  const int64_t want = std::max(clock_, reached_) + ahead + beyond;
  if (run_over_ || asked_ > reached_ || want <= reached_) return;  // over, or already on it, or far enough
  asked_ = want + ahead;
  worker_.advance_to(asked_);
}

void AnimationView::take_from_worker()
{
  AnimationWorker::Batch batch = worker_.take();
  if (batch.progress.generation != generation_) return;  // the scenario before the last load()
  for (const StageEvent& e : batch.stages) model_.add(e);
  for (Choice& c : batch.choices) choices_.push_back(std::move(c));
  while (choices_.size() > kKeptChoices && choices_.front().time < clock_) choices_.pop_front();
  reached_ = batch.progress.reached;
  run_over_ = batch.progress.run_over;
  if (run_over_) asked_ = reached_;
  canvas_->set_servers(batch.progress.servers);
}

void AnimationView::tick()
{
  take_from_worker();
  const double real_ns = static_cast<double>(wall_.nsecsElapsed());
  wall_.start();
  if (playing_) {
    clock_ = std::min(reached_, clock_ + static_cast<int64_t>(real_ns * speed()));
    if (run_over_ && clock_ >= reached_) set_playing(false);
  }
  ask_ahead(0);
  model_.forget_before(clock_);  // while playing; a step or show_at keeps what it has seen
  show();
}

std::optional<Choice> AnimationView::shown_choice() const
{
  std::optional<Choice> shown;
  for (const Choice& c : choices_) {
    if (c.time > clock_) break;
    shown = c;
  }
  return shown;
}

QString AnimationView::speed_text() const
{
  return tr("speed %1x (simulated seconds per real second)").arg(speed());
}

QString AnimationView::clock_text() const { return tr("simulated time %1 s").arg(seconds(clock_)); }

QString AnimationView::explanation() const { return explanation_->text(); }

void AnimationView::show()
{
  speed_label_->setText(speed_text());
  clock_label_->setText(clock_text());
  if (!loaded_) {
    canvas_->show_frame({}, {}, std::nullopt);
    return;
  }
  const std::optional<Choice> choice = shown_choice();
  std::optional<uint32_t> chosen;
  if (choice && choice->server != UINT32_MAX) chosen = choice->server;
  AnimationModel::Frame frame = model_.frame_at(clock_);
  canvas_->show_frame(std::move(frame.dots), std::move(frame.queues), chosen);
  if (run_over()) {
    explanation_->setText(tr("The run is over at %1 s (Start over to replay it).").arg(seconds(reached_)));
    return;
  }
  if (!choice) return;
  const StepRecord& r = choice->record;
  rule_->setText(choice->algorithm.isEmpty() ? algorithm_rule(QString())
                                             : "<b>" + choice->algorithm + "</b> " + algorithm_rule(choice->algorithm));
  const QString request = QString("request %1 (%2 %3 from %4)").arg(choice->request).arg(r.method, r.path, r.client);
  QString what;
  if (r.status == "dispatched") what = QString("sent %1 to <b>%2</b>").arg(request, r.server);
  else if (r.status == "rejected") what = QString("sent %1 to <b>%2</b>, whose queue was full: 503").arg(request, r.server);
  else if (r.status == "unavailable") what = QString("sent %1 to <b>%2</b>, which was not running: 502").arg(request, r.server);
  else what = QString("found no server for %1 (%2): 503").arg(request, r.status);
  const QString who = choice->balancer.isEmpty() ? QString("the service") : "the balancer " + choice->balancer;
  explanation_->setText(QString("At %1 s %2 %3. %4When it chose, it saw %5.")
                            .arg(seconds(choice->time), who, what, why_sentence(r),
                                 r.pool_before.isEmpty() ? QString("no pool (no balancer)") : r.pool_before));
}

}  // namespace lbsim::gui
