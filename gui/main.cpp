// lbsim-gui [FILE] [--set KEY=VALUE]...: the desktop app (docs/gui.md).
#include "gui/animation_view.hpp"
#include "gui/main_window.hpp"
#include "gui/sim_worker.hpp"
#include "gui/step_view.hpp"

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QTimer>

#include <cstdio>

int main(int argc, char** argv)
{
  QGuiApplication::setHighDpiScaleFactorRoundingPolicy(Qt::HighDpiScaleFactorRoundingPolicy::PassThrough);
  QApplication app(argc, argv);
  QApplication::setOrganizationName("lbsim");
  QApplication::setApplicationName("lbsim-gui");
  QApplication::setApplicationVersion("0.1.0");

  QCommandLineParser parser;
  parser.setApplicationDescription("lbsim-gui: edit, run and plot lbsim scenarios.");
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument("FILE", "A scenario YAML file, or a results folder (lbsim run/study --out)");
  const QCommandLineOption set({"s", "set"}, "Override a scenario value (repeatable), as lbsim run --set", "KEY=VALUE");
  const QCommandLineOption run({"r", "run"}, "Run the scenario at once");
  const QCommandLineOption screenshots("screenshots", "After the run (--run), save screenshots into DIR and quit (for the docs)",
                                       "DIR");
  const QCommandLineOption steps("steps", "Step N requests in the step view first (with --screenshots)", "N", "0");
  parser.addOption(set);
  parser.addOption(run);
  parser.addOption(screenshots);
  const QCommandLineOption animate_at("animate-at", "Pause the animation at simulated second S first (with --screenshots)",
                                      "S", "0");
  const QCommandLineOption presentation("presentation", "Presentation mode at 1024x768 (with --screenshots: also presentation.png)");
  parser.addOption(steps);
  parser.addOption(animate_at);
  parser.addOption(presentation);
  parser.process(app);

  lbsim::gui::MainWindow window;
  window.set_overrides(parser.values(set));
  for (const QString& arg : parser.positionalArguments()) {
    if (QFileInfo(arg).isDir()) window.open_results(arg);
    else window.open_file(arg);
  }
  window.show();
  if (parser.isSet(screenshots)) {
    window.set_quiet(true);
    window.resize(1500, 900);
    if (parser.isSet(presentation)) {
      window.set_presentation(true);
      window.resize(1024, 768);
    }
    const int n = parser.value(steps).toInt();
    if (n > 0) window.step_view()->step(n);
    const auto animate_ns = static_cast<int64_t>(parser.value(animate_at).toDouble() * 1e9);
    lbsim::gui::AnimationView* animation = window.animation();
    if (animate_ns > 0) animation->show_at(animate_ns);
    QObject::connect(&window.worker(), &lbsim::gui::SimWorker::finished, &app, [&, animate_ns, animation] {
      // Let the last redraws, the step view's rows and the animation's clock arrive first.
      auto* poll = new QTimer(&app);
      QObject::connect(poll, &QTimer::timeout, &app, [&, poll, animate_ns, animation] {
        if (animate_ns > 0 && animation->clock() < animate_ns && !animation->run_over()) return;
        poll->stop();
        for (const QString& path : window.save_screenshots(parser.value(screenshots))) std::printf("%s\n", qPrintable(path));
        QApplication::quit();
      });
      poll->start(500);
    }, Qt::QueuedConnection);
    if (!window.start_run()) return 1;
  } else if (parser.isSet(run)) {
    window.start_run();
  }
  return QApplication::exec();
}
