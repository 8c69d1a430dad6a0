// Why the balancer chose its server (gui/step_worker.hpp's StepRecord::why, from
// models/balancers/explain/), as the step view and the animation say it. Each expectation comes
// from the algorithm's definition and the teaching scenario's own description (its hash
// arithmetic, its timeline of active requests), or from another request of the same run (where a
// client went while every server was up), never from the explainer's own output.
#include "gui/step_view.hpp"
#include "gui/step_worker.hpp"
#include "models/balancers/algorithms/registry.hpp"
#include "models/system.hpp"
#include "scenarios/format/loader.hpp"
#include "scenarios/runner.hpp"

#include <QDir>
#include <QTest>

using namespace lbsim;
using namespace lbsim::gui;

namespace {

// The records of a scenario's first `hops` hops, as the step view gets them.
std::vector<StepRecord> trace(const QString& file, const std::vector<std::string>& overrides, uint64_t hops)
{
  struct Collect final : models::HopObserver {
    const models::System* system = nullptr;
    PickExplainers explainers;
    std::vector<StepRecord> records;
    void on_hop(const models::Hop& hop) override { records.push_back(step_record(*system, hop, explainers)); }
  } collect;
  const models::SystemConfig config =
      scenarios::load_scenario_file(QDir(LBSIM_SOURCE_DIR).filePath(file).toStdString(), overrides);
  std::unique_ptr<models::System> system = scenarios::build_system(config);
  collect.system = system.get();
  collect.explainers = watch_balancers(*system);
  system->set_hop_observer(&collect);
  system->run_until_hops(hops);
  return collect.records;
}

#define EXPECT_WHY(record, text)                                                                                    \
  QVERIFY2((record).why == (text), qPrintable("why: \"" + (record).why + "\"\nexpected: \"" + QString(text) + "\""))

}  // namespace

class ExplainTest : public QObject {
  Q_OBJECT
private slots:
  void sticky_names_new_and_returning_clients();
  void sticky_pins_again_when_its_server_is_out();
  void ip_hash_names_the_server_of_the_24();
  void a_hash_whose_server_is_out_moves_on();
  void round_robin_is_next_in_turn();
  void least_connections_names_the_fewest_and_the_ties();
  void weighted_round_robin_names_the_weights();
  void least_response_time_starts_with_a_tie();
  void power_of_two_choices_names_its_draws();
  void every_algorithm_explains_its_pick();
  void the_views_show_the_reason();
};

// The scenario's description: .2 -> A, .3 -> B, .2 -> A (returning), .4 -> C.
void ExplainTest::sticky_names_new_and_returning_clients()
{
  const auto r = trace("examples/teaching/sticky-round-robin.yaml", {}, 4);
  QCOMPARE(r.size(), size_t{4});
  EXPECT_WHY(r[0], "192.168.1.2 is a new client: " + r[0].server + ", the next in round robin (then remembered)");
  EXPECT_WHY(r[1], "192.168.1.3 is a new client: " + r[1].server + ", the next in round robin (then remembered)");
  QCOMPARE(r[2].client, QString("192.168.1.2"));
  QCOMPARE(r[2].server, r[0].server);
  EXPECT_WHY(r[2], "192.168.1.2 is a returning client: sticky to " + r[2].server);
  QCOMPARE(r[2].server, QString("A"));
}

// A's pin is lost when A leaves rotation: .2 comes back at 2 s and is pinned to the next in turn (C,
// after B), as sticky_round_robin.hpp defines it (no snap-back).
void ExplainTest::sticky_pins_again_when_its_server_is_out()
{
  const auto r = trace("examples/teaching/sticky-round-robin.yaml", {"timeline=[{at: 1.5 s, disable: A}]"}, 3);
  QCOMPARE(r.size(), size_t{3});
  QCOMPARE(r[2].server, QString("C"));
  EXPECT_WHY(r[2], "192.168.1.2 was pinned to A, which is not eligible: pinned again, to C, the next in round robin");
}

// The scenario's description does nginx's arithmetic: 192.168.1.x -> B, 10.1.3.7 -> C, 10.1.4.7 -> A.
void ExplainTest::ip_hash_names_the_server_of_the_24()
{
  const auto r = trace("examples/teaching/ip-hash.yaml", {}, 5);
  QCOMPARE(r.size(), size_t{5});
  EXPECT_WHY(r[0], "192.168.1.10 (its first three octets) hashes to B");
  EXPECT_WHY(r[1], "192.168.1.99 (its first three octets) hashes to B");
  EXPECT_WHY(r[2], "10.1.3.7 (its first three octets) hashes to C");
  EXPECT_WHY(r[3], "10.1.4.7 (its first three octets) hashes to A");
  for (const StepRecord& record : r) QVERIFY(record.why.endsWith(record.server));
}

// B out of rotation from 3.5 s: 192.168.1.10's server is B (its hash, the description's arithmetic),
// so at 4 s each algorithm says B is out and names where it went instead, the server the trace names.
// consistent_hash's ring keeps B's points, so "the next point on the ring".
void ExplainTest::a_hash_whose_server_is_out_moves_on()
{
  const std::vector<std::pair<std::string, QString>> cases = {
      {"ip_hash", "hashing again (nginx's rehash)"},
      {"consistent_hash", "the next point on the ring"},
      {"maglev", "the table rebuilt over the eligible servers"},
      {"ring_hash", "the ring rebuilt over the eligible servers"},
  };
  for (const auto& [algorithm, moves_on] : cases) {
    // Where 192.168.1.10 goes with every server up, under this algorithm: the run without the disable.
    const auto up = trace("examples/teaching/ip-hash.yaml", {"balancer.algorithm=" + algorithm}, 5);
    QCOMPARE(up.size(), size_t{5});
    QCOMPARE(up[4].server, up[0].server);  // the same client, the same server
    const QString home = up[0].server;
    const auto r = trace("examples/teaching/ip-hash.yaml",
                         {"balancer.algorithm=" + algorithm, "timeline=[{at: 3.5 s, disable: " + home.toStdString() + "}]"}, 5);
    QCOMPARE(r.size(), size_t{5});
    QVERIFY(r[4].server != home);
    const QString key = algorithm == "ip_hash" ? "192.168.1.10 (its first three octets)" : "192.168.1.10";
    EXPECT_WHY(r[0], key + " hashes to " + home);
    EXPECT_WHY(r[4], key + " hashes to " + home + ", which is not eligible; " + moves_on + " gives " + r[4].server);
  }
}

// A, B, C, A, B, C (the scenario's description).
void ExplainTest::round_robin_is_next_in_turn()
{
  const auto r = trace("examples/teaching/round-robin.yaml", {}, 4);
  QCOMPARE(r.size(), size_t{4});
  EXPECT_WHY(r[0], "the first in turn");
  EXPECT_WHY(r[1], "next in turn after A");
  EXPECT_WHY(r[2], "next in turn after B");
  EXPECT_WHY(r[3], "next in turn after C");
  // With B out of rotation, C follows A, B skipped.
  const auto skip = trace("examples/teaching/round-robin.yaml", {"timeline=[{at: 0.5 s, disable: B}]"}, 2);
  EXPECT_WHY(skip[1], "next in turn after A, skipping B (not eligible)");
}

// The scenario's description: 2 s -> C (A 1, B 1, C 0); 2.5 s: a tie of all three at 1 -> C;
// 5 s: A and B tied at 1 (C 2) -> B; 8 s: A and C tied at 1 (B 2) -> A.
void ExplainTest::least_connections_names_the_fewest_and_the_ties()
{
  const auto r = trace("examples/teaching/least-connections.yaml", {}, 7);
  QCOMPARE(r.size(), size_t{7});
  const QString swrr = " by smooth weighted round robin among the tied (nginx)";
  EXPECT_WHY(r[0], "A, B and C tied at 0; the tie goes to A" + swrr);
  EXPECT_WHY(r[1], "B and C tied at 0 (A 1); the tie goes to B" + swrr);
  EXPECT_WHY(r[2], "C had the fewest active requests (0; A 1, B 1)");
  EXPECT_WHY(r[3], "C had the fewest active requests (0; A 1, B 1)");
  EXPECT_WHY(r[4], "A, B and C tied at 1; the tie goes to C" + swrr);
  EXPECT_WHY(r[5], "A and B tied at 1 (C 2); the tie goes to B" + swrr);
  EXPECT_WHY(r[6], "A and C tied at 1 (B 2); the tie goes to A" + swrr);
}

// classic (HAProxy's static-rr), weights A 2, B 1: each server's share is its weight over the total.
void ExplainTest::weighted_round_robin_names_the_weights()
{
  const auto r = trace("examples/teaching/weighted-round-robin.yaml", {}, 3);
  QCOMPARE(r.size(), size_t{3});
  for (size_t i = 0; i < r.size(); ++i) {
    const QString w = r[i].server == "A" ? "2" : "1";
    EXPECT_WHY(r[i], r[i].server + "'s turn: weight " + w + " of 3, so " + w +
                         " of every 3 requests, in the order of HAProxy's static-rr map" +
                         (i == 0 ? QString() : "; the request before went to " + r[i - 1].server));
  }
}

// No server has answered yet at the first request: all idle, all at load 0, and the tie goes by
// smooth weighted round robin, to the first server (least_response_time.hpp).
void ExplainTest::least_response_time_starts_with_a_tie()
{
  const auto r = trace("examples/teaching/least-response-time.yaml", {}, 50);
  QCOMPARE(r.size(), size_t{50});
  EXPECT_WHY(r[0], "A, B and C tied at 0; the tie goes to A by smooth weighted round robin among the tied; "
                   "0 is an idle server with no reply yet");
  for (const StepRecord& record : r)
    QVERIFY2(record.why.startsWith(record.server + " had the lowest response-time estimate x (active + 1) (") ||
                 record.why.contains("; the tie goes to " + record.server + " by "),
             qPrintable(record.why));
}

// Two of three servers drawn (p2c: distinct; least_request: with replacement, replayed from the
// balancer's stream); the chosen one is one of them and had fewer active than the others drawn,
// or as many and was drawn first, read off the pool the balancer saw.
void ExplainTest::power_of_two_choices_names_its_draws()
{
  for (const std::string algorithm : {"power_of_two_choices", "least_request"}) {
    const auto r = trace("examples/teaching/least-connections.yaml", {"balancer.algorithm=" + algorithm}, 7);
    QCOMPARE(r.size(), size_t{7});
    for (const StepRecord& record : r) {
      QVERIFY2(record.why.startsWith("drew "), qPrintable(record.why));
      const QStringList names = record.why.section(" at random", 0, 0).mid(5).split(" and ");  // "A and C"
      QCOMPARE(names.size(), 2);
      QVERIFY2(names.contains(record.server), qPrintable(record.why));
      if (algorithm == "power_of_two_choices") QVERIFY(names[0] != names[1]);
      const auto active = [&](const QString& name) {
        return record.pool_before.section(name + ": ", 1, 1).section(" ", 0, 0).toInt();
      };
      const QString other = names[0] == record.server ? names[1] : names[0];
      QVERIFY2(active(record.server) < active(other) ||
                   (active(record.server) == active(other) && names[0] == record.server),
               qPrintable(record.why + " / " + record.pool_before));
    }
  }
}

// Every algorithm gives a reason of its own (not only its rule) that names the server it chose.
void ExplainTest::every_algorithm_explains_its_pick()
{
  for (const std::string& algorithm : models::all_balancer_algorithm_names()) {
    for (const char* file : {"examples/teaching/ip-hash.yaml", "examples/teaching/least-connections.yaml"}) {
      const auto r = trace(file, {"balancer.algorithm=" + algorithm}, 5);
      QCOMPARE(r.size(), size_t{5});
      for (const StepRecord& record : r) {
        const QString context = QString::fromStdString(algorithm) + ": " + record.why;
        QVERIFY2(!record.why.isEmpty() && !record.why.contains("by the rule") && !record.why.contains("not known"),
                 qPrintable(context));
        QVERIFY2(record.why.contains(record.server) || record.why.startsWith("the first in turn") ||
                     record.why.startsWith("drawn at random") || record.why.startsWith("next in turn"),
                 qPrintable(context));
      }
    }
  }
}

// The step view prints the reason after what happened; the animation uses the same sentence.
void ExplainTest::the_views_show_the_reason()
{
  StepRecord record;
  record.why = "a < b";
  QCOMPARE(why_sentence(record), QString("<b>Why:</b> a &lt; b. "));
  record.why.clear();
  QCOMPARE(why_sentence(record), QString());
  StepView view;
  view.load(scenarios::load_scenario_file(
      QDir(LBSIM_SOURCE_DIR).filePath("examples/teaching/sticky-round-robin.yaml").toStdString()));
  view.step(3);
  QTRY_VERIFY2_WITH_TIMEOUT(view.explanation().contains("Why:</b> 192.168.1.2 is a returning client: sticky to A."),
                            qPrintable(view.explanation()), 10000);
}

QTEST_MAIN(ExplainTest)
#include "explain_test.moc"
