#include "cli/commands.hpp"

#include "scenarios/format/client_addresses.hpp"
#include "scenarios/format/loader.hpp"
#include "scenarios/results/results_writer.hpp"
#include "scenarios/runner.hpp"

#include <cstdio>
#include <exception>

namespace lbsim::cli {

namespace {
// One CSV row per request in arrival order: the teaching view of where each request went.
class TracePrinter final : public models::DispatchObserver {
public:
  explicit TracePrinter(const models::System& system) : system_(system)
  {
    std::puts("time_s,client,method,path,server,status");
  }
  void on_dispatch(const models::Request& r, uint32_t server, bool accepted) override
  {
    print(r, server, accepted ? "dispatched" : (server == models::kNoServer ? "no_server" : "rejected"));
  }
  // max_connections and the balancer's backlog were full: a 503 from the balancer itself.
  void on_balancer_refused(const models::Request& r) override { print(r, models::kNoServer, "balancer_full"); }

private:
  void print(const models::Request& r, uint32_t server, const char* status)
  {
    const auto& type = system_.config().clients[r.client_group].mix[r.type];
    const char* server_name = server == models::kNoServer ? "" : system_.servers()[server]->name().c_str();
    std::printf("%s,%s,%s,%s,%s,%s\n", scenarios::format_seconds(r.sent.ns()).c_str(),
                scenarios::format_ipv4(system_.client_address(r)).c_str(), type.method.c_str(), type.path.c_str(),
                server_name, status);
  }

  const models::System& system_;
};
}  // namespace

int trace_command(const std::string& file, uint64_t requests, const std::vector<std::string>& overrides)
{
  models::SystemConfig config;
  try {
    config = scenarios::load_scenario_file(file, overrides);
  } catch (const scenarios::ScenarioError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  try {
    auto system = scenarios::build_system(config);
    TracePrinter printer(*system);
    system->set_dispatch_observer(&printer);
    system->run_until_sent(requests);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: error: the run failed: %s\n", file.c_str(), e.what());
    return 1;
  }
}

}  // namespace lbsim::cli
