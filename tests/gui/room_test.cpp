// The GUI for a room (a projector at 1024x768): every scenario's topology is a flow from left to
// right with its links labelled, and presentation mode makes the window readable from afar.
#include "gui/chart_panel.hpp"
#include "gui/main_window.hpp"
#include "gui/series_adapter.hpp"
#include "gui/shipped_files.hpp"
#include "gui/topology_view.hpp"
#include "gui/yaml_editor.hpp"
#include "scenarios/format/loader.hpp"
#include "scenarios/format/units.hpp"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTest>

using namespace lbsim;
using namespace lbsim::gui;

namespace {

// The teaching scenarios, the repository's examples and the shared examples: every file that
// loads as a scenario (a study's grid or an import's source does not).
std::vector<std::pair<QString, models::SystemConfig>> every_scenario()
{
  QStringList files;
  for (const QString& dir : {teaching_dir(), QDir(LBSIM_SOURCE_DIR).filePath("examples"), QString(LBSIM_EXAMPLES_DIR)})
    for (const QString& name : QDir(dir).entryList({"*.yaml"}, QDir::Files, QDir::Name)) files << QDir(dir).filePath(name);
  std::vector<std::pair<QString, models::SystemConfig>> scenarios;
  for (const QString& file : files) {
    try {
      scenarios.emplace_back(file, scenarios::load_scenario_file(file.toStdString()));
    } catch (const std::exception&) {
    }
  }
  return scenarios;
}

QAction* action(MainWindow& window, const QString& text)
{
  for (QAction* a : window.findChildren<QAction*>())
    if (a->text() == text) return a;
  return nullptr;
}

// The boxes of the view's nodes that overlap, or that the view cuts off, named.
QStringList misplaced_boxes(const TopologyView& view)
{
  QStringList out;
  const int n = static_cast<int>(view.graph().nodes.size());
  for (int i = 0; i < n; ++i) {
    const QRectF a = view.box_of(i);
    if (!QRectF(view.rect()).contains(a)) out << view.graph().nodes[i] + " is cut off";
    for (int j = 0; j < i; ++j)
      if (a.intersects(view.box_of(j))) out << view.graph().nodes[i] + " overlaps " + view.graph().nodes[j];
  }
  return out;
}

}  // namespace

class RoomTest : public QObject {
  Q_OBJECT
private slots:
  void initTestCase()
  {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("lbsim-tests");
    QCoreApplication::setApplicationName("room_tests");
    QSettings().clear();
  }

  // Clients left, then the gateway, then balancers and services, servers right: every arrow of a
  // request's way points right, no two boxes overlap, and the same scenario is laid out the same.
  void every_scenario_is_a_flow_from_left_to_right()
  {
    const auto scenarios = every_scenario();
    QVERIFY(scenarios.size() >= 50);
    int networks = 0;
    for (const auto& [file, config] : scenarios) {
      const QByteArray file_name = QFileInfo(file).fileName().toUtf8();
      const char* name = file_name.constData();
      TopologyGraph graph = topology_of(config);
      layout(graph);
      const auto n = static_cast<size_t>(graph.nodes.size());
      auto x = [&](size_t i) { return graph.positions[i].x(); };
      auto of_kind = [&](TopologyGraph::Kind k) {
        std::vector<size_t> out;
        for (size_t i = 0; i < n; ++i)
          if (graph.kinds[i] == k) out.push_back(i);
        return out;
      };
      const auto clients = of_kind(TopologyGraph::Clients), gateways = of_kind(TopologyGraph::Gateway),
                 balancers = of_kind(TopologyGraph::Balancer), servers = of_kind(TopologyGraph::Server);
      QVERIFY2(!clients.empty() && !servers.empty(), name);
      for (size_t i = 0; i < n; ++i) QVERIFY2(x(i) >= 0 && x(i) <= 1 && graph.positions[i].y() >= 0 && graph.positions[i].y() <= 1, name);
      for (const size_t c : clients)
        for (size_t i = 0; i < n; ++i)
          if (graph.kinds[i] != TopologyGraph::Clients) QVERIFY2(x(c) < x(i), name);
      for (const size_t g : gateways) {
        for (const size_t b : balancers) QVERIFY2(x(g) < x(b), name);
        for (const size_t s : servers) QVERIFY2(x(g) < x(s), name);
      }
      for (const size_t s : servers)
        if (graph.service[s] >= 0) QVERIFY2(x(static_cast<size_t>(graph.service[s])) < x(s), name);
      if (!graph.services)  // one balancer in front of every server
        for (const size_t b : balancers)
          for (const size_t s : servers) QVERIFY2(x(b) < x(s), name);
      for (auto [a, b] : graph.calls) QVERIFY2(x(static_cast<size_t>(a)) < x(static_cast<size_t>(b)), name);
      for (const TopologyGraph::Route& r : graph.routes) QVERIFY2(x(static_cast<size_t>(r.from)) < x(static_cast<size_t>(r.to)), name);
      if (!graph.network)  // requests go from each edge's first node to its second
        for (auto [a, b] : graph.edges) QVERIFY2(x(static_cast<size_t>(a)) < x(static_cast<size_t>(b)), name);

      // A network's links, each labelled with what the scenario gives it.
      QCOMPARE(graph.edge_labels.size(), static_cast<qsizetype>(graph.edges.size()));
      if (graph.network) {
        ++networks;
        QCOMPARE(graph.edges.size(), config.network->links.size());
        for (size_t k = 0; k < graph.edges.size(); ++k) {
          const QStringList parts = graph.edge_labels[static_cast<qsizetype>(k)].split(", ");
          QCOMPARE(parts.size(), 2);
          const auto& link = config.network->links[k];
          QCOMPARE(scenarios::parse_time_ns(parts[0].toStdString()).value.value_or(-1), link.latency.ns());
          const double bps = scenarios::parse_bandwidth_bps(parts[1].toStdString()).value.value_or(-1);
          QVERIFY2(std::abs(bps - link.bandwidth_bps) <= 1e-6 * link.bandwidth_bps, qPrintable(graph.edge_labels[static_cast<qsizetype>(k)]));
        }
      } else {
        for (const QString& label : graph.edge_labels) QVERIFY2(label.isEmpty(), name);
      }

      TopologyGraph again = topology_of(config);
      layout(again);
      QVERIFY2(again.positions == graph.positions, name);

      // At the window's usual size, and as presentation mode leaves it at 1024x768: fonts half as
      // large again, about 1010 x 500 px for the topology.
      TopologyView view;
      view.resize(1000, 600);
      view.set_graph(graph);
      QStringList misplaced = misplaced_boxes(view);
      QVERIFY2(misplaced.isEmpty(), qPrintable(QString(name) + ": " + misplaced.join("; ")));
      QVERIFY(!view.grab().isNull());
      QFont large = view.font();
      large.setPointSizeF(large.pointSizeF() * 1.5);
      view.setFont(large);
      view.set_presentation(true);
      view.resize(1010, 500);
      misplaced = misplaced_boxes(view);
      QVERIFY2(misplaced.isEmpty(), qPrintable(QString(name) + " (presentation): " + misplaced.join("; ")));
    }
    QVERIFY(networks >= 10);
  }

  // Written by hand from the files: the replica is 40 ms and 100 Mbps from us-east; Tokyo's
  // clients reach the balancer, then the servers beyond it.
  void links_are_labelled_as_the_scenario_writes_them()
  {
    const auto load = [](const char* file) {
      return topology_of(scenarios::load_scenario_file(QDir(LBSIM_SOURCE_DIR).filePath(file).toStdString()));
    };
    const TopologyGraph replication = load("examples/teaching/network-db-replication.yaml");
    QCOMPARE(replication.edge_labels, QStringList{"40 ms, 100 Mbps"});
    TopologyGraph tokyo = load("examples/teaching/network-tokyo-api.yaml");
    layout(tokyo);
    const auto x = [&](const QString& node) { return tokyo.positions[static_cast<size_t>(tokyo.nodes.indexOf(node))].x(); };
    QVERIFY(x("tokyo") == 0.0);
    for (int i = 0; i < tokyo.nodes.size(); ++i)
      if (tokyo.kinds[static_cast<size_t>(i)] == TopologyGraph::Server) QCOMPARE(tokyo.positions[static_cast<size_t>(i)].x(), 1.0);
    QVERIFY(x("tokyo") < x("lb") && x("lb") < 1.0);
    QVERIFY(tokyo.edge_labels.contains("100 ms, 1 Gbps"));
  }

  // A projector at 1024x768: the fonts half as large again, node labels and boxes at least 18 px
  // high and apart, the editor out of the way; all of it back on leaving.
  void presentation_mode_is_readable_at_1024x768()
  {
    constexpr int kReadablePx = 18;  // text height from the back of a classroom at 1024x768
    MainWindow window;
    window.set_quiet(true);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.open_file(QDir(LBSIM_SOURCE_DIR).filePath("examples/api-gateway.yaml")));
    window.resize(1024, 768);
    auto* splitter = window.findChild<QSplitter*>();
    QVERIFY(splitter);
    QTRY_VERIFY(splitter->sizes().value(0) > 0);
    const QList<int> editor_sizes = splitter->sizes();
    const int normal_height = window.topology()->fontMetrics().height();
    const QFont normal_font = QApplication::font();
    const double editor_points = window.editor()->font().pointSizeF();
    ChartWidget* latency = window.charts()->charts().front();
    const int normal_title = QFontMetrics(latency->title_font()).height();

    QAction* mode = action(window, "&Presentation Mode");
    QVERIFY(mode && mode->isCheckable());
    QCOMPARE(mode->shortcut(), QKeySequence(Qt::Key_F11));
    mode->trigger();
    QVERIFY(window.presentation());
    window.views()->setCurrentWidget(window.topology());
    QTest::qWait(50);
    QCOMPARE(splitter->sizes().value(0), 0);  // the editor collapsed
    QCOMPARE(window.editor()->font().pointSizeF(), editor_points * 1.5);  // and large, should it be opened
    const int height = window.topology()->fontMetrics().height();
    QVERIFY2(height >= normal_height * 1.4 && height >= kReadablePx,
             qPrintable(QString("%1 px, was %2 px").arg(height).arg(normal_height)));
    QVERIFY(window.topology()->presentation());
    for (ChartWidget* chart : window.charts()->charts()) {
      const int title = QFontMetrics(chart->title_font()).height();
      QVERIFY2(title >= normal_title * 1.4 && title >= kReadablePx, qPrintable(chart->info().title));
    }
    QVERIFY(QFontMetrics(window.study_chart()->title_font()).height() >= normal_title * 1.4);
    const TopologyView& view = *window.topology();
    QVERIFY(view.width() >= 900);  // the editor's width went to the views
    for (int i = 0; i < view.graph().nodes.size(); ++i) QVERIFY(view.box_of(i).height() >= kReadablePx);
    const QStringList misplaced = misplaced_boxes(view);
    QVERIFY2(misplaced.isEmpty(), qPrintable(misplaced.join("; ")));

    mode->trigger();
    QVERIFY(!window.presentation());
    QCOMPARE(QApplication::font(), normal_font);
    QTRY_COMPARE(window.topology()->fontMetrics().height(), normal_height);  // the font change is an event
    QVERIFY(!window.topology()->presentation());
    QCOMPARE(splitter->sizes(), editor_sizes);
    QCOMPARE(QFontMetrics(latency->title_font()).height(), normal_title);
    QCOMPARE(window.editor()->font().pointSizeF(), editor_points);
  }

  // Like the window's layout: a window closed in presentation mode opens in it, with the editor's
  // width of before when it leaves.
  void presentation_mode_is_remembered()
  {
    const QFont normal_font = QApplication::font();
    QList<int> editor_sizes;
    {
      MainWindow window;
      window.set_quiet(true);
      window.show();
      window.resize(1024, 768);
      QVERIFY(QTest::qWaitForWindowExposed(&window));
      auto* splitter = window.findChild<QSplitter*>();
      splitter->setSizes({300, 700});
      editor_sizes = splitter->sizes();
      window.set_presentation(true);
      QVERIFY(window.close());
    }
    QCOMPARE(QApplication::font(), normal_font);  // a closed window leaves the application's font as it was
    QVERIFY(QSettings().value("window/presentation").toBool());
    {
      MainWindow window;
      window.set_quiet(true);
      window.show();
      QVERIFY(QTest::qWaitForWindowExposed(&window));
      QVERIFY(window.presentation());
      QVERIFY(action(window, "&Presentation Mode")->isChecked());
      QVERIFY(QApplication::font().pointSizeF() > normal_font.pointSizeF() * 1.4);
      window.set_presentation(false);
      QCOMPARE(window.findChild<QSplitter*>()->sizes(), editor_sizes);
      QVERIFY(window.close());
    }
    QVERIFY(!QSettings().value("window/presentation").toBool());
    MainWindow window;
    QVERIFY(!window.presentation());
  }
};

QTEST_MAIN(RoomTest)
#include "room_test.moc"
