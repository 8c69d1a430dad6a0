// `lbsim import` (scenarios/import/): every configuration recorded from real nginx and HAProxy
// (tests/data/real-balancers/configs/) is imported, loaded as a scenario, and its balancer must
// pick what the real program picked; configurations lbsim cannot model are refused at the
// directive's line. Then the errors, the HAProxy defaults section and the command itself.
#include "scenarios/format/loader.hpp"
#include "scenarios/import/config_import.hpp"
#include "scenarios/import/imported_pool.hpp"
#include "tests/models/real_balancer_fixtures.hpp"
#include "tests/support/run_command.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace lbsim;
using Catch::Matchers::Contains;

namespace {

const std::string kConfigs = LBSIM_SOURCE_DIR "/tests/data/real-balancers/configs/";

std::string scratch_file(const std::string& name, const std::string& text)
{
  const auto path = std::filesystem::temp_directory_path() / ("lbsim-import-test-" + name);
  std::ofstream(path) << text;
  return path.string();
}

// The errors of importing `text`, one per line.
std::string import_errors(const std::string& name, const std::string& text, const std::string& section = "")
{
  try {
    scenarios::import_balancer_config(scratch_file(name, text), section);
  } catch (const scenarios::ImportError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("imported nginx and HAProxy configurations pick what the real programs picked",
          "[import][real-programs]")
{
  int imported = 0, with_flags = 0;
  for (const tests::Fixture& f : tests::all_fixtures()) {
    const std::string config = kConfigs + f.name + ".conf";
    INFO(f.name);
    REQUIRE(std::filesystem::exists(config));
    const std::string yaml = scenarios::import_balancer_config(config, "");
    const models::SystemConfig scenario = scenarios::load_scenario_text(yaml, "imported.yaml", ".");
    REQUIRE(scenario.services.size() == 1);
    const models::ServiceConfig& service = scenario.services.front();
    REQUIRE(service.balancer);
    models::BalancerOptions options = service.balancer->options;
    std::vector<int> weights;
    tests::Flags flags{{}, {}, service.balancer->backups};
    // worker_processes N without a zone: N states (the per-worker fixtures).
    flags.workers = static_cast<uint32_t>(service.balancer->worker_processes);
    CHECK(flags.workers == f.workers);
    for (const models::ServerConfig& server : service.servers) {
      options.server_names.push_back(server.name);
      weights.push_back(server.weight);
      flags.down.push_back(server.starts_down);
      flags.backup.push_back(server.backup);
      flags.max_conns.push_back(server.max_conns);
    }
    REQUIRE(weights.size() == f.weights.size());
    // nginx `down` and HAProxy `disabled` become state: down, `backup` backup: true, HAProxy's
    // option allbackups backups: all.
    CHECK(flags.down == f.down);
    CHECK(flags.backup == f.backup);
    CHECK(flags.backups == f.backups);
    // maxconn becomes max_conns, and the recorded `timeout queue 10s` the balancer's queue_timeout.
    CHECK(flags.max_conns == f.max_conns);
    if (std::any_of(f.steps.begin(), f.steps.end(), [](const tests::Step& s) { return s.kind == tests::Step::Kind::queue; }))
      CHECK(service.balancer->queue_timeout == lbsim::engine::seconds(10));
    with_flags += flags.down != std::vector<bool>(f.down.size(), false) ||
                  flags.backup != std::vector<bool>(f.backup.size(), false);
    const auto [real, simulated] = tests::replay(f, service.balancer->algorithm, options, weights, flags);
    CHECK(simulated == real);
    // Every balancer and server line names its directive.
    CHECK_THAT(yaml, Contains("algorithm: " + service.balancer->algorithm + "  # " + config + ":"));
    for (const models::ServerConfig& server : service.servers)
      CHECK_THAT(yaml, Contains("name: \"" + server.name + "\"") && Contains("  # " + config + ":"));
    ++imported;
  }
  CHECK(imported >= 51);
  CHECK(with_flags >= 23);
}

TEST_CASE("lbsim import maps directives and says where it cannot", "[import]")
{
  SECTION("nginx: passive detection, the hash key, and every unmappable directive at its line and column")
  {
    const std::string yaml = scenarios::import_balancer_config(
        scratch_file("nginx-ok.conf", "http {\n  upstream app {\n    hash $request_uri consistent;\n    zone app 64k;\n"
                                      "    server 10.0.0.1:80 weight=3 max_fails=2 fail_timeout=30s;\n"
                                      "    server 10.0.0.2:80 max_fails=2 fail_timeout=30s;\n  }\n}\n"),
        "");
    CHECK_THAT(yaml, Contains("algorithm: consistent_hash") && Contains("hash_key: path") &&
                         Contains("passive: { max_fails: 2, fail_timeout: 30 s }") && Contains("weight: 3") &&
                         Contains("# not modelled:") && Contains("zone app 64k;"));
    const std::string errors = import_errors("nginx-bad.conf", "upstream app {\n    least_time header;\n"
                                                               "    server 10.0.0.1 max_conns=x;\n"
                                                               "    server 10.0.0.2 max_fails=3;\n"
                                                               "    server 10.0.0.3 slow_start=30s;\n}\n");
    CHECK_THAT(errors, Contains("nginx-bad.conf:2:5: error: \"least_time\" cannot be mapped"));
    CHECK_THAT(errors, Contains("nginx-bad.conf:3:21: error: \"max_conns=x\" is not a server parameter"));
    CHECK_THAT(errors, Contains("nginx-bad.conf:4:5: error: max_fails/fail_timeout differ"));
    CHECK_THAT(errors, Contains("nginx-bad.conf:5:21: error: server flag \"slow_start\" is nginx Plus's"));
    // max_conns: nginx 1.22 has no queue, so a request that finds every server full fails at once.
    const std::string limited = scenarios::import_balancer_config(
        scratch_file("nginx-max-conns.conf", "upstream app {\n    server 10.0.0.1 max_conns=3;\n"
                                             "    server 10.0.0.2;\n}\n"),
        "");
    CHECK_THAT(limited, Contains("queue: false  # ") && Contains("nginx-max-conns.conf:2 max_conns=3") &&
                            Contains("- { name: \"10.0.0.1\", max_conns: 3 }"));
    CHECK_NOTHROW(scenarios::load_scenario_text(limited, "imported.yaml", "."));
    // nginx refuses backup servers with its hash methods, and so does the import, at the flag.
    CHECK_THAT(import_errors("nginx-hash-backup.conf", "upstream app {\n    ip_hash;\n    server 10.0.0.1;\n"
                                                       "    server 10.0.0.2 backup;\n}\n"),
               Contains("nginx-hash-backup.conf:4:21: error: nginx refuses \"backup\" with ip_hash;"));
    // worker_processes without a zone: each worker balances on its own; with a zone they share.
    const std::string per_worker = scenarios::import_balancer_config(
        scratch_file("nginx-workers.conf", "worker_processes 4;\nhttp {\n  upstream app {\n    server 10.0.0.1;\n"
                                           "    server 10.0.0.2;\n  }\n}\n"),
        "");
    CHECK_THAT(per_worker, Contains("worker_processes: 4  # ") && Contains("nginx-workers.conf:1 worker_processes 4;"));
    CHECK(scenarios::load_scenario_text(per_worker, "imported.yaml", ".").services.front().balancer->worker_processes == 4);
    const std::string zoned = scenarios::import_balancer_config(
        scratch_file("nginx-zone.conf", "worker_processes 4;\nhttp {\n  upstream app {\n    zone app 64k;\n"
                                        "    server 10.0.0.1;\n  }\n}\n"),
        "");
    CHECK(scenarios::load_scenario_text(zoned, "imported.yaml", ".").services.front().balancer->worker_processes == 1);
    // `auto` depends on nginx's machine: one shared state, and a note that says how to set it.
    const std::string automatic = scenarios::import_balancer_config(
        scratch_file("nginx-auto.conf", "worker_processes auto;\nupstream app {\n    server 10.0.0.1;\n}\n"), "");
    CHECK_THAT(automatic, Contains("# not modelled: ") && Contains("nginx-auto.conf:1 worker_processes auto;") &&
                              Contains("set worker_processes: N on the balancer for N cores"));
    CHECK(scenarios::load_scenario_text(automatic, "imported.yaml", ".").services.front().balancer->worker_processes == 1);
    CHECK_THAT(import_errors("nginx-workers-max-conns.conf",
                             "worker_processes 2;\nupstream app {\n    server 10.0.0.1 max_conns=3;\n}\n"),
               Contains("nginx-workers-max-conns.conf:3:1: error: max_conns with 2 worker processes and no zone"));
    // down and backup are written on the server's line, which names its directive.
    const std::string flagged = scenarios::import_balancer_config(
        scratch_file("nginx-flags.conf", "upstream app {\n    server 10.0.0.1 weight=2 down;\n"
                                         "    server 10.0.0.2 backup;\n}\n"),
        "");
    CHECK_THAT(flagged, Contains("- { name: \"10.0.0.1\", weight: 2, state: down }  # ") &&
                            Contains("nginx-flags.conf:2 server 10.0.0.1 weight=2 down;") &&
                            Contains("- { name: \"10.0.0.2\", backup: true }  # ") &&
                            Contains("nginx-flags.conf:3 server 10.0.0.2 backup;"));
  }
  SECTION("several upstreams need --name; a file with none is said to be neither")
  {
    const std::string two = "upstream a { server 1.1.1.1; }\nupstream b { ip_hash; server 2.2.2.2; }\n";
    CHECK_THAT(import_errors("two.conf", two), Contains("several upstreams (a, b); choose one with --name"));
    CHECK_THAT(scenarios::import_balancer_config(scratch_file("two.conf", two), "b"), Contains("algorithm: ip_hash"));
    CHECK_THAT(import_errors("none.conf", "events {}\n"), Contains("neither an nginx upstream block"));
  }
  SECTION("HAProxy: the defaults section applies, checks become the balancer's, retries need redispatch")
  {
    const std::string cfg =
        "defaults\n    mode http\n    balance leastconn\n    retries 2\n    option redispatch\n    timeout check 500\n"
        "backend api\n    default-server inter 3s fall 4\n    server s1 10.0.0.1:80 weight 2 check\n"
        "    server s2 10.0.0.2:80 check rise 2\n";
    const std::string yaml = scenarios::import_balancer_config(scratch_file("haproxy-ok.cfg", cfg), "");
    CHECK_THAT(yaml, Contains("algorithm: weighted_least_connections") &&
                         Contains("health_check: { interval: 3 s, timeout: 500 ms, rise: 2, fall: 4 }") &&
                         Contains("retries: 2") && Contains("# not modelled:") && Contains("mode http"));
    CHECK_NOTHROW(scenarios::load_scenario_text(yaml, "imported.yaml", "."));
    // Without a balance line HAProxy round-robins, and without checks it marks no server down.
    const std::string plain = scenarios::import_balancer_config(
        scratch_file("haproxy-plain.cfg", "backend api\n    server s1 10.0.0.1:80\n"), "");
    CHECK_THAT(plain, Contains("variant: fwrr") && Contains("passive: { max_fails: 0 }"));
    const std::string errors = import_errors(
        "haproxy-bad.cfg", "backend api\n    balance random\n    stick-table type ip size 1m\n"
                           "    server s1 10.0.0.1:80 check\n    server s2 10.0.0.2:80 maxconn many\n");
    CHECK_THAT(errors, Contains("haproxy-bad.cfg:2:13: error: balance \"random\" is not modelled"));
    CHECK_THAT(errors, Contains("haproxy-bad.cfg:3:5: error: \"stick-table\" cannot be mapped"));
    CHECK_THAT(errors, Contains("haproxy-bad.cfg:5:27: error: \"maxconn\" is not a server keyword"));
    CHECK_THAT(errors, Contains("haproxy-bad.cfg:5:1: error: server \"s2\" has no check while others do"));
    // maxconn with the backend queue: timeout queue, or else timeout connect (HAProxy's default).
    const std::string first = scenarios::import_balancer_config(
        scratch_file("haproxy-first.cfg", "defaults\n    timeout connect 3s\nbackend api\n    balance first\n"
                                          "    server s1 10.0.0.1:80 maxconn 20\n    server s2 10.0.0.2:80\n"),
        "");
    CHECK_THAT(first, Contains("algorithm: first") && Contains("queue_timeout: 3 s  # ") &&
                          Contains("haproxy-first.cfg:2 timeout connect 3s") && Contains("max_conns: 20"));
    CHECK_NOTHROW(scenarios::load_scenario_text(first, "imported.yaml", "."));
    // slowstart ramps the weight of roundrobin and leastconn; with static-rr only maxconn would ramp.
    const std::string slow = scenarios::import_balancer_config(
        scratch_file("haproxy-slow.cfg", "backend api\n    server s1 10.0.0.1:80 slowstart 30s\n    server s2 10.0.0.2:80\n"),
        "");
    CHECK_THAT(slow, Contains("{ name: \"s1\", slow_start: 30 s }"));
    CHECK_NOTHROW(scenarios::load_scenario_text(slow, "imported.yaml", "."));
    const std::string static_rr = scenarios::import_balancer_config(
        scratch_file("haproxy-slow-static.cfg",
                     "backend api\n    balance static-rr\n    server s1 10.0.0.1:80 slowstart 30s\n"),
        "");
    CHECK_THAT(static_rr, Contains("# not modelled: ") && Contains("ramps only the server's maxconn") &&
                              !Contains("slow_start:"));
    CHECK_NOTHROW(scenarios::load_scenario_text(static_rr, "imported.yaml", "."));
  }
  SECTION("times in each program's syntax")
  {
    CHECK(scenarios::nginx_time("30s") == "30 s");
    CHECK(scenarios::nginx_time("10") == "10 s");
    CHECK(scenarios::nginx_time("2m") == "2 min");
    CHECK(scenarios::nginx_time("fast").empty());
    CHECK(scenarios::haproxy_time("2000") == "2000 ms");
    CHECK(scenarios::haproxy_time("3s") == "3 s");
    CHECK(scenarios::haproxy_time("5x").empty());
  }
}

TEST_CASE("lbsim import prints the scenario, writes it with --out, and exits 1 on what it cannot map",
          "[import][cli]")
{
  const std::string config = kConfigs + "haproxy-roundrobin-3-2-1.conf";
  const auto [status, yaml] = test::run_command(std::string(LBSIM_BINARY) + " import " + config);
  CHECK(status == 0);
  CHECK_THAT(yaml, Contains("variant: fwrr") && Contains("weight: 3"));
  const auto out = std::filesystem::temp_directory_path() / "lbsim-import-test-out.yaml";
  std::filesystem::remove(out);
  CHECK(test::run_command(std::string(LBSIM_BINARY) + " import " + config + " --out " + out.string() + " 2>&1").first == 0);
  CHECK(std::filesystem::exists(out));
  // The written scenario runs.
  CHECK(test::run_command(std::string(LBSIM_BINARY) + " check " + out.string() + " 2>&1").first == 0);
  // An existing file is not overwritten.
  const auto [again, message] =
      test::run_command(std::string(LBSIM_BINARY) + " import " + config + " --out " + out.string() + " 2>&1");
  CHECK(again == 1);
  CHECK_THAT(message, Contains("exists"));
  const std::string capped = scratch_file("nginx-slow-start.conf", "upstream app {\n    server 10.0.0.1 slow_start=5s;\n}\n");
  const auto [refused, errors] = test::run_command(std::string(LBSIM_BINARY) + " import " + capped + " 2>&1");
  CHECK(refused == 1);
  CHECK_THAT(errors, Contains("nginx-slow-start.conf:2:21:") && Contains("nothing written"));
  std::filesystem::remove(out);
}
