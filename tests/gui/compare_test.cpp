// Comparing runs (docs/gui.md, "Comparing runs"), under the offscreen platform: the side-by-side
// table and its CSV, legends named by what differs, the log scale, zoom, pan and the hover
// readout, the whole-run percentiles, warm-up and events on the timelines, the colours, and the
// latency CDF. Figures are checked against the run's own summary.json read here, and the M/M/1
// ones against queueing theory.
#include "gui/chart_lines.hpp"
#include "gui/chart_panel.hpp"
#include "gui/compare_view.hpp"
#include "gui/main_window.hpp"
#include "gui/results_reader.hpp"
#include "gui/run_naming.hpp"
#include "gui/series_adapter.hpp"
#include "gui/study_data.hpp"
#include "scenarios/format/loader.hpp"
#include "scenarios/runner.hpp"

#include <nlohmann/json.hpp>

#include <QDir>
#include <QFile>
#include <QGraphicsTextItem>
#include <QGraphicsView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace lbsim;
using namespace lbsim::gui;

namespace {

// lbsim run EXAMPLE --set OVERRIDES --out DIR, through the library.
void write_results(const QString& dir, const QString& example, const std::vector<std::string>& overrides)
{
  const auto config = scenarios::load_scenario_file(QDir(LBSIM_SOURCE_DIR).filePath("examples/" + example).toStdString(), overrides);
  scenarios::run_scenario(config, dir.toStdString());
}

nlohmann::json summary_of(const QString& dir)
{
  QFile file(QDir(dir).filePath("summary.json"));
  if (!file.open(QIODevice::ReadOnly)) return {};
  return nlohmann::json::parse(file.readAll().toStdString());
}

QString ms(double seconds) { return QString::number(seconds * 1e3, 'f', 2); }

// The (x, y) points of one series of a chart's CSV (series,x,y).
std::vector<std::pair<double, double>> points_of(const ChartWidget& chart, const QString& series)
{
  std::vector<std::pair<double, double>> out;
  const QStringList lines = chart.csv().split('\n', Qt::SkipEmptyParts);
  for (qsizetype i = 1; i < lines.size(); ++i) {
    const QStringList f = split_csv_line(lines[i]);
    if (f.value(0) == series) out.emplace_back(f.value(1).toDouble(), f.value(2).toDouble());
  }
  return out;
}

ChartInfo info_of(ChartKind kind)
{
  for (const ChartInfo& info : run_charts())
    if (info.kind == kind) return info;
  return run_charts().front();
}

// M/M/1 of examples/mm1.yaml: 80 requests/s, 10 ms of work on one core. Its response time is
// exponential with rate mu - lambda = 20/s.
constexpr double kLambda = 80, kMu = 100;

}  // namespace

class CompareTest : public QObject {
  Q_OBJECT
private slots:
  // The table holds each run's figures as its summary.json states them, the M/M/1 prediction is
  // queueing theory's, and the CSV holds the table.
  void the_table_shows_each_runs_summary_and_exports_csv()
  {
    QTemporaryDir rr, lc, mm1;
    write_results(rr.path(), "quickstart-network.yaml", {"duration=20 s", "warmup=2 s", "balancer.algorithm=round_robin"});
    write_results(lc.path(), "quickstart-network.yaml", {"duration=20 s", "warmup=2 s", "balancer.algorithm=least_connections"});
    write_results(mm1.path(), "mm1.yaml", {"stop.requests=20000", "warmup=10 s"});
    const RunData a = read_run_dir(rr.path()), b = read_run_dir(lc.path()), m = read_run_dir(mm1.path());
    const Comparison c = compare_runs({&a, &b, &m});
    QCOMPARE(c.runs.size(), 3);
    QVERIFY2(c.runs[0].contains("round_robin") && c.runs[1].contains("least_connections"), qPrintable(c.runs.join(" | ")));
    const QString dirs[] = {rr.path(), lc.path(), mm1.path()};
    for (qsizetype i = 0; i < 3; ++i) {
      const nlohmann::json s = summary_of(dirs[i]);
      QCOMPARE(c.cell("p50 latency (ms)", i), ms(s["latency_s"]["p50"].get<double>()));
      QCOMPARE(c.cell("p99 latency (ms)", i), ms(s["latency_s"]["p99"].get<double>()));
      QCOMPARE(c.cell("p99.9 latency (ms)", i), ms(s["latency_s"]["p999"].get<double>()));
      QCOMPARE(c.cell("throughput (req/s)", i), QString::number(s["throughput_rps"].get<double>(), 'f', 2));
      QCOMPARE(c.cell("rejected (503)", i), QString::number(s["requests"]["rejected"].get<double>(), 'f', 0));
      QCOMPARE(c.cell("failed (500, 502)", i), QString::number(s["requests"]["failed"].get<double>(), 'f', 0));
      QCOMPARE(c.cell("cost", i), QString::number(s["cost"]["total"].get<double>(), 'f', 2));
      const QString verdict = !s.contains("slo") ? "no SLO" : s["slo"]["met"].get<bool>() ? "met" : "missed";
      QCOMPARE(c.cell("SLO verdict", i), verdict);
    }
    // quickstart-network has an SLO of 400 ms; M/M/1 none.
    QCOMPARE(c.cell("SLO p99 (ms)", 0), QString("400.00"));
    QCOMPARE(c.cell("SLO verdict", 2), QString("no SLO"));
    // Theory: mean 1 / (mu - lambda), p99 ln(100) / (mu - lambda).
    QCOMPARE(c.cell("analytic model", 2), QString("M/M/1"));
    QCOMPARE(c.cell("predicted mean (ms)", 2), ms(1 / (kMu - kLambda)));
    QCOMPARE(c.cell("predicted p99 (ms)", 2), ms(std::log(100.0) / (kMu - kLambda)));
    QVERIFY2(c.cell("analytic model", 0).startsWith("none: "), qPrintable(c.cell("analytic model", 0)));

    // A run under way has no figures yet; one that failed has none at all.
    RunData running = m, failed = m;
    running.figures = failed.figures = {};
    running.finished = false, failed.finished = true;
    const Comparison pending = compare_runs({&running, &failed});
    QCOMPARE(pending.cell("p99 latency (ms)", 0), QString("running"));
    QCOMPARE(pending.cell("p99 latency (ms)", 1), QString("no summary"));

    // The CSV: a header of the runs, a row per metric, every cell as shown.
    CompareView view;
    view.show_runs({&a, &b, &m});
    QCOMPARE(view.table()->columnCount(), 3);
    QCOMPARE(view.table()->item(1, 2)->text(), c.cell("p99 latency (ms)", 2));
    QTemporaryDir out;
    const QString path = QDir(out.path()).filePath("comparison.csv");
    QVERIFY(view.export_csv(path));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly | QIODevice::Text));
    const QStringList lines = QString::fromUtf8(file.readAll()).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), c.metrics.size() + 1);
    QCOMPARE(split_csv_line(lines[0]), QStringList({"metric"}) + c.runs);
    for (qsizetype r = 0; r < c.metrics.size(); ++r)
      QCOMPARE(split_csv_line(lines[r + 1]), QStringList({c.metrics[r]}) + c.cells[static_cast<size_t>(r)]);
  }

  // With a gateway the errors are by status: every status other than 200 any run got, each as counted.
  void the_table_counts_a_gateways_errors_by_status()
  {
    QTemporaryDir dir;
    write_results(dir.path(), "api-gateway.yaml", {"duration=10 s", "warmup=1 s"});
    const RunData run = read_run_dir(dir.path());
    const Comparison c = compare_runs({&run});
    const nlohmann::json s = summary_of(dir.path());
    int statuses = 0;
    for (const auto& [status, count] : s["requests"]["by_status"].items()) {
      if (status == "200") continue;
      ++statuses;
      QCOMPARE(c.cell("status " + QString::fromStdString(status), 0), QString::number(count.get<double>(), 'f', 0));
    }
    QVERIFY(statuses >= 4);
    QVERIFY(!c.metrics.contains("rejected (503)"));
  }

  // Two runs that differ only in balancer.algorithm are named by their algorithms, not by their
  // folders' names; a --set key by its name and value; identical runs by number.
  void legends_name_runs_by_what_differs()
  {
    QTemporaryDir rr, lc;
    write_results(rr.path(), "quickstart-network.yaml", {"duration=5 s", "warmup=1 s", "balancer.algorithm=round_robin"});
    write_results(lc.path(), "quickstart-network.yaml", {"duration=5 s", "warmup=1 s", "balancer.algorithm=least_connections"});
    RunData a = read_run_dir(rr.path()), b = read_run_dir(lc.path());
    a.label += " [" + QDir(rr.path()).dirName() + "]", b.label += " [" + QDir(lc.path()).dirName() + "]";  // as the window does
    ChartWidget latency(info_of(ChartKind::Latency));
    latency.show_runs({&a, &b});
    const QStringList legend = latency.legend();
    QVERIFY2(legend.contains("round_robin: p99") && legend.contains("least_connections: p99"), qPrintable(legend.join(" | ")));
    for (const QString& name : legend) QVERIFY2(!name.contains(QDir(rr.path()).dirName()), qPrintable(name));

    RunData x, y;
    x.label = y.label = "quickstart";
    x.settings = y.settings = {{"scenario", "quickstart"}, {"balancer.algorithm", "round_robin"}};
    add_overrides(x.settings, {"clients[0].arrivals.rate=100/s"});
    add_overrides(y.settings, {"clients[0].arrivals.rate=200/s", "balancer.algorithm=round_robin"});
    QCOMPARE(distinguishing_names({&x, &y}), (QStringList{"rate = 100/s", "rate = 200/s"}));
    RunData z = x;
    QCOMPARE(distinguishing_names({&x, &z}), (QStringList{"quickstart #1", "quickstart #2"}));
    // A live run not given the key has the scenario's own value; a folder's overrides are unknown.
    RunData plain = x;
    plain.settings = {{"scenario", "quickstart"}, {"balancer.algorithm", "round_robin"}};
    x.overrides_known = plain.overrides_known = true;
    QCOMPARE(distinguishing_names({&x, &plain}), (QStringList{"rate = 100/s", "rate = (default)"}));
    plain.overrides_known = false;
    plain.label = "quickstart [results]";
    QCOMPARE(distinguishing_names({&x, &plain}), (QStringList{"quickstart", "quickstart [results]"}));
    QCOMPARE(distinguishing_names({&x}), QStringList{"quickstart"});
  }

  // Runs whose names share a long beginning and end (two study points whose folders differ only in
  // the algorithm, deep in a long key): the legend, as drawn in a window of ordinary size, shows
  // the part that differs in full, whatever it cuts elsewhere.
  void legends_keep_the_part_that_differs()
  {
    QTemporaryDir rr, lc;
    write_results(rr.path(), "quickstart-network.yaml", {"duration=5 s", "warmup=1 s", "balancer.algorithm=round_robin"});
    write_results(lc.path(), "quickstart-network.yaml", {"duration=5 s", "warmup=1 s", "balancer.algorithm=least_connections"});
    RunData a = read_run_dir(rr.path()), b = read_run_dir(lc.path());
    const QString head = "capacity-plan-2026/study-of-the-checkout-service/points/services[checkout-frontend].balancer.algorithm=";
    const QString tail = ",clients[tokyo-mobile-users].arrivals.rate=5000/s,servers[web].count=12/replication-0003";
    a.label = head + "round_robin" + tail, b.label = head + "least_connections" + tail;
    a.settings.clear(), b.settings.clear();  // folders whose overrides are not known: named by their labels
    a.overrides_known = b.overrides_known = false;
    QCOMPARE(distinguishing_names({}), QStringList{});  // no run ticked
    const QStringList names = distinguishing_names({&a, &b});
    QVERIFY2(names[0].contains("round_robin") && names[1].contains("least_connections"), qPrintable(names.join(" | ")));
    QVERIFY2(names[0] != names[1], qPrintable(names.join(" | ")));
    ChartWidget latency(info_of(ChartKind::Latency));
    latency.resize(900, 500);
    latency.show();
    QVERIFY(QTest::qWaitForWindowExposed(&latency));
    latency.show_runs({&a, &b});
    QCoreApplication::processEvents();
    // The legend's labels as drawn (Qt elides a label that does not fit).
    auto* view = latency.findChild<QGraphicsView*>();
    QVERIFY(view && view->scene());
    QStringList drawn;
    for (const QGraphicsItem* item : view->scene()->items())
      if (const auto* text = qgraphicsitem_cast<const QGraphicsTextItem*>(item); text && item->isVisible())
        drawn << text->toPlainText();
    for (const QString& part : {QString("algorithm=round_robin"), QString("algorithm=least_connections")}) {
      bool shown = false;
      for (const QString& label : drawn) shown = shown || (label.contains(part) && label.contains("p99"));
      QVERIFY2(shown, qPrintable(part + " not in the legend as drawn: " + drawn.join(" | ")));
    }
  }

  // A study of eleven algorithms: each category's name is drawn whole on the axis, at the width of
  // lbsim plot's images (it was "weighted...", which names two algorithms, before they were slanted).
  void study_categories_are_drawn_whole()
  {
    StudyData study;
    study.varied = {"balancer.algorithm"};
    study.metrics = {"latency_s.p99"};
    const QStringList algorithms = {"round_robin", "weighted_round_robin", "least_connections",
                                    "weighted_least_connections", "ip_hash", "least_response_time",
                                    "sticky_round_robin", "random", "power_of_two_choices", "consistent_hash", "maglev"};
    for (const QString& a : algorithms) study.points.push_back({{a}, {0.1}, {0.01}});
    ChartWidget chart(gui::study_chart());
    chart.resize(1000, 600);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    chart.show_study(study, 0, 0);
    QCOMPARE(chart.axis(Qt::Horizontal).categories, algorithms);
    QCoreApplication::processEvents();
    auto* view = chart.findChild<QGraphicsView*>();
    QVERIFY(view && view->scene());
    QStringList drawn;
    for (const QGraphicsItem* item : view->scene()->items())
      if (const auto* text = qgraphicsitem_cast<const QGraphicsTextItem*>(item); text && item->isVisible())
        drawn << text->toPlainText();
    for (const QString& a : algorithms) QVERIFY2(drawn.contains(a), qPrintable(a + " not drawn whole: " + drawn.join(" | ")));
  }

  // The y axis goes logarithmic and back; a rectangle zooms, a Shift+drag pans, Reset zoom
  // restores; the mouse over a point reads out its series, time and value.
  void log_scale_zoom_pan_and_hover_readout()
  {
    QTemporaryDir dir;
    write_results(dir.path(), "mm1.yaml", {"stop.requests=20000", "warmup=10 s", "metrics.interval=10 s"});
    const RunData run = read_run_dir(dir.path());
    ChartWidget chart(info_of(ChartKind::Latency));
    chart.resize(1000, 600);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    chart.show_runs({&run});
    const QString csv = chart.csv();
    QVERIFY(!chart.axis(Qt::Vertical).log);
    chart.set_log_y(true);
    QVERIFY(chart.axis(Qt::Vertical).log);
    QVERIFY(chart.log_y());
    QCOMPARE(chart.csv(), csv);  // the data is the same, only drawn otherwise
    QVERIFY(chart.y_range().first > 0);
    chart.set_log_y(false);
    QVERIFY(!chart.axis(Qt::Vertical).log);

    // The readout of the point under the mouse: the p99 of the fifth interval.
    const IntervalPoint& p = run.rows[4];
    QTest::mouseMove(&chart, QPoint(1, 1));
    const QPointF at = chart.position_of(QPointF(p.time_s, p.latency_p99_s * 1e3));
    QWidget* viewport = chart.findChild<QGraphicsView*>()->viewport();
    QVERIFY(viewport);
    QTest::mouseMove(viewport, at.toPoint());
    QTRY_VERIFY(!chart.readout().isEmpty());
    const QString expected = QString("p99 — time (s): %1; response time (ms): %2").arg(p.time_s, 0, 'g', 6).arg(p.latency_p99_s * 1e3, 0, 'g', 6);
    QCOMPARE(chart.readout(), expected);

    // Zoom into the middle third of the run's time; pan right by 100 pixels; back.
    const auto [x0, x1] = chart.x_range();
    const double third = (x1 - x0) / 3;
    const auto [y0, y1] = chart.y_range();
    const QPointF a = chart.position_of(QPointF(x0 + third, y1 * 0.9)), b = chart.position_of(QPointF(x0 + 2 * third, y0 + 0.1 * (y1 - y0)));
    // Dragging the rectangle with the mouse (Qt Charts' rubber band) zooms into it.
    QTest::mousePress(viewport, Qt::LeftButton, Qt::NoModifier, a.toPoint());
    QTest::mouseMove(viewport, ((a + b) / 2).toPoint());
    QTest::mouseMove(viewport, b.toPoint());
    QTest::mouseRelease(viewport, Qt::LeftButton, Qt::NoModifier, b.toPoint());
    QVERIFY(chart.zoomed());
    QVERIFY2(std::abs(chart.x_range().first - (x0 + third)) < 0.02 * (x1 - x0), qPrintable(QString::number(chart.x_range().first)));
    chart.reset_zoom();
    QVERIFY(!chart.zoomed());
    chart.zoom_to(QRectF(a, b));  // the same, as a call
    QVERIFY(chart.zoomed());
    QVERIFY2(std::abs(chart.x_range().first - (x0 + third)) < 0.02 * (x1 - x0), qPrintable(QString::number(chart.x_range().first)));
    QVERIFY(std::abs(chart.x_range().second - (x0 + 2 * third)) < 0.02 * (x1 - x0));
    const auto before = chart.x_range();
    QTest::mousePress(viewport, Qt::LeftButton, Qt::ShiftModifier, QPoint(500, 300));
    QTest::mouseMove(viewport, QPoint(400, 300));
    QTest::mouseRelease(viewport, Qt::LeftButton, Qt::ShiftModifier, QPoint(400, 300));
    // Dragged left by 100 pixels: the view moved right, by the same span.
    QVERIFY2(chart.x_range().first > before.first, qPrintable(QString("%1 -> %2").arg(before.first).arg(chart.x_range().first)));
    QVERIFY(std::abs((chart.x_range().second - chart.x_range().first) - (before.second - before.first)) < 1e-6 * (x1 - x0));
    chart.reset_zoom();
    QVERIFY(!chart.zoomed());
    QVERIFY(std::abs(chart.x_range().first - x0) < 1e-9 && std::abs(chart.x_range().second - x1) < 1e-9);
  }

  // The latency chart carries each run's whole-run p50 and p99 (summary.json) as levels; every
  // timeline shades the warm-up and marks the scaling, failure and health events of events.csv.
  void whole_run_percentiles_warmup_and_events_on_the_timelines()
  {
    QTemporaryDir dir;
    write_results(dir.path(), "vertical-vs-horizontal.yaml", {"warmup=30 s"});
    const RunData run = read_run_dir(dir.path());
    const nlohmann::json s = summary_of(dir.path());
    ChartWidget latency(info_of(ChartKind::Latency));
    latency.show_runs({&run});
    for (const char* p : {"p50", "p99"}) {
      const auto level = points_of(latency, QString(p) + " of the whole run");
      QCOMPARE(level.size(), size_t{2});
      QCOMPARE(level[0].second, s["latency_s"][p].get<double>() * 1e3);
      QCOMPARE(level[1].second, level[0].second);
      QCOMPARE(level[0].first, run.rows.front().time_s);
      QCOMPARE(level[1].first, run.rows.back().time_s);
    }
    // The events the file has, of each class, and the warm-up.
    QFile file(QDir(dir.path()).filePath("events.csv"));
    QVERIFY(file.open(QIODevice::ReadOnly | QIODevice::Text));
    int marked = 0;
    bool classes[3] = {false, false, false};
    for (const QString& line : QString::fromUtf8(file.readAll()).split('\n', Qt::SkipEmptyParts).mid(1)) {
      const QString kind = split_csv_line(line).value(1);
      const bool scaling = kind == "scale_out" || kind == "scale_in" || kind == "resize", failure = kind == "fail" || kind == "recover",
                 health = kind.startsWith("health_");
      classes[0] = classes[0] || scaling, classes[1] = classes[1] || failure, classes[2] = classes[2] || health;
      marked += scaling || failure || health ? 1 : 0;
    }
    QVERIFY(classes[0] && classes[1] && classes[2]);
    for (const ChartInfo& info : run_charts()) {
      if (info.kind == ChartKind::LoadShare || info.kind == ChartKind::LatencyCdf) continue;
      ChartWidget chart(info);
      chart.show_runs({&run});
      const QStringList marks = chart.marks();
      QCOMPARE(marks.count("warm-up (not measured)"), 1);
      QCOMPARE(marks.size(), marked + 1);
      for (const char* name : {"scaling events", "failure events", "health events"})
        QVERIFY2(chart.legend().contains(name), qPrintable(info.title + ": " + chart.legend().join(" | ")));
      QCOMPARE(chart.x_range().first, 0.0);  // the warm-up is on show
    }
  }

  // The readout over an event's line names the event; a class with more events than a chart
  // draws says so in the legend.
  void events_are_read_out_and_capped()
  {
    RunData run;
    run.label = "synthetic";
    for (int i = 1; i <= 100; ++i) {
      IntervalBatch b;
      b.row.time_s = i;
      b.row.latency_p50_s = 0.01, b.row.latency_p99_s = 0.02;
      run.append(b);
    }
    run.events.push_back({20, "fail", "web-1", "timeline; 3 requests dropped"});
    for (int i = 0; i < 250; ++i) run.events.push_back({60 + i * 0.1, "health_down", "web-2", "2 checks failed"});
    ChartWidget chart(info_of(ChartKind::Latency));
    chart.resize(1000, 600);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    chart.show_runs({&run});
    QCOMPARE(chart.marks().size(), 1 + 200);
    QVERIFY2(chart.legend().contains("health events (the first 200 of 250)"), qPrintable(chart.legend().join(" | ")));
    QVERIFY(chart.legend().contains("failure events"));
    const QPointF at = chart.position_of(QPointF(20, 5));  // on the fail's line, away from the series
    QCOMPARE(chart.readout_at(at), QString("fail web-1 (timeline; 3 requests dropped) at 20 s"));
  }

  // The SLO's colour is no run's: with eight runs overlaid (sixteen percentile lines) only the SLO
  // line has it, and no mark has a run's colour.
  void no_series_takes_the_slo_colour()
  {
    QTemporaryDir dir;
    write_results(dir.path(), "quickstart-network.yaml", {"duration=5 s", "warmup=1 s"});
    std::vector<RunData> runs(8, read_run_dir(dir.path()));
    std::vector<const RunData*> shown;
    for (size_t i = 0; i < runs.size(); ++i) {
      runs[i].settings.append({"seed", QString::number(i)});
      shown.push_back(&runs[i]);
    }
    ChartWidget latency(info_of(ChartKind::Latency));
    latency.show_runs(shown);
    QVERIFY(latency.legend().contains("SLO p99"));
    QCOMPARE(latency.colour_of("SLO p99"), slo_colour());
    int checked = 0;
    for (const QString& name : latency.legend()) {
      if (name == "SLO p99") continue;
      QVERIFY2(latency.colour_of(name) != slo_colour(), qPrintable(name));
      ++checked;
    }
    QVERIFY(checked >= 16);
    for (const QColor& c : run_colours()) {
      QVERIFY(c != slo_colour());
      for (EventClass e : {EventClass::Scaling, EventClass::Failure, EventClass::Health}) QVERIFY(c != event_colour(e));
    }
  }

  // Runs keep no latency distribution: the CDF steps through the summary's percentiles, and for
  // M/M/1 it is the exponential distribution of rate mu - lambda.
  void latency_cdf_steps_through_the_summary_percentiles()
  {
    QTemporaryDir dir;
    write_results(dir.path(), "mm1.yaml", {"stop.requests=50000", "warmup=10 s"});
    const RunData run = read_run_dir(dir.path());
    const nlohmann::json s = summary_of(dir.path());
    ChartWidget cdf(info_of(ChartKind::LatencyCdf));
    cdf.show_runs({&run});
    QVERIFY(cdf.axis(Qt::Horizontal).title.contains("summary's percentiles"));  // it says where its steps come from
    const auto points = points_of(cdf, "CDF (summary percentiles)");
    QVERIFY(points.size() >= 8);
    for (size_t i = 1; i < points.size(); ++i) QVERIFY(points[i].first >= points[i - 1].first && points[i].second >= points[i - 1].second);
    QCOMPARE(points.back(), std::make_pair(s["latency_s"]["max"].get<double>() * 1e3, 100.0));
    // At each percentile's latency the CDF reaches that percentile, and theory agrees (-ln(1 - F) / (mu - lambda)).
    const std::pair<const char*, double> percentiles[] = {{"p50", 50}, {"p90", 90}, {"p99", 99}, {"p999", 99.9}};
    for (const auto& [key, share] : percentiles) {
      const double at_ms = s["latency_s"][key].get<double>() * 1e3;
      bool found = false;
      for (const auto& [x, y] : points) found = found || (x == at_ms && y == share);
      QVERIFY2(found, key);
      // p99.9 rests on a few dozen correlated response times: too few to hold to theory.
      if (share > 99) continue;
      const double theory_ms = -std::log(1 - share / 100) / (kMu - kLambda) * 1e3;
      QVERIFY2(std::abs(at_ms - theory_ms) < 0.08 * theory_ms, qPrintable(QString("%1: %2 ms, theory %3 ms").arg(key).arg(at_ms).arg(theory_ms)));
    }
    RunData running = run;
    running.figures = {};
    cdf.show_runs({&running});
    QCOMPARE(cdf.series_count(), 0);
  }

  // A run of the window gets its whole-run figures and events as its results folder does: the
  // table's column of the live run is the column of the same run written to a folder.
  // A server that is not up reads 0 % like an idle one: its rows while down get marks of their
  // own, and an idle server none.
  void down_servers_are_marked_apart_from_idle_ones()
  {
    RunData run;
    run.label = "r";
    run.servers << "a" << "idle";
    for (double t : {1.0, 2.0, 3.0, 4.0}) {
      IntervalPoint p;
      p.time_s = t;
      run.rows.push_back(p);
    }
    run.server_rows = {{{1, true, 0.5, 0, 10}, {2, false, 0, 0, 0}, {3, false, 0, 0, 0}, {4, true, 0.4, 0, 8}},
                       {{1, true, 0, 0, 0}, {2, true, 0, 0, 0}, {3, true, 0, 0, 0}, {4, true, 0, 0, 0}}};
    for (ChartKind kind : {ChartKind::Utilization, ChartKind::InFlight}) {
      const ChartLines chart = run_lines(kind, {&run});
      QStringList names;
      for (const Line& line : chart.lines) names << line.name;
      const QString a_down = kind == ChartKind::Utilization ? "a (not up)" : "queue a (not up)";
      QVERIFY2(names.contains(a_down), qPrintable(names.join(", ")));
      QVERIFY(!names.filter("idle (not up)").size());
      for (const Line& line : chart.lines) {
        if (line.name != a_down) continue;
        QCOMPARE(line.x, (std::vector<double>{2.0, 3.0}));
        QVERIFY(line.points_only);
        QCOMPARE(line.fixed_colour, down_colour());
      }
    }
    ChartWidget chart(run_charts()[3]);
    chart.show_runs({&run});
    QVERIFY(chart.legend().contains("a (not up)"));
  }

  void a_live_run_compares_as_its_results_folder()
  {
    const QString path = QDir(LBSIM_SOURCE_DIR).filePath("examples/backup-servers.yaml");
    MainWindow window;
    window.set_quiet(true);
    QVERIFY(window.open_file(path));
    QVERIFY(window.start_run());
    QVERIFY(QTest::qWaitFor([&] { return window.run_count() > 0 && window.run(0).finished; }, 120000));
    QTemporaryDir dir;
    write_results(dir.path(), "backup-servers.yaml", {});
    const RunData file = read_run_dir(dir.path());
    const RunData& live = window.run(0);
    QVERIFY(live.figures.known);
    QCOMPARE(live.events.size(), file.events.size());
    QVERIFY(!live.events.empty());
    const Comparison a = compare_runs({&live}), b = compare_runs({&file});
    QCOMPARE(a.cells, b.cells);
    QCOMPARE(window.comparison()->comparison().cells, a.cells);
  }
};

QTEST_MAIN(CompareTest)
#include "compare_test.moc"
