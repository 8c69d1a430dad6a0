// lbsim-plot RESULTS_DIR --out DIR: the GUI's charts of a run (or a study) as PNG files, without a
// display (the offscreen platform), for reports and CI. `lbsim plot` runs this program.
#include "gui/chart_panel.hpp"
#include "gui/results_reader.hpp"
#include "gui/series_adapter.hpp"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>

#include <cstdio>
#include <exception>

int main(int argc, char** argv)
{
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  QApplication::setApplicationName("lbsim-plot");
  QCommandLineParser parser;
  parser.setApplicationDescription("Render the charts of an lbsim results folder (lbsim run --out, lbsim study --out) to PNG.");
  parser.addHelpOption();
  parser.addPositionalArgument("RESULTS_DIR", "The results folder");
  const QCommandLineOption out({"o", "out"}, "Folder for the PNG files (created if needed)", "DIR");
  const QCommandLineOption width("width", "Image width in pixels", "PIXELS", "1000");
  const QCommandLineOption height("height", "Image height in pixels", "PIXELS", "600");
  parser.addOption(out);
  parser.addOption(width);
  parser.addOption(height);
  parser.process(app);
  const QStringList args = parser.positionalArguments();
  if (args.size() != 1 || !parser.isSet(out)) {
    std::fprintf(stderr, "usage: lbsim-plot RESULTS_DIR --out DIR [--width PIXELS] [--height PIXELS]\n");
    return 2;
  }
  const QSize size(parser.value(width).toInt(), parser.value(height).toInt());
  if (size.width() < 100 || size.height() < 100) {
    std::fprintf(stderr, "lbsim-plot: --width and --height must be at least 100\n");
    return 2;
  }
  const QString dir = args[0], out_dir = parser.value(out);
  try {
    QStringList written;
    if (lbsim::gui::is_study_dir(dir)) {
      const lbsim::gui::StudyData study = lbsim::gui::read_study_dir(dir);
      QDir().mkpath(out_dir);
      // Each metric against the last varied key, one line per value of the others.
      for (int m = 0; m < study.metrics.size(); ++m) {
        lbsim::gui::ChartWidget chart(lbsim::gui::study_chart());
        chart.show_study(study, static_cast<int>(study.varied.size()) - 1, m);
        const QString path = QDir(out_dir).filePath("study_" + study.metrics[m] + ".png");
        if (!chart.save_png(path, size)) throw std::runtime_error("cannot write " + path.toStdString());
        written << path;
      }
    } else {
      const lbsim::gui::RunData run = lbsim::gui::read_run_dir(dir);
      lbsim::gui::ChartPanel panel;
      panel.resize(size);
      panel.show_runs({&run});
      written = panel.export_all(out_dir, true, size);
    }
    for (const QString& path : written) std::printf("%s\n", qPrintable(path));
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "lbsim-plot: %s\n", e.what());
    return 1;
  }
}
