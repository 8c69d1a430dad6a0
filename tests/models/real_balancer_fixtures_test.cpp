// lbsim's balancers against what real nginx 1.22 and HAProxy 2.6 picked on loopback, request for
// request. The fixtures in tests/data/real-balancers/ were recorded by
// bench/real_balancers/record.sh (it installs the two programs, runs them with the configuration
// each fixture quotes, and sends the requests from the client addresses shown); this test replays
// each fixture's requests through the algorithm lbsim names for that configuration, with the
// changes HAProxy's admin socket made between them.
#include "tests/models/real_balancer_fixtures.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

using namespace lbsim::tests;

TEST_CASE("every balancer that follows nginx or HAProxy picks what the real program picked",
          "[balancer][real-programs]")
{
  const std::vector<Fixture> fixtures = all_fixtures();
  REQUIRE(fixtures.size() >= 55);
  int nginx = 0, haproxy = 0;
  for (const Fixture& f : fixtures) {
    INFO(f.name << " (" << f.program << ", lbsim " << f.algorithm << ")");
    REQUIRE(!f.steps.empty());
    const auto [real, simulated] = replay(f);
    CHECK(simulated == real);
    nginx += f.program.rfind("nginx", 0) == 0;
    haproxy += f.program.rfind("haproxy", 0) == 0;
  }
  CHECK(nginx >= 19);
  CHECK(haproxy >= 36);
}

TEST_CASE("the fixtures exercise what they claim: weights, down and backup servers, requests in flight, client "
          "addresses",
          "[balancer][real-programs]")
{
  const std::vector<Fixture> fixtures = all_fixtures();
  int with_down = 0, with_held = 0, with_weights = 0, hashed_clients = 0, with_changes = 0, with_backup = 0,
      all_backups = 0, down_then_up = 0, with_max_conns = 0, with_queue = 0;
  for (const Fixture& f : fixtures) {
    with_down += std::count(f.down.begin(), f.down.end(), true) > 0;
    with_backup += std::count(f.backup.begin(), f.backup.end(), true) > 0;
    all_backups += f.backups == lbsim::models::BackupRule::Use::all;
    with_max_conns += std::any_of(f.max_conns.begin(), f.max_conns.end(), [](uint64_t n) { return n > 0; }) &&
                      std::any_of(f.steps.begin(), f.steps.end(), [](const Step& s) { return s.kind == Step::Kind::release; });
    with_queue += std::any_of(f.steps.begin(), f.steps.end(), [](const Step& s) { return s.kind == Step::Kind::queue; });
    // A server down from the start (HAProxy `disabled`) brought up through the admin socket.
    for (const Step& s : f.steps)
      down_then_up += s.kind == Step::Kind::state && s.value == 1 && f.down[static_cast<std::size_t>(s.server - 'a')];
    with_held += std::any_of(f.steps.begin(), f.steps.end(), [](const Step& s) { return s.kind == Step::Kind::hold; });
    with_changes += std::any_of(f.steps.begin(), f.steps.end(), [](const Step& s) { return s.kind == Step::Kind::state; });
    with_weights += std::any_of(f.weights.begin(), f.weights.end(), [](int w) { return w != 1; });
    std::vector<uint32_t> addresses;
    for (const Step& s : f.steps)
      if (s.kind == Step::Kind::quick || s.kind == Step::Kind::hold) addresses.push_back(s.client);
    std::sort(addresses.begin(), addresses.end());
    hashed_clients += std::unique(addresses.begin(), addresses.end()) - addresses.begin() > 10;
  }
  CHECK(with_down >= 5);
  CHECK(with_held >= 3);
  CHECK(with_weights >= 8);
  CHECK(hashed_clients >= 5);
  CHECK(with_changes >= 3);
  CHECK(with_backup >= 11);
  CHECK(all_backups >= 3);
  CHECK(down_then_up >= 3);
  CHECK(with_max_conns >= 4);  // balance first, roundrobin and leastconn with maxconn, slots freed
  CHECK(with_queue >= 2);      // requests that waited in the backend queue
}

TEST_CASE("nginx without a zone: each worker's own state makes the picks, and one shared state would not",
          "[balancer][real-programs][worker_processes]")
{
  // Recorded with worker_processes 2 and reuseport: the kernel spread the connections over both
  // workers, and each step names the one that handled it.
  int per_worker = 0;
  for (const Fixture& f : all_fixtures()) {
    if (f.workers == 1) continue;
    INFO(f.name);
    ++per_worker;
    const auto handled_by = [&](uint32_t w) {
      return std::count_if(f.steps.begin(), f.steps.end(), [&](const Step& s) { return s.worker == w; });
    };
    CHECK(handled_by(0) >= 5);
    CHECK(handled_by(1) >= 5);
    const auto [real, per_worker_picks] = replay(f);
    CHECK(per_worker_picks == real);
    Flags one_state{f.down, f.backup, f.backups, f.max_conns, 1};
    const auto [same_real, shared_picks] = replay(f, f.algorithm, f.options, f.weights, one_state);
    CHECK(shared_picks != real);
  }
  CHECK(per_worker >= 3);  // round robin, smooth weights 5,1,1, least_conn with requests in flight
}
