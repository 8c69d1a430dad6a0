// The animation (gui/animation_*.hpp) under the offscreen platform: dots move with simulated time
// at the speed the network gives them, each request's dot stops at the server the trace names,
// queue stacks are the servers' queues, the controls change the clock's rate, a gateway's 429 and
// its cache hits turn back at the gateway, and every teaching scenario animates.
#include "gui/animation_view.hpp"
#include "gui/main_window.hpp"
#include "gui/shipped_files.hpp"
#include "models/system.hpp"
#include "scenarios/format/loader.hpp"
#include "scenarios/runner.hpp"

#include <QDir>
#include <QElapsedTimer>
#include <QTabWidget>
#include <QStandardPaths>
#include <QTest>

#include <cmath>
#include <map>

using namespace lbsim;
using namespace lbsim::gui;
using models::Place;
using models::StageKind;

namespace {

constexpr int64_t kMs = 1'000'000;
constexpr int64_t kS = 1'000'000'000;

models::SystemConfig scenario(const QString& file, const std::vector<std::string>& overrides = {})
{
  return scenarios::load_scenario_file(QDir(LBSIM_SOURCE_DIR).filePath(file).toStdString(), overrides);
}

// A worker and what it has told so far, run to a simulated time and waited for.
struct Recording {
  AnimationWorker worker;
  AnimationModel model;
  std::vector<StageEvent> stages;
  std::vector<Choice> choices;
  AnimationProgress progress;

  uint64_t generation = 0;

  explicit Recording(const models::SystemConfig& config, int64_t flight = 1 * kMs)
  {
    model.set_flight(flight);
    generation = worker.load(config);
  }
  // Until the worker has run to t (or the run is over), taking what it tells on the way.
  bool run_to(int64_t t)
  {
    worker.advance_to(t);
    QElapsedTimer wall;
    wall.start();
    while (wall.elapsed() < 60000) {
      AnimationWorker::Batch batch = worker.take();
      for (const StageEvent& e : batch.stages) {
        stages.push_back(e);
        model.add(e);
      }
      for (Choice& c : batch.choices) choices.push_back(std::move(c));
      progress = batch.progress;
      if (progress.generation == generation && (progress.reached >= t || progress.run_over)) return true;
      QTest::qWait(5);
    }
    return false;
  }
};

// The servers each request reached, by sequence, as `lbsim trace` sees them: from the hops alone.
struct TraceRecorder final : models::HopObserver {
  const models::System* system = nullptr;
  std::map<uint64_t, std::string> server_of;
  void on_hop(const models::Hop& hop) override
  {
    if (hop.server != models::kNoServer) server_of[hop.request.sequence] = system->servers()[hop.server]->name();
  }
};

}  // namespace

class AnimationTest : public QObject {
  Q_OBJECT
private slots:
  void initTestCase()
  {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("lbsim-tests");
    QCoreApplication::setApplicationName("animation_tests");
  }

  // network-tokyo-api.yaml: Tokyo is 100 ms from the balancer (1 Gbps), the servers 0.5 ms
  // beyond it (10 Gbps); 1 KB up. The request's first move takes 100 ms + 8 us, its second 0.5 ms
  // + 0.8 us, and its dot is as far along each as that much of the time has passed.
  void positions_advance_with_simulated_time()
  {
    const models::SystemConfig config = scenario("examples/teaching/network-tokyo-api.yaml");
    Recording rec(config);
    QVERIFY(rec.run_to(1 * kS));
    const StageEvent* first = nullptr;
    for (const StageEvent& e : rec.stages)
      if (e.kind == StageKind::departed && e.from.kind == Place::client && e.from.index == 0) {
        first = &e;
        break;
      }
    QVERIFY(first);
    QCOMPARE(first->time, int64_t{0});
    QCOMPARE(first->to.kind, Place::balancer);
    const int64_t leg = 100 * kMs + 8'000;  // latency + 1000 B at 125 MB/s
    double last_fraction = -1;
    for (const double share : {0.1, 0.25, 0.5, 0.75, 0.9}) {
      const auto t = static_cast<int64_t>(share * static_cast<double>(leg));
      const auto dot = rec.model.dot_of(first->request, t);
      QVERIFY(dot);
      QCOMPARE(dot->state, Dot::moving);
      QCOMPARE(dot->to.kind, Place::balancer);
      QVERIFY2(std::abs(dot->fraction - share) < 1e-3, qPrintable(QString::number(dot->fraction)));
      QVERIFY(dot->fraction > last_fraction);
      last_fraction = dot->fraction;
    }
    // Past the balancer, on the 0.5 ms link to a server, then at it (in service: 4 idle cores).
    const auto second = rec.model.dot_of(first->request, leg + 250'000);
    QVERIFY(second);
    QCOMPARE(second->state, Dot::moving);
    QCOMPARE(second->from.kind, Place::balancer);
    QCOMPARE(second->to.kind, Place::server);
    QVERIFY(std::abs(second->fraction - 0.5) < 0.01);
    const auto served = rec.model.dot_of(first->request, leg + 500'800 + 2 * kMs);
    QVERIFY(served);
    QCOMPARE(served->state, Dot::in_service);
    // The reply reaches Tokyo 206.0968 ms after the request left (the scenario's own sum), and the
    // dot is gone then.
    QVERIFY(rec.model.dot_of(first->request, 206 * kMs));
    QVERIFY(!rec.model.dot_of(first->request, 206 * kMs + 200'000));

    // On the canvas the dot walks from Tokyo towards the balancer.
    AnimationCanvas canvas;
    canvas.resize(800, 500);
    canvas.set_scenario(config);
    canvas.set_servers(rec.progress.servers);
    const int tokyo = canvas.node_of(Place{Place::client, 0}), lb = canvas.node_of(Place{Place::balancer, 0});
    QVERIFY(tokyo >= 0 && lb >= 0);
    auto distance_to_lb = [&](int64_t t) {
      const QPointF d = canvas.point_of(*rec.model.dot_of(first->request, t)) - canvas.centre_of(lb);
      return std::hypot(d.x(), d.y());
    };
    QVERIFY(distance_to_lb(10 * kMs) > distance_to_lb(50 * kMs));
    QVERIFY(distance_to_lb(50 * kMs) > distance_to_lb(90 * kMs));
  }

  // Without a network every move is instant: the dot flies over the flight window, then stays at
  // the server. The server is the trace's (the hops of an ordinary System with a HopObserver).
  void a_dot_ends_at_the_server_the_trace_names()
  {
    for (const char* file : {"examples/teaching/round-robin.yaml", "examples/teaching/least-connections.yaml",
                             "examples/teaching/weighted-round-robin.yaml", "examples/teaching/ip-hash.yaml"}) {
      const models::SystemConfig config = scenario(file);
      TraceRecorder trace;
      auto system = scenarios::build_system(config);
      trace.system = system.get();
      system->set_hop_observer(&trace);
      system->run_until_time(models::SimTime::from_ns(10 * kS));
      QVERIFY2(trace.server_of.size() >= 4, file);

      const int64_t flight = 1 * kMs;
      Recording rec(config, flight);
      QVERIFY(rec.run_to(10 * kS));
      int checked = 0;
      for (const auto& [request, server] : trace.server_of) {
        int64_t sent = -1;
        for (const StageEvent& e : rec.stages)
          if (e.request == request) {
            sent = e.time;
            break;
          }
        QVERIFY(sent >= 0);
        const auto flying = rec.model.dot_of(request, sent + flight / 4);
        QVERIFY(flying);
        QCOMPARE(flying->state, Dot::moving);
        const auto landed = rec.model.dot_of(request, sent + flight);
        QVERIFY2(landed, file);
        QVERIFY(landed->state == Dot::in_service || landed->state == Dot::queued);
        QCOMPARE(landed->to.kind, Place::server);
        QCOMPARE(rec.progress.servers[landed->to.index].name.toStdString(), server);
        ++checked;
      }
      QVERIFY(checked >= 4);
    }
  }

  // The stacks are the model's count of requests that arrived at a server and no core has taken:
  // they must be the servers' own queue lengths wherever the run stops.
  void a_queue_stack_equals_the_servers_queue()
  {
    for (const char* file : {"examples/mm1.yaml", "examples/teaching/least-connections.yaml",
                             "examples/teaching/users-open-overload.yaml"}) {
      Recording rec(scenario(file, {"warmup=0 s"}));
      int nonzero = 0;
      for (int64_t t = kS / 2; t <= 10 * kS; t += kS / 2) {
        QVERIFY(rec.run_to(t));
        const std::map<uint32_t, int> queues = rec.model.queues_at(rec.progress.reached);
        for (uint32_t k = 0; k < rec.progress.servers.size(); ++k) {
          const int model = queues.contains(k) ? queues.at(k) : 0;
          QCOMPARE(model, static_cast<int>(rec.progress.servers[k].queue));
          nonzero += model > 0;
        }
        rec.model.forget_before(rec.progress.reached);
      }
      QVERIFY2(nonzero > 0, file);  // the test saw queues, not only empty ones
    }
  }

  void play_pause_faster_slower_change_the_clock_rate()
  {
    AnimationView view;
    view.resize(900, 600);
    view.load(scenario("examples/teaching/round-robin.yaml"));
    QCOMPARE(view.speed(), 0.1);
    QCOMPARE(view.clock(), int64_t{0});
    auto rate = [&](int ms) {  // simulated seconds per real second over `ms`
      const int64_t before = view.clock();
      QElapsedTimer wall;
      wall.start();
      QTest::qWait(ms);
      return static_cast<double>(view.clock() - before) / 1e9 / (static_cast<double>(wall.nsecsElapsed()) / 1e9);
    };
    view.play();
    QTRY_VERIFY_WITH_TIMEOUT(view.clock() > 0, 5000);
    // The clock runs at the speed (a frame of 33 ms either side of the measure: 1500 ms +- 5%),
    // or slower while it waits for the run to get there.
    const double slow = rate(1500);
    QVERIFY2(slow > 0.05 && slow < 0.105, qPrintable(QString::number(slow)));
    view.faster();
    QCOMPARE(view.speed(), 0.2);
    QVERIFY(view.speed_text().contains("0.2x"));
    const double fast = rate(1500);
    QVERIFY2(fast > 0.12 && fast < 0.21, qPrintable(QString::number(fast)));
    view.slower();
    view.slower();
    QCOMPARE(view.speed(), 0.05);
    view.pause();
    QVERIFY(!view.playing());
    QCOMPARE(rate(300), 0.0);
    // Step goes to just after the next choice, and explains it.
    const int64_t before = view.clock();
    view.step();
    QTRY_VERIFY_WITH_TIMEOUT(view.clock() > before, 5000);
    const auto shown = view.shown_choice();
    QVERIFY(shown);
    QVERIFY(shown->time > before);
    QVERIFY2(view.explanation().contains("sent request") && view.explanation().contains(shown->record.server),
             qPrintable(view.explanation()));
  }

  // gateway-rate-limit.yaml: the scraper's 2 requests a second meet the 100 a minute limit near
  // 50 s; its 429s come back from the gateway without reaching a server. gateway-cache.yaml: a hit
  // is answered by the gateway (200) and turns back there too.
  void a_429_and_a_cache_hit_turn_back_at_the_gateway()
  {
    struct Case {
      const char* file;
      uint16_t status;
      int64_t until;
    };
    for (const Case c : {Case{"examples/teaching/gateway-rate-limit.yaml", 429, 60 * kS},
                         Case{"examples/teaching/gateway-cache.yaml", 200, 5 * kS}}) {
      Recording rec(scenario(c.file), 1 * kMs);
      QVERIFY(rec.run_to(c.until));
      std::map<uint64_t, bool> reached_server;
      for (const StageEvent& e : rec.stages)
        if (e.kind == StageKind::arrived && e.to.kind == Place::server) reached_server[e.request] = true;
      const StageEvent* back = nullptr;
      for (const StageEvent& e : rec.stages)
        if (e.kind == StageKind::departed && !e.upward && e.from.kind == Place::gateway &&
            e.to.kind == Place::client && e.status == c.status && !reached_server[e.request]) {
          back = &e;
          break;
        }
      QVERIFY2(back, c.file);
      const auto dot = rec.model.dot_of(back->request, back->time + kMs / 2);
      QVERIFY(dot);
      QCOMPARE(dot->state, Dot::moving);
      QCOMPARE(dot->from.kind, Place::gateway);
      QCOMPARE(dot->to.kind, Place::client);
      QCOMPARE(dot->status, c.status);
      QVERIFY(dot->turned_back);
      QVERIFY(!dot->upward);
    }
  }

  // least-connections.yaml scripts its first request at 0 s: Step shows it first (to A), then the
  // one of 0.1 s (to B), as the scenario's description says.
  void step_goes_from_choice_to_choice_from_the_first()
  {
    AnimationView view;
    view.load(scenario("examples/teaching/least-connections.yaml"));
    QStringList servers;
    for (int i = 0; i < 3; ++i) {
      const int64_t before = view.clock();
      view.step();
      QTRY_VERIFY_WITH_TIMEOUT(view.clock() > before, 5000);
      QVERIFY(view.shown_choice());
      servers << view.shown_choice()->record.server;
    }
    QCOMPARE(servers, QStringList({"A", "B", "C"}));
    QCOMPARE(view.shown_choice()->time, 200 * kMs);
  }

  // web-api.yaml sends 600 requests a second: after the animation forgets what was home before
  // 19 s, it follows only the last second's requests and those in flight (Little: about 8), not
  // the 12,000 of the run.
  void memory_follows_what_is_in_flight()
  {
    Recording rec(scenario("examples/web-api.yaml", {"warmup=0 s"}), 1 * kMs);
    QVERIFY(rec.run_to(20 * kS));
    QVERIFY(rec.model.tracked() > 11000);
    rec.model.forget_before(19 * kS);
    QVERIFY2(rec.model.tracked() < 800, qPrintable(QString::number(rec.model.tracked())));
    QVERIFY(rec.model.tracked() > 500);
  }

  // The window has the tab, and opening a scenario loads it there (paused at 0: it runs nothing).
  void the_window_has_an_animation_tab()
  {
    MainWindow window;
    window.set_quiet(true);
    QVERIFY(window.views()->indexOf(window.animation()) >= 0);
    QCOMPARE(window.views()->tabText(window.views()->indexOf(window.animation())), QString("Animation"));
    QVERIFY(window.open_file(QDir(LBSIM_SOURCE_DIR).filePath("examples/teaching/round-robin.yaml")));
    QVERIFY(window.animation()->loaded());
    QVERIFY(!window.animation()->playing());
    QCOMPARE(window.animation()->clock(), int64_t{0});
  }

  // Every teaching scenario, and the shared services and gateway examples, load, run ten
  // simulated seconds and show dots.
  void every_teaching_scenario_animates()
  {
    const QDir dir(teaching_dir());
    QStringList files;
    for (const QString& name : dir.entryList({"*.yaml"}, QDir::Files, QDir::Name)) files << dir.filePath(name);
    QVERIFY(files.size() >= 40);
    for (const char* shared : {"examples/microservices.yaml", "examples/api-gateway.yaml"})
      files << QDir(LBSIM_SOURCE_DIR).filePath(shared);
    for (const QString& name : files) {
      AnimationView view;
      view.resize(900, 600);
      view.load(scenarios::load_scenario_file(name.toStdString()));
      view.show_at(10 * kS);  // closed users think 5 s before their first request
      QTRY_VERIFY2_WITH_TIMEOUT(view.clock() == 10 * kS || view.run_over(), qPrintable(name), 60000);
      QVERIFY2(view.model().tracked() > 0, qPrintable(name));
      size_t most = 0;
      for (int64_t t = 0; t <= view.clock(); t += view.clock() / 50 + 1)
        most = std::max(most, view.model().dots_at(t).size());
      QVERIFY2(most > 0, qPrintable(name));
      view.grab();  // paints the dots without failing
    }
  }
};

QTEST_MAIN(AnimationTest)
#include "animation_test.moc"
