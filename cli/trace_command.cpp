#include "cli/commands.hpp"

#include "cli/terminal_text.hpp"

#include "scenarios/format/client_addresses.hpp"
#include "scenarios/format/loader.hpp"
#include "scenarios/results/results_writer.hpp"
#include "scenarios/runner.hpp"

#include <cstdio>
#include <exception>
#include <string>

namespace lbsim::cli {

namespace {
// The path with the request's resource id in place of its {id} segment (0: none drawn).
std::string path_with_id(const std::string& pattern, uint32_t resource)
{
  const size_t open = pattern.find("{id}");
  if (resource == 0 || open == std::string::npos) return pattern;
  std::string path = pattern;
  return path.replace(open, 4, std::to_string(resource));
}

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
    line_.seconds(r.sent.ns())
        .text(scenarios::format_ipv4(system_.client_address(r)))
        .text(shape.method)
        .text(path_with_id(shape.path, r.resource))
        .text(server_name)
        .text(models::to_string(hop.outcome))
        .text(system_.services()[hop.service]->name())
        .integer(r.sequence);
    if (parent) line_.integer(parent->sequence);
    else line_.text("");
    line_.write_to(stdout);
  }

private:
  const models::System& system_;
  scenarios::CsvLine line_;  // RFC 4180 fields: a name or path with a comma stays one field
};
}  // namespace

int trace_command(const std::string& file, uint64_t requests, const std::vector<std::string>& overrides)
{
  models::SystemConfig config;
  try {
    config = scenarios::load_scenario_file(file, overrides);
  } catch (const scenarios::ScenarioError& e) {
    print_error(e.what());
    return 1;
  }
  try {
    auto system = scenarios::build_system(config);
    TracePrinter printer(*system);
    system->set_hop_observer(&printer);
    system->run_until_hops(requests);
    return 0;
  } catch (const std::exception& e) {
    print_error(file + ": error: the run failed: " + e.what());
    return 1;
  }
}

}  // namespace lbsim::cli
