// The GUI under the offscreen platform (QT_QPA_PLATFORM=offscreen, set by CTest): every shared
// example opens, runs (shortened with --set) and fills the charts; exports write files; a bad
// file shows its error at its line; studies, comparisons, the step view, the topology, pause and
// stop, and `lbsim plot`.
#include "gui/chart_panel.hpp"
#include "gui/decimate.hpp"
#include "gui/help_viewer.hpp"
#include "gui/main_window.hpp"
#include "gui/results_reader.hpp"
#include "gui/series_adapter.hpp"
#include "gui/shipped_files.hpp"
#include "gui/sim_worker.hpp"
#include "gui/step_view.hpp"
#include "gui/topology_view.hpp"
#include "gui/yaml_editor.hpp"
#include "scenarios/format/loader.hpp"
#include "scenarios/runner.hpp"

#include <nlohmann/json.hpp>

#include <QAbstractButton>
#include <QPushButton>
#include <QApplication>
#include <QDir>
#include <QDropEvent>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QUrl>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QScopeGuard>
#include <QTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTabBar>
#include <QTest>

#include <cmath>
#include <map>

using namespace lbsim;
using namespace lbsim::gui;

namespace {

// Shortens a scenario for a test: a few seconds, or a few thousand requests.
QStringList short_run(const QString& path)
{
  QFile file(path);
  file.open(QIODevice::ReadOnly);
  const QString text = QString::fromUtf8(file.readAll());
  if (text.contains("\nstop:")) return {"warmup=0 s", "stop.requests=2000"};
  return {"warmup=1 s", "duration=5 s"};
}

// Until the last run has finished and the window has taken its last rows.
bool wait_for_run(MainWindow& window, int ms = 60000)
{
  return QTest::qWaitFor([&] { return window.run_count() > 0 && window.run(window.run_count() - 1).finished; }, ms);
}

ChartWidget* chart(MainWindow& window, ChartKind kind)
{
  for (ChartWidget* c : window.charts()->charts())
    if (c->info().kind == kind) return c;
  return nullptr;
}

// A finished run's results folder: lbsim run --out, through the library.
void write_results(const QString& dir, const std::vector<std::string>& overrides)
{
  const auto config = scenarios::load_scenario_file(QDir(LBSIM_SOURCE_DIR).filePath("examples/quickstart-network.yaml").toStdString(),
                                                    overrides);
  scenarios::run_scenario(config, dir.toStdString());
}

// The contract's gateway-examples/microservices.yaml (docs/services.md), as written: clients ->
// frontend, which calls catalog, users and orders; orders calls db.
const char* const kMicroservices = R"(name: microservices
description: >
  A call graph without a gateway: a web front end renders a page by calling the catalog and the users
  service in parallel; a checkout calls users, then orders, which writes to a database.
seed: 3
warmup: 10 s
duration: 2 min
clients:
  - name: shoppers
    population: 500
    service: frontend
    arrivals: { process: poisson, rate: 200/s }
    mix:
      - { method: GET, path: /page, share: 0.8, response_size: 30 KB }
      - { method: POST, path: /checkout, share: 0.2, request_size: 2 KB, response_size: 1 KB }
services:
  - name: frontend
    balancer: { algorithm: round_robin }
    servers: [ { name: web, count: 2, cores: 2 } ]
    endpoints:
      - method: GET
        path: /page
        work: { distribution: exponential, mean: 3 ms }
        calls:
          - { service: catalog, method: GET, path: /items, mode: parallel }
          - { service: users, method: GET, path: /profile, mode: parallel }
        work_after: 1 ms
      - method: POST
        path: /checkout
        work: 2 ms
        calls:
          - { service: users, method: GET, path: /profile }
          - { service: orders, method: POST, path: /orders }
  - name: catalog
    balancer: { algorithm: least_connections }
    servers: [ { name: catalog, count: 2, cores: 2 } ]
    endpoints:
      - { method: GET, path: /items, work: { distribution: exponential, mean: 8 ms }, response_size: 20 KB }
  - name: users
    servers: [ { name: users, cores: 2 } ]
    endpoints:
      - { method: GET, path: /profile, work: { distribution: exponential, mean: 4 ms } }
  - name: orders
    servers: [ { name: orders, cores: 2 } ]
    endpoints:
      - method: POST
        path: /orders
        work: 5 ms
        calls: [ { service: db, method: POST, path: /insert } ]
  - name: db
    servers: [ { name: db, cores: 4 } ]
    endpoints:
      - { method: POST, path: /insert, work: { distribution: exponential, mean: 10 ms } }
metrics: { slo: { p99: 200 ms } }
)";

models::SystemConfig microservices(const std::vector<std::string>& overrides = {})
{
  return scenarios::load_scenario_text(kMicroservices, "microservices.yaml", LBSIM_SOURCE_DIR, overrides);
}

// "a->b" for each pair of node indices.
QStringList named(const TopologyGraph& graph, const std::vector<std::pair<int, int>>& pairs)
{
  QStringList out;
  for (auto [a, b] : pairs) out << graph.nodes[a] + "->" + graph.nodes[b];
  return out;
}

models::SystemConfig api_gateway(const std::vector<std::string>& overrides = {})
{
  return scenarios::load_scenario_file(QDir(LBSIM_SOURCE_DIR).filePath("examples/api-gateway.yaml").toStdString(), overrides);
}

// The sum of each series of a chart's CSV export (series,x,y).
QMap<QString, double> series_sums(const ChartWidget& chart)
{
  QMap<QString, double> sums;
  const QStringList lines = chart.csv().split('\n', Qt::SkipEmptyParts);
  for (qsizetype i = 1; i < lines.size(); ++i) {
    const QStringList f = split_csv_line(lines[i]);
    sums[f.value(0)] += f.value(2).toDouble();
  }
  return sums;
}

QStringList nodes_of_kind(const TopologyGraph& graph, TopologyGraph::Kind kind)
{
  QStringList out;
  for (int i = 0; i < graph.nodes.size(); ++i)
    if (graph.kinds[static_cast<size_t>(i)] == kind) out << graph.nodes[i];
  return out;
}

}  // namespace

class GuiTest : public QObject {
  Q_OBJECT
private slots:
  void initTestCase()
  {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("lbsim-tests");
    QCoreApplication::setApplicationName("gui_tests");
  }

  void decimation_keeps_extremes()
  {
    std::vector<double> x, y;
    for (int i = 0; i < 100000; ++i) x.push_back(i), y.push_back(i == 54321 ? 1000.0 : std::sin(i * 0.01));
    const QList<QPointF> points = decimate(x, y, 500);
    QVERIFY(points.size() <= 500);
    QCOMPARE(points.front().x(), 0.0);
    QCOMPARE(points.back().x(), 99999.0);
    double peak = 0;
    for (const QPointF& p : points) peak = std::max(peak, p.y());
    QCOMPARE(peak, 1000.0);
    QCOMPARE(decimate({1, 2, 3}, {4, 5, 6}, 500).size(), 3);
  }

  void many_servers_are_summarized_as_min_mean_max()
  {
    RunData run;
    for (int i = 1; i <= 3; ++i) {
      IntervalBatch batch;
      batch.row.time_s = i;
      for (int s = 0; s < 40; ++s)
        batch.servers.push_back({static_cast<double>(i), true, s / 40.0, 0, 1}), batch.server_names << QString("web-%1").arg(s);
      run.append(batch);
    }
    ChartWidget chart(run_charts()[3]);
    QCOMPARE(chart.info().kind, ChartKind::Utilization);
    chart.show_runs({&run});
    QCOMPARE(chart.series_count(), 3);
    QVERIFY(chart.csv().contains("max over servers,1,97.5"));
  }

  void each_shared_example_runs_and_fills_the_charts()
  {
    const QDir dir(LBSIM_EXAMPLES_DIR);
    const QStringList files = dir.entryList({"*.yaml"}, QDir::Files, QDir::Name);
    QVERIFY(files.size() >= 5);
    int ran = 0;
    for (const QString& name : files) {
      const QString path = dir.filePath(name);
      QFile file(path);
      QVERIFY(file.open(QIODevice::ReadOnly));
      if (file.readAll().startsWith("study:")) continue;  // a study, not a scenario
      MainWindow window;
      window.set_quiet(true);
      window.set_overrides(short_run(path));
      QVERIFY2(window.open_file(path), qPrintable(path));
      // Every example of the contract must load and run as written.
      const QString error = window.editor()->error_message();
      QVERIFY2(error.isEmpty(), qPrintable(error));
      QVERIFY(window.start_run());
      QVERIFY2(wait_for_run(window), qPrintable(name));
      QVERIFY2(window.worker().outcome().error.isEmpty(), qPrintable(window.worker().outcome().error));
      QCOMPARE(window.run_count(), size_t{1});
      QVERIFY2(!window.run(0).rows.empty(), qPrintable(name));
      window.charts()->refresh_all();
      for (ChartKind kind : {ChartKind::Latency, ChartKind::Throughput, ChartKind::InFlight, ChartKind::Utilization,
                             ChartKind::ServersCost, ChartKind::Errors, ChartKind::LoadShare})
        QVERIFY2(chart(window, kind)->point_count() > 0, qPrintable(name + ": " + chart(window, kind)->info().title));
      QVERIFY(!window.topology()->graph().nodes.isEmpty());
      ++ran;
    }
    QVERIFY(ran >= 3);
  }

  void export_writes_png_svg_and_csv()
  {
    MainWindow window;
    window.set_quiet(true);
    const QString path = QDir(LBSIM_SOURCE_DIR).filePath("examples/quickstart-network.yaml");
    window.set_overrides(short_run(path));
    QVERIFY(window.open_file(path));
    QVERIFY(window.start_run());
    QVERIFY(wait_for_run(window));
    QTemporaryDir out;
    const QStringList files = window.charts()->export_all(out.path());
    // Nine charts (links too: this scenario has a network; the latency CDF), three files each.
    QCOMPARE(files.size(), 27);
    for (const QString& f : files) QVERIFY2(QFileInfo(f).size() > 30, qPrintable(f));
    QFile csv(QDir(out.path()).filePath("latency.csv"));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    QVERIFY(csv.readLine().startsWith("series,x,y"));
    QFile svg(QDir(out.path()).filePath("throughput.svg"));
    QVERIFY(svg.open(QIODevice::ReadOnly));
    QVERIFY(svg.readAll().contains("<svg"));
  }

  void a_bad_file_shows_its_error_at_its_line()
  {
    MainWindow window;
    window.set_quiet(true);
    const QString path = QDir(LBSIM_SOURCE_DIR).filePath("tests/data/malformed/bad-size-unit.yaml");
    QVERIFY(window.open_file(path));
    QVERIFY(!window.editor()->error_message().isEmpty());
    QVERIFY(window.editor()->error_line() > 0);
    QVERIFY(window.editor()->error_message().contains("bad-size-unit.yaml:"));
    QVERIFY(!window.start_run());
    QCOMPARE(window.run_count(), size_t{0});
    // Fixing the text as you type clears the mark (after the 300 ms pause).
    QFile good(QDir(LBSIM_SOURCE_DIR).filePath("examples/mm1.yaml"));
    QVERIFY(good.open(QIODevice::ReadOnly));
    window.editor()->setPlainText(QString::fromUtf8(good.readAll()));
    QTRY_VERIFY_WITH_TIMEOUT(window.editor()->error_line() == 0, 3000);
  }

  // "rate:100/s" (no space after the colon) was marked two lines below it, where YAML noticed.
  void a_missing_space_after_a_colon_is_marked_at_its_line()
  {
    MainWindow window;
    window.set_quiet(true);
    QVERIFY(window.open_file(QDir(LBSIM_SOURCE_DIR).filePath("tests/data/malformed/colon-no-space-block.yaml")));
    QCOMPARE(window.editor()->error_line(), 9);
    QVERIFY(window.editor()->error_message().contains("write \"rate: 100/s\""));
  }

  void results_and_comparison_overlay()
  {
    QTemporaryDir rr, lc;
    write_results(rr.path(), {"duration=5 s", "warmup=1 s", "balancer.algorithm=round_robin"});
    write_results(lc.path(), {"duration=5 s", "warmup=1 s", "balancer.algorithm=least_connections"});
    const RunData run = read_run_dir(rr.path());
    QCOMPARE(run.rows.size(), size_t{5});
    QCOMPARE(run.servers.size(), 3);
    QCOMPARE(run.server_rows.size(), size_t{3});
    QVERIFY(!run.links.isEmpty());
    QVERIFY(run.slo_p99_s.has_value());

    MainWindow window;
    window.set_quiet(true);
    QVERIFY(window.open_results(rr.path()));
    QVERIFY(window.open_results(lc.path()));
    QCOMPARE(window.run_count(), size_t{2});
    window.charts()->refresh_all();
    // p50 and p99 of each run, per interval and of the whole run, and the SLO line.
    QCOMPARE(chart(window, ChartKind::Latency)->series_count(), 9);
    QCOMPARE(chart(window, ChartKind::Throughput)->series_count(), 2);
    QVERIFY(!window.open_results(QDir(LBSIM_SOURCE_DIR).filePath("tests"), true));
  }

  void study_chart_has_a_line_per_algorithm_with_confidence_bars()
  {
    QTemporaryDir dir;
    QFile csv(QDir(dir.path()).filePath("summary.csv"));
    QVERIFY(csv.open(QIODevice::WriteOnly));
    csv.write("point,balancer.algorithm,clients[0].arrivals.rate,runs,failed,latency_s.p99_mean,latency_s.p99_ci\n"
              "0,round_robin,200/s,5,0,0.1,0.01\n1,round_robin,300/s,5,0,0.2,0.02\n"
              "2,least_connections,200/s,5,0,0.09,0.01\n3,least_connections,300/s,5,0,0.15,\n");
    csv.close();
    MainWindow window;
    window.set_quiet(true);
    QVERIFY(window.open_results(dir.path()));
    // Two lines and one bar per point; p99 in ms, each line named by the other key and its value.
    QCOMPARE(window.study_chart()->series_count(), 2 + 4);
    QVERIFY2(window.study_chart()->csv().contains("algorithm = round_robin,300,200"), qPrintable(window.study_chart()->csv()));
  }

  // The study chart used to put an algorithm at x = 0, 1, ... joined by a line with no names,
  // log-spaced rates on a linear axis, and raw keys (latency_s.p99, a legend "4") as labels.
  void study_chart_names_categories_and_uses_log_axes()
  {
    StudyData study;
    study.varied = {"balancer.algorithm", "clients[0].arrivals.rate", "servers[0].count"};
    study.metrics = {"latency_s.p99", "throughput_rps"};
    const QStringList algorithms = {"round_robin", "least_connections", "power_of_two_choices"};
    const QStringList rates = {"1/s", "10/s", "100/s", "1000/s", "10000/s", "100000/s"};
    for (const QString& a : algorithms)
      for (const QString& r : rates)
        for (const QString& n : {QString("4"), QString("8")}) {
          const double rate = study_axis_value(r, 0);
          study.points.push_back({{a, r, n}, {0.001 * (1 + rate / 1000), rate}, {0.0001, 0.0}});
        }
    QCOMPARE(study_key_label(study.varied, 0), QString("algorithm"));
    QCOMPARE(study_key_label(study.varied, 1), QString("rate"));
    QCOMPARE(study_key_label(study.varied, 2), QString("count"));
    QCOMPARE(study_metric_label("latency_s.p99").title, QString("p99 latency (ms)"));
    QCOMPARE(study_metric_label("latency_s.mean").scale, 1000.0);
    QCOMPARE(study_metric_label("throughput_rps").title, QString("throughput (req/s)"));
    QCOMPARE(study_metric_label("servers[slow].utilization").title, QString("slow utilization (%)"));
    QCOMPARE(study_metric_label("balance.jain_index").title, QString("balance jain index"));

    ChartWidget chart(gui::study_chart());
    // The algorithm on x: three named categories, markers without a line.
    chart.show_study(study, 0, 0);
    QCOMPARE(chart.axis(Qt::Horizontal).categories, algorithms);
    QCOMPARE(chart.axis(Qt::Horizontal).title, QString("algorithm"));
    QVERIFY(!chart.has_lines());
    QCOMPARE(chart.axis(Qt::Vertical).title, QString("p99 latency (ms) (log scale)"));  // 1 .. 101 ms
    QVERIFY(chart.legend().contains("rate = 1/s, count = 4"));
    // The rate on x: 1 .. 100,000 on a log axis; p99 1 ms .. 101 ms spans two decades: log too.
    chart.show_study(study, 1, 0);
    QVERIFY(chart.axis(Qt::Horizontal).categories.isEmpty());
    QVERIFY(chart.axis(Qt::Horizontal).log);
    QVERIFY(chart.axis(Qt::Vertical).log);
    QVERIFY(chart.has_lines());
    QVERIFY(chart.legend().contains("algorithm = least_connections, count = 8"));
    QVERIFY(chart.csv().contains("\"algorithm = round_robin, count = 4\",100000,"));
    // The count on x (4 and 8): linear; a metric within one decade: linear.
    chart.show_study(study, 2, 0);
    QVERIFY(!chart.axis(Qt::Horizontal).log);
    QVERIFY(chart.axis(Qt::Horizontal).categories.isEmpty());
    QVERIFY(!chart.image(QSize(800, 500)).isNull());
  }

  void step_view_advances_one_request_at_a_time()
  {
    MainWindow window;
    window.set_quiet(true);
    QVERIFY(window.open_file(QDir(LBSIM_SOURCE_DIR).filePath("examples/teaching/round-robin.yaml")));
    StepView* step = window.step_view();
    step->step(1);
    QTRY_COMPARE_WITH_TIMEOUT(step->trace_rows(), 1, 5000);
    step->step(3);
    QTRY_COMPARE_WITH_TIMEOUT(step->trace_rows(), 4, 5000);
    const auto records = step->worker().records();
    QCOMPARE(records.size(), size_t{4});
    QCOMPARE(records[0].status, QString("dispatched"));
    QVERIFY(records[0].server != records[1].server);  // round robin takes turns
    QVERIFY2(records[0].pool_before.contains(": 0 active"), qPrintable(records[0].pool_before));
    QCOMPARE(step->worker().snapshot().algorithm, QString("round_robin"));
  }

  // ip-hash.yaml scripts five requests. Stepping past them used to loop in the metrics ticks for
  // ever on the step thread; now it says the run is over, and the view still answers.
  void stepping_past_the_end_says_the_run_is_over()
  {
    MainWindow window;
    window.set_quiet(true);
    QVERIFY(window.open_file(QDir(LBSIM_SOURCE_DIR).filePath("examples/teaching/ip-hash.yaml")));
    StepView* step = window.step_view();
    step->step(10);  // Step 10 past the end
    QTRY_COMPARE_WITH_TIMEOUT(step->trace_rows(), 5, 5000);
    step->step(1);
    step->step(1);
    QTRY_VERIFY2_WITH_TIMEOUT(step->explanation().contains("the run is over"), qPrintable(step->explanation()), 5000);
    QVERIFY(step->worker().snapshot().run_over);
    step->step(10);
    QTRY_VERIFY_WITH_TIMEOUT(step->explanation().startsWith("The run is over at 4.01"), 5000);
    QCOMPARE(step->trace_rows(), 5);
    // Start over replays the script from the first request.
    step->load(*window.editor()->validate({}));
    step->step(2);
    QTRY_COMPARE_WITH_TIMEOUT(step->trace_rows(), 2, 5000);
    QVERIFY(!step->worker().snapshot().run_over);
  }

  // F10 was both the menu's Step One Request and the Step button's shortcut: Qt then fires
  // neither. Every shortcut of the window must belong to one action or button only.
  void each_shortcut_belongs_to_one_action()
  {
    MainWindow window;
    window.set_quiet(true);
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QMap<QString, QStringList> owners;
    for (QAction* a : window.findChildren<QAction*>())
      for (const QKeySequence& k : a->shortcuts())
        owners[k.toString()] << a->text();
    for (QAbstractButton* b : window.findChildren<QAbstractButton*>())
      if (!b->shortcut().isEmpty()) owners[b->shortcut().toString()] << b->text();
    for (auto it = owners.cbegin(); it != owners.cend(); ++it)
      QVERIFY2(it.value().size() == 1, qPrintable(it.key() + " is bound to " + it.value().join(", ")));
    QVERIFY(window.open_file(QDir(LBSIM_SOURCE_DIR).filePath("examples/teaching/round-robin.yaml")));
    window.views()->setCurrentWidget(window.step_view());
    QTest::keyClick(&window, Qt::Key_F10);
    QTRY_COMPARE_WITH_TIMEOUT(window.step_view()->trace_rows(), 1, 5000);
    QTest::keyClick(&window, Qt::Key_F10, Qt::ShiftModifier);  // Step 10
    QTRY_COMPARE_WITH_TIMEOUT(window.step_view()->trace_rows(), 1 + 10, 5000);
  }

  void topology_from_a_network_is_laid_out()
  {
    const auto config = scenarios::load_scenario_file(
        QDir(LBSIM_SOURCE_DIR).filePath("examples/quickstart-network.yaml").toStdString());
    TopologyGraph graph = topology_of(config);
    QVERIFY(graph.nodes.contains("lb"));
    QVERIFY(graph.edges.size() >= 4);
    layout(graph);
    QCOMPARE(graph.positions.size(), static_cast<size_t>(graph.nodes.size()));
    for (const QPointF& p : graph.positions) QVERIFY(p.x() >= 0 && p.x() <= 1 && p.y() >= 0 && p.y() <= 1);
  }

  // One Balancer node per service, labelled with its name, each with its own servers (service
  // "users" and its server "users" are two nodes), and the call graph from caller to callee.
  void topology_draws_every_service_and_their_calls()
  {
    const TopologyGraph graph = topology_of(microservices());
    QVERIFY(graph.services);
    QCOMPARE(nodes_of_kind(graph, TopologyGraph::Balancer), (QStringList{"frontend", "catalog", "users", "orders", "db"}));
    QCOMPARE(nodes_of_kind(graph, TopologyGraph::Server),
             (QStringList{"web-1", "web-2", "catalog-1", "catalog-2", "users", "orders", "db"}));
    QCOMPARE(nodes_of_kind(graph, TopologyGraph::Clients), QStringList{"clients"});
    QCOMPARE(named(graph, graph.calls), (QStringList{"frontend->catalog", "frontend->users", "frontend->orders", "orders->db"}));
    for (auto [a, b] : graph.calls) {
      QCOMPARE(graph.kinds[static_cast<size_t>(a)], TopologyGraph::Balancer);
      QCOMPARE(graph.kinds[static_cast<size_t>(b)], TopologyGraph::Balancer);
    }
    QCOMPARE(named(graph, graph.edges), (QStringList{"clients->frontend", "frontend->web-1", "frontend->web-2",
                                                     "catalog->catalog-1", "catalog->catalog-2", "users->users",
                                                     "orders->orders", "db->db"}));
    for (auto [a, b] : graph.edges)  // a service's edges go to its own servers
      if (graph.kinds[static_cast<size_t>(a)] == TopologyGraph::Balancer) {
        QCOMPARE(graph.kinds[static_cast<size_t>(b)], TopologyGraph::Server);
        QCOMPARE(graph.service[static_cast<size_t>(b)], a);
      }
  }

  // A top-level balancer and servers (one service) gives the graph it gave before services.
  void topology_of_one_service_is_unchanged()
  {
    auto load = [](const char* file) {
      return topology_of(scenarios::load_scenario_file(QDir(LBSIM_SOURCE_DIR).filePath(file).toStdString()));
    };
    using K = TopologyGraph::Kind;
    const TopologyGraph wrr = load("examples/weighted-round-robin.yaml");  // no network
    QCOMPARE(wrr.nodes, (QStringList{"lb", "clients", "A", "B"}));
    QCOMPARE(wrr.kinds, (std::vector<K>{K::Balancer, K::Clients, K::Server, K::Server}));
    QCOMPARE(named(wrr, wrr.edges), (QStringList{"clients->lb", "lb->A", "lb->B"}));
    const TopologyGraph mm1 = load("examples/mm1.yaml");  // a lone server, no balancer
    QCOMPARE(mm1.nodes, (QStringList{"clients", "s"}));
    QCOMPARE(named(mm1, mm1.edges), QStringList{"clients->s"});
    const TopologyGraph net = load("examples/quickstart-network.yaml");  // the network's nodes and links
    QCOMPARE(net.nodes, (QStringList{"tokyo", "lb", "big", "small-1", "small-2"}));
    QCOMPARE(net.kinds, (std::vector<K>{K::Clients, K::Balancer, K::Server, K::Server, K::Server}));
    QCOMPARE(named(net, net.edges), (QStringList{"tokyo->lb", "lb->big", "lb->small-1", "lb->small-2"}));
    for (const TopologyGraph* g : {&wrr, &mm1, &net}) {
      QVERIFY(!g->services);
      QVERIFY(g->calls.empty());
    }
  }

  // Read as a flow: clients left of every service, a called service right of its caller, a
  // service's servers between it and the services it calls.
  void services_are_laid_out_left_to_right()
  {
    TopologyGraph graph = topology_of(microservices());
    layout(graph);
    QCOMPARE(graph.positions.size(), static_cast<size_t>(graph.nodes.size()));
    auto x = [&](int i) { return graph.positions[static_cast<size_t>(i)].x(); };
    for (int i = 0; i < graph.nodes.size(); ++i) {
      const QPointF& p = graph.positions[static_cast<size_t>(i)];
      QVERIFY(p.x() >= 0 && p.x() <= 1 && p.y() >= 0 && p.y() <= 1);
      for (int j = 0; j < i; ++j) QVERIFY2(graph.positions[static_cast<size_t>(j)] != p, qPrintable(graph.nodes[i]));
      if (graph.kinds[static_cast<size_t>(i)] != TopologyGraph::Clients) continue;
      for (int j = 0; j < graph.nodes.size(); ++j)
        if (graph.kinds[static_cast<size_t>(j)] == TopologyGraph::Balancer) QVERIFY(x(i) < x(j));
    }
    for (auto [a, b] : graph.calls) QVERIFY2(x(a) < x(b), qPrintable(graph.nodes[a] + " -> " + graph.nodes[b]));
    for (int i = 0; i < graph.nodes.size(); ++i) {
      const int s = graph.service[static_cast<size_t>(i)];
      if (s < 0) continue;
      QVERIFY(x(s) < x(i));
      for (auto [a, b] : graph.calls)
        if (a == s) QVERIFY(x(i) < x(b));
    }
    // And it paints, services coloured and calls with their arrows.
    TopologyView view;
    view.resize(900, 500);
    view.set_graph(graph);
    view.set_utilization({{"web-1", 0.5}}, {}, {{"frontend", 0.9}, {"db", 0.1}});
    QVERIFY(!view.grab().isNull());
  }

  // Service utilization: from services.csv of a results folder, and live from the run's sink.
  void services_carry_their_utilization()
  {
    const auto config = microservices({"warmup=1 s", "duration=5 s"});
    QTemporaryDir dir;
    scenarios::run_scenario(config, dir.path().toStdString());
    const RunData run = read_run_dir(dir.path());
    QCOMPARE(run.services, (QStringList{"frontend", "catalog", "users", "orders", "db"}));
    QCOMPARE(run.service_rows.size(), size_t{5});
    for (const std::vector<TimedValue>& rows : run.service_rows) {
      QCOMPARE(rows.size(), run.rows.size());
      for (const TimedValue& u : rows) QVERIFY(u.value > 0 && u.value <= 1);
    }

    // Live: every service's servers are named, and each interval has a point for each.
    SimWorker worker;
    worker.start(config);
    QTRY_VERIFY_WITH_TIMEOUT(!worker.running(), 60000);
    const std::vector<IntervalBatch> batches = worker.take();
    QCOMPARE(batches.size(), run.rows.size());
    QCOMPARE(batches.back().servers.size(), size_t{7});
    QCOMPARE(batches.back().server_names, (QStringList{"web-1", "web-2", "catalog-1", "catalog-2", "users", "orders", "db"}));
    QCOMPARE(batches.back().service_utilization.size(), size_t{5});
    QCOMPARE(batches.back().service_names, run.services);
  }

  // Servers join during examples/autoscaling.yaml (web-5 at 690 s, then more). The live charts used
  // to name only the servers of the file (blank legends for the others), draw some from t = 0 and
  // show a server that never ran as busy; `lbsim plot` of the run's folder was right. Both now file
  // the rows by name (RunData::append): every chart of the live run is the chart of its folder.
  void live_and_file_charts_agree_when_servers_join()
  {
    const auto config = scenarios::load_scenario_file(QDir(LBSIM_SOURCE_DIR).filePath("examples/autoscaling.yaml").toStdString());
    QTemporaryDir dir;
    SimWorker worker;
    RunData live = SimWorker::prepare(config);
    worker.start(config, dir.path());
    QTRY_VERIFY_WITH_TIMEOUT(!worker.running(), 120000);
    for (const IntervalBatch& b : worker.take()) live.append(b);
    const RunOutcome outcome = worker.outcome();
    QVERIFY2(outcome.error.isEmpty(), qPrintable(outcome.error));
    live.set_completed(outcome.server_names, outcome.server_completed);
    live.finished = true;
    const RunData file = read_run_dir(dir.path());

    // Against the run's own logs: summary.json's servers, events.csv's additions.
    QFile summary_file(QDir(dir.path()).filePath("summary.json"));
    QVERIFY(summary_file.open(QIODevice::ReadOnly));
    const auto summary = nlohmann::json::parse(summary_file.readAll().toStdString());
    QStringList names;
    double total = 0;
    for (const auto& server : summary["servers"]) {
      names << QString::fromStdString(server["name"].get<std::string>());
      total += server["completed"].get<double>();
    }
    QVERIFY2(names.size() > 6, qPrintable(names.join(",")));  // servers joined
    QCOMPARE(live.servers, names);
    QCOMPARE(file.servers, names);
    QMap<QString, double> added;
    QFile events(QDir(dir.path()).filePath("events.csv"));
    QVERIFY(events.open(QIODevice::ReadOnly | QIODevice::Text));
    for (const QByteArray& line : events.readAll().split('\n')) {
      const QStringList f = split_csv_line(QString::fromUtf8(line));
      if (f.value(1) == "add") added[f.value(2)] = f.value(0).toDouble();
    }
    QVERIFY(added.contains("web-5"));
    const std::vector<double> share = live.load_share();
    for (qsizetype i = 0; i < names.size(); ++i) {
      const std::vector<ServerPoint>& points = live.server_rows[static_cast<size_t>(i)];
      QVERIFY(!points.empty());
      // A server's series starts at the first interval end at or after it was added, not at 0.
      if (added.contains(names[i])) {
        QVERIFY2(points.front().time_s >= added[names[i]], qPrintable(names[i]));
        QVERIFY2(points.front().time_s < added[names[i]] + 10.0 + 1e-9, qPrintable(names[i]));
      }
      // Not busy before it was up; and its share is its completed requests over all of them.
      const double completed = summary["servers"][static_cast<size_t>(i)]["completed"].get<double>();
      QVERIFY(std::abs(share[static_cast<size_t>(i)] - completed / total) < 1e-12);
      double served = 0;
      bool was_up = false;
      for (const ServerPoint& p : points) {
        was_up = was_up || p.up;
        if (!was_up) QVERIFY2(p.utilization == 0 && p.completed == 0, qPrintable(names[i]));  // still provisioning
        served += p.completed;
      }
      QCOMPARE(served, completed);
    }

    // One path: every chart of the live run is the chart of its folder, point for point.
    live.label = file.label;  // the live label names the algorithm too
    live.figures = figures_from_summary_json(outcome.summary_json);
    live.events = events_from_csv(outcome.events_csv);
    for (const ChartInfo& info : run_charts()) {
      ChartWidget from_live(info), from_file(info);
      from_live.show_runs({&live});
      from_file.show_runs({&file});
      if (from_live.csv() != from_file.csv()) {  // the first line that differs
        const QStringList a = from_live.csv().split('\n'), b = from_file.csv().split('\n');
        for (qsizetype i = 0; i < std::max(a.size(), b.size()); ++i)
          QVERIFY2(a.value(i) == b.value(i), qPrintable(info.title + ": live " + a.value(i) + ", file " + b.value(i)));
      }
      QVERIFY2(!from_live.csv().contains("\n,"), qPrintable(info.title + ": a series without a name"));
    }
  }

  // The gateway sits between the clients and the services, with an arrow per route to its service
  // and, for the aggregate route, one to each backend.
  void topology_of_a_gateway_has_its_node_and_routes()
  {
    TopologyGraph graph = topology_of(api_gateway());
    QVERIFY(graph.services);
    QCOMPARE(nodes_of_kind(graph, TopologyGraph::Gateway), QStringList{"gw"});
    QCOMPARE(nodes_of_kind(graph, TopologyGraph::Balancer), (QStringList{"catalog", "orders"}));
    const QStringList clients = nodes_of_kind(graph, TopologyGraph::Clients);
    QVERIFY(!clients.isEmpty());
    QStringList expected_edges;
    for (const QString& c : clients) expected_edges << c + "->gw";  // clients send to the gateway only
    for (int i = 1; i <= 8; ++i) expected_edges << QString("catalog->catalog-%1").arg(i);
    for (int i = 1; i <= 3; ++i) expected_edges << QString("orders->orders-%1").arg(i);
    QCOMPARE(named(graph, graph.edges), expected_edges);
    QStringList routes;
    for (const TopologyGraph::Route& r : graph.routes) routes << r.name + ": " + graph.nodes[r.from] + "->" + graph.nodes[r.to];
    QCOMPARE(routes, (QStringList{"products: gw->catalog", "home: gw->catalog", "home: gw->orders", "orders: gw->orders"}));
    QCOMPARE(named(graph, graph.calls), QStringList{"orders->catalog"});

    // Laid out left to right: clients, the gateway, then the services.
    layout(graph);
    auto x = [&](const QString& name) { return graph.positions[static_cast<size_t>(graph.nodes.indexOf(name))].x(); };
    for (const QString& c : clients) QVERIFY(x(c) < x("gw"));
    QVERIFY(x("gw") < x("catalog"));
    QVERIFY(x("gw") < x("orders"));
    QVERIFY(x("orders") < x("catalog"));  // orders calls catalog
    TopologyView view;
    view.resize(900, 500);
    view.set_graph(graph);
    QVERIFY(!view.grab().isNull());
  }

  // The answers by status, per interval, add up to the run's counts by status, from a results
  // folder and live; the cache hit ratio is a share.
  void gateway_status_charts_match_the_runs_status_counts()
  {
    const auto config = api_gateway({"duration=20s"});
    QTemporaryDir dir;
    scenarios::run_scenario(config, dir.path().toStdString());
    QFile summary_file(QDir(dir.path()).filePath("summary.json"));
    QVERIFY(summary_file.open(QIODevice::ReadOnly));
    const auto summary = nlohmann::json::parse(summary_file.readAll().toStdString());
    std::map<QString, double> expected{{"2xx", 0}, {"4xx", 0}, {"429", 0}, {"5xx", 0}};
    for (const auto& item : summary["requests"]["by_status"].items()) {
      const int s = std::stoi(item.key());
      expected[s < 300 ? "2xx" : s == 429 ? "429" : s < 500 ? "4xx" : "5xx"] += item.value().get<double>();
    }
    QVERIFY(expected["2xx"] > 0);

    const RunData run = read_run_dir(dir.path());
    QVERIFY(run.gateway);
    const RunData live_prepared = SimWorker::prepare(config);
    SimWorker worker;
    worker.start(config);
    QTRY_VERIFY_WITH_TIMEOUT(!worker.running(), 120000);
    RunData live = live_prepared;
    for (const IntervalBatch& b : worker.take()) live.append(b);
    QVERIFY(live.gateway);
    QCOMPARE(live.rows.size(), run.rows.size());

    for (const RunData* r : std::initializer_list<const RunData*>{&run, &live}) {
      ChartWidget status(run_charts()[8]);
      QCOMPARE(status.info().kind, ChartKind::Status);
      status.show_runs({r});
      QCOMPARE(status.series_count(), 4);
      QVERIFY(status.point_count() > 0);
      const QMap<QString, double> sums = series_sums(status);
      QCOMPARE(sums.keys(), (QStringList{"2xx", "429", "4xx", "5xx"}));
      for (const auto& [name, count] : expected) QCOMPARE(sums.value(name), count);
      QVERIFY(!status.image(QSize(800, 450)).isNull());

      ChartWidget cache(run_charts()[9]);
      QCOMPARE(cache.info().kind, ChartKind::CacheHit);
      cache.show_runs({r});
      QCOMPARE(cache.series_count(), 1);
      double highest = 0;
      for (const IntervalPoint& p : r->rows) {
        QVERIFY(p.cache_hit_ratio >= 0 && p.cache_hit_ratio <= 1);
        highest = std::max(highest, p.cache_hit_ratio);
      }
      QVERIFY(highest > 0);
    }

    // In the window's chart panel the two charts are shown only with a gateway.
    ChartPanel panel;
    panel.show_runs({&run});
    QCOMPARE(panel.export_all(QDir(dir.path()).filePath("charts"), true).filter("status.png").size(), 1);
  }

  // `lbsim plot` draws the gateway's charts from timeseries.csv's gateway columns, and a file
  // without them (no gateway, or written before them) as before.
  void lbsim_plot_with_and_without_gateway_columns()
  {
    QTemporaryDir results, out, older_out;
    scenarios::run_scenario(api_gateway({"duration=5s", "warmup=1s"}), results.path().toStdString());
    QProcess plot;
    plot.start(LBSIM_BINARY, {"plot", results.path(), "--out", out.path()});
    QVERIFY(plot.waitForFinished(60000));
    QVERIFY2(plot.exitCode() == 0, plot.readAllStandardError().constData());
    for (const char* name : {"latency.png", "throughput.png", "status.png", "cache_hit_ratio.png"})
      QVERIFY2(QFileInfo(QDir(out.path()).filePath(name)).size() > 1000, name);

    // The same file without the gateway's six last columns.
    const QString ts = QDir(results.path()).filePath("timeseries.csv");
    QFile file(ts);
    QVERIFY(file.open(QIODevice::ReadOnly | QIODevice::Text));
    QStringList lines = QString::fromUtf8(file.readAll()).split('\n', Qt::SkipEmptyParts);
    file.close();
    QVERIFY(lines.front().endsWith(",status_2xx,status_4xx,status_429,status_5xx,cache_hit_ratio,preflights"));
    for (QString& line : lines) line = split_csv_line(line).mid(0, split_csv_line(line).size() - 6).join(',');
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text));
    file.write((lines.join('\n') + '\n').toUtf8());
    file.close();
    const RunData older = read_run_dir(results.path());
    QVERIFY(!older.gateway);
    QVERIFY(!older.rows.empty());
    QProcess older_plot;
    older_plot.start(LBSIM_BINARY, {"plot", results.path(), "--out", older_out.path()});
    QVERIFY(older_plot.waitForFinished(60000));
    QVERIFY2(older_plot.exitCode() == 0, older_plot.readAllStandardError().constData());
    for (const char* name : {"latency.png", "throughput.png", "utilization.png", "load_share.png"})
      QVERIFY2(QFileInfo(QDir(older_out.path()).filePath(name)).size() > 1000, name);
    for (const char* name : {"status.png", "cache_hit_ratio.png"}) QVERIFY2(!QFileInfo::exists(QDir(older_out.path()).filePath(name)), name);
  }

  void pause_and_stop_a_long_run()
  {
    MainWindow window;
    window.set_quiet(true);
    window.set_overrides({"duration=10 h", "warmup=0 s"});
    QVERIFY(window.open_file(QDir(LBSIM_SOURCE_DIR).filePath("examples/web-api.yaml")));
    QVERIFY(window.start_run());
    QTRY_VERIFY_WITH_TIMEOUT(window.worker().progress() > 0, 20000);
    window.worker().set_paused(true);
    QTest::qWait(300);
    const double paused_at = window.worker().progress();
    QTest::qWait(300);
    QCOMPARE(window.worker().progress(), paused_at);
    QVERIFY(window.worker().running());
    window.worker().set_paused(false);
    window.worker().stop();
    QVERIFY(wait_for_run(window, 20000));
    QVERIFY(window.worker().outcome().stopped);
    QVERIFY(window.worker().outcome().error.isEmpty());
    QVERIFY(!window.run(0).rows.empty());
  }

  void window_layout_and_recent_files_are_remembered()
  {
    const QString path = QDir(LBSIM_SOURCE_DIR).filePath("examples/mm1.yaml");
    {
      MainWindow window;
      window.set_quiet(true);
      window.show();
      window.resize(1111, 777);
      QVERIFY(window.open_file(path));
      QVERIFY(window.close());
    }
    QVERIFY(QSettings().value("recentFiles").toStringList().contains(QFileInfo(path).absoluteFilePath()));
    MainWindow again;
    QCOMPARE(again.size(), QSize(1111, 777));
  }

  void unsaved_edits_are_not_discarded_without_asking()
  {
    MainWindow window;
    window.show();
    QVERIFY(window.open_file(QDir(LBSIM_SOURCE_DIR).filePath("examples/mm1.yaml")));
    window.editor()->appendPlainText("# an edit");
    QVERIFY(window.isWindowModified());
    auto answer = [](QMessageBox::StandardButton button) {
      QTimer::singleShot(100, [button] {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        QVERIFY(box != nullptr);
        box->button(button)->click();
      });
    };
    answer(QMessageBox::Cancel);
    QVERIFY(!window.close());  // cancelled: the window and its edit stay
    QVERIFY(window.editor()->toPlainText().contains("# an edit"));
    answer(QMessageBox::Discard);
    QVERIFY(window.close());
  }

  // Enter in the unsaved-changes dialog used to Save, overwriting the shipped example. Now Enter
  // is Cancel, and Save on a shipped example asks where to save a copy (Save As).
  void a_shipped_example_is_never_overwritten()
  {
    const QString path = QDir(LBSIM_SOURCE_DIR).filePath("examples/mm1.yaml");
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray original = file.readAll();
    file.close();
    const auto restore = qScopeGuard([&] {  // should the test fail by writing it
      QFile again(path);
      if (again.open(QIODevice::ReadOnly) && again.readAll() != original) {
        again.close();
        again.open(QIODevice::WriteOnly);
        again.write(original);
      }
    });
    QVERIFY(is_shipped_example(path));
    QVERIFY(is_shipped_example(QDir(LBSIM_SOURCE_DIR).filePath("examples/teaching/round-robin.yaml")));
    QVERIFY(!is_shipped_example(QDir(LBSIM_SOURCE_DIR).filePath("README.md")));
    QVERIFY(!is_shipped_example(QDir::temp().filePath("mm1.yaml")));

    MainWindow window;
    window.show();
    QVERIFY(window.open_file(path));
    window.editor()->appendPlainText("# an edit");
    QString default_button, modal_kind;
    QTimer::singleShot(100, [&] {
      auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
      QVERIFY(box != nullptr);
      default_button = box->defaultButton() ? box->defaultButton()->text() : QString();
      QTest::keyClick(box, Qt::Key_Return);  // the reflex
    });
    QVERIFY(!window.close());
    QCOMPARE(default_button, QString("Cancel"));
    QVERIFY(window.editor()->toPlainText().contains("# an edit"));
    // Save: a file dialog for a copy, not a write over the example.
    QString suggested;
    QTimer::singleShot(100, [&] {
      auto* dialog = qobject_cast<QFileDialog*>(QApplication::activeModalWidget());
      QVERIFY(dialog != nullptr);
      suggested = dialog->selectedFiles().value(0);
      dialog->reject();
    });
    QAction* save = nullptr;
    for (QAction* a : window.findChildren<QAction*>())
      if (a->shortcut() == QKeySequence(QKeySequence::Save)) save = a;
    QVERIFY(save != nullptr);
    save->trigger();
    QVERIFY2(!suggested.isEmpty() && !is_shipped_example(suggested), qPrintable(suggested));
    QVERIFY(suggested.endsWith("/mm1.yaml"));
    QVERIFY(window.isWindowModified());
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), original);
    window.editor()->document()->setModified(false);
  }

  // F1 used to call the desktop launcher and do nothing when there was none (offscreen has none).
  void help_is_shown_without_a_desktop_launcher()
  {
    MainWindow window;
    window.show();
    QAction* help = nullptr;
    for (QAction* a : window.findChildren<QAction*>())
      if (a->shortcuts().contains(QKeySequence(QKeySequence::HelpContents))) help = a;
    QVERIFY(help != nullptr);
    help->trigger();
    auto* viewer = window.findChild<HelpViewer*>("HelpViewer");
    QVERIFY(viewer != nullptr);
    QVERIFY(viewer->isVisible());
    QVERIFY(viewer->text().contains("lbsim-gui is the Qt 6 desktop app"));
    QVERIFY(window.status_text().contains("docs/gui.md"));
  }

  // The topology kept the last run's colours when another scenario was opened.
  void opening_another_scenario_forgets_the_topology_colours()
  {
    MainWindow window;
    window.set_quiet(true);
    window.set_overrides({"duration=2 s", "warmup=0 s"});
    QVERIFY(window.open_file(QDir(LBSIM_SOURCE_DIR).filePath("examples/quickstart-network.yaml")));
    QVERIFY(window.start_run());
    QVERIFY(wait_for_run(window));
    QVERIFY(!window.topology()->coloured().isEmpty());
    QVERIFY(window.open_file(QDir(LBSIM_SOURCE_DIR).filePath("examples/teaching/round-robin.yaml")));
    QCOMPARE(window.topology()->coloured(), QStringList());
  }

  // A run without a network hides the Link utilization tab; the next run with one must show it,
  // whichever view is on top while it runs.
  void the_links_tab_comes_back_for_a_network_run()
  {
    MainWindow window;
    window.set_quiet(true);
    window.show();
    window.set_overrides({"duration=2 s", "warmup=0 s"});
    for (QWidget* view : {static_cast<QWidget*>(window.charts()), static_cast<QWidget*>(window.topology()),
                          static_cast<QWidget*>(window.step_view())}) {
      window.views()->setCurrentWidget(view);
      QVERIFY(window.open_file(QDir(LBSIM_SOURCE_DIR).filePath("examples/mm1.yaml")));
      QVERIFY(window.start_run());
      QVERIFY(wait_for_run(window));
      QVERIFY(!window.charts()->tab_shown(ChartKind::Links));
      QVERIFY(window.open_file(QDir(LBSIM_SOURCE_DIR).filePath("examples/quickstart-network.yaml")));
      QVERIFY(window.start_run());
      QVERIFY(wait_for_run(window));
      // Then the user turns to the charts: the tab must have its place in the tab bar, not only be
      // marked visible (Qt lays out a hidden tab widget's bar only when a later change asks).
      window.views()->setCurrentWidget(window.charts());
      QCoreApplication::processEvents();
      QVERIFY(window.charts()->tab_shown(ChartKind::Links));
      window.views()->setCurrentWidget(view);
    }
  }

  // The same at the panel: its tab bar changed while the panel was hidden (another view on top).
  // Qt's QTabBar::setTabVisible clears the bar's "lay out again" flag when a later call changes
  // nothing, so a tab shown while hidden kept no room in the bar until something else moved.
  void a_tab_shown_while_the_panel_is_hidden_has_its_place()
  {
    ChartPanel panel;
    panel.resize(1200, 500);
    panel.show();
    RunData plain, network;
    network.links << "edge->dc";
    panel.show_runs({&plain});
    QCoreApplication::processEvents();
    QVERIFY(!panel.tab_shown(ChartKind::Links));
    panel.hide();
    panel.show_runs({&network});
    panel.show();
    QCoreApplication::processEvents();
    QVERIFY(panel.tab_shown(ChartKind::Links));
    QVERIFY(!panel.tab_shown(ChartKind::Status));
  }

  void dropping_a_scenario_and_a_results_folder_opens_them()
  {
    QTemporaryDir results;
    write_results(results.path(), {"duration=2 s", "warmup=1 s"});
    MainWindow window;
    window.set_quiet(true);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto drop = [&window](const QString& path) {
      QMimeData mime;
      mime.setUrls({QUrl::fromLocalFile(path)});
      // As a drag does it: enter (which makes the window the drop target), then drop.
      QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
      QApplication::sendEvent(&window, &enter);
      QVERIFY(enter.isAccepted());
      QDropEvent event(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
      QApplication::sendEvent(&window, &event);
    };
    const QString scenario = QDir(LBSIM_SOURCE_DIR).filePath("examples/teaching/round-robin.yaml");
    drop(scenario);
    QCOMPARE(window.editor()->file_path(), QFileInfo(scenario).absoluteFilePath());
    drop(results.path());
    QCOMPARE(window.run_count(), size_t{1});
    QCOMPARE(window.run(0).rows.size(), size_t{2});
  }

  // The window stays responsive while a big run streams: a 10 ms timer on the GUI thread is never
  // late by much. LBSIM_GUI_REQUESTS sets the size (300,000 by default; docs/gui.md has 10 million).
  void the_window_stays_responsive_during_a_big_run()
  {
    const double requests = qEnvironmentVariableIsSet("LBSIM_GUI_REQUESTS")
                                ? qEnvironmentVariable("LBSIM_GUI_REQUESTS").toDouble()
                                : 300000.0;
    const double rate = 50000;
    const QString text = QString(R"(name: big
seed: 1
duration: %1 s
clients:
  - name: users
    population: 1000
    arrivals: { process: poisson, rate: 50000/s }
    mix:
      - { method: GET, path: /, share: 1, work: { distribution: exponential, mean: 0.288 ms } }
balancer: { algorithm: least_connections }
servers:
  - { name: web, count: 16 }
metrics: { interval: 1 s, slo: { p99: 2 ms } }
)").arg(requests / rate);
    MainWindow window;
    window.set_quiet(true);
    window.show();
    window.editor()->setPlainText(text);
    QElapsedTimer wall;
    wall.start();
    QVERIFY(window.start_run());
    QElapsedTimer since_tick;
    since_tick.start();
    qint64 worst_ms = 0;
    int ticks = 0;
    QTimer probe;
    QObject::connect(&probe, &QTimer::timeout, [&] {
      worst_ms = std::max(worst_ms, since_tick.restart());
      ++ticks;
    });
    probe.start(10);
    QVERIFY(wait_for_run(window, 600000));
    probe.stop();
    const double seconds = static_cast<double>(wall.elapsed()) / 1000;
    qInfo("%.0f requests in %.2f s of wall time; GUI thread: %d ticks of 10 ms, the longest gap %lld ms",
          window.worker().outcome().requests, seconds, ticks, worst_ms);
    QVERIFY(window.worker().outcome().requests > requests * 0.9);
    QVERIFY2(worst_ms < 500, qPrintable(QString("the GUI thread was blocked for %1 ms").arg(worst_ms)));
    QCOMPARE(window.run(0).rows.size(), static_cast<size_t>(requests / rate));
  }

  void lbsim_plot_renders_pngs()
  {
    QTemporaryDir results, out;
    write_results(results.path(), {"duration=3 s", "warmup=1 s"});
    QProcess plot;
    plot.start(LBSIM_BINARY, {"plot", results.path(), "--out", out.path()});
    QVERIFY(plot.waitForFinished(60000));
    QVERIFY2(plot.exitCode() == 0, plot.readAllStandardError().constData());
    for (const char* name : {"latency.png", "throughput.png", "utilization.png", "load_share.png", "links.png"})
      QVERIFY2(QFileInfo(QDir(out.path()).filePath(name)).size() > 1000, name);
    // A study folder: each metric against its last varied key.
    QTemporaryDir study;
    QFile csv(QDir(study.path()).filePath("summary.csv"));
    QVERIFY(csv.open(QIODevice::WriteOnly));
    csv.write("point,balancer.algorithm,clients[0].arrivals.rate,runs,failed,throughput_rps_mean,throughput_rps_ci\n"
              "0,round_robin,200/s,3,0,200,1\n1,round_robin,300/s,3,0,300,2\n");
    csv.close();
    QProcess study_plot;
    study_plot.start(LBSIM_BINARY, {"plot", study.path(), "--out", out.path()});
    QVERIFY(study_plot.waitForFinished(60000));
    QCOMPARE(study_plot.exitCode(), 0);
    QVERIFY(QFileInfo(QDir(out.path()).filePath("study_throughput_rps.png")).size() > 1000);

    QProcess bad;
    bad.start(LBSIM_BINARY, {"plot", out.path(), "--out", out.path()});
    QVERIFY(bad.waitForFinished(60000));
    QCOMPARE(bad.exitCode(), 1);
  }
};

QTEST_MAIN(GuiTest)
#include "gui_test.moc"
