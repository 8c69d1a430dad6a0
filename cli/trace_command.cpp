#include "cli/commands.hpp"

#include "scenarios/format/client_addresses.hpp"
#include "scenarios/format/loader.hpp"
#include "scenarios/results/results_writer.hpp"
#include "scenarios/runner.hpp"

#include <cstdio>
#include <exception>

namespace lbsim::cli {

namespace {
// One CSV row per hop in the order they happen: the teaching view of where each request went. A
// call to another service is a request of its own; `parent` names the request that made it.
class TracePrinter final : public models::HopObserver {
public:
  explicit TracePrinter(const models::System& system) : system_(system)
  {
    std::puts("time_s,client,method,path,server,status,service,request,parent");
  }
  void on_hop(const models::Hop& hop) override
  {
    const models::Request& r = hop.request;
    const models::RequestShape& shape = system_.shape(r);
    const char* server_name = hop.server == models::kNoServer ? "" : system_.servers()[hop.server]->name().c_str();
    const models::Request* parent = system_.parent(r);
    std::printf("%s,%s,%s,%s,%s,%s,%s,%llu,%s\n", scenarios::format_seconds(r.sent.ns()).c_str(),
                scenarios::format_ipv4(system_.client_address(r)).c_str(), shape.method.c_str(), shape.path.c_str(),
                server_name, models::to_string(hop.outcome), system_.services()[hop.service]->name().c_str(),
                static_cast<unsigned long long>(r.sequence),
                parent ? std::to_string(parent->sequence).c_str() : "");
  }

private:
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
    system->set_hop_observer(&printer);
    system->run_until_hops(requests);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: error: the run failed: %s\n", file.c_str(), e.what());
    return 1;
  }
}

}  // namespace lbsim::cli
