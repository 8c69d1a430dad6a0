#include "cli/commands.hpp"

#include "scenarios/loader.hpp"
#include "scenarios/units.hpp"

#include <cstdio>

namespace lbsim::cli {

int check_command(const std::string& file, const std::vector<std::string>& overrides)
{
  try {
    const models::SystemConfig c = scenarios::load_scenario_file(file, overrides);
    std::printf("%s: ok: scenario \"%s\", %zu client group(s), %zu server(s)", file.c_str(), c.name.c_str(),
                c.clients.size(), c.servers.size());
    if (c.balancer) std::printf(", balancer %s (%s)", c.balancer->name.c_str(), c.balancer->algorithm.c_str());
    if (c.network)
      std::printf(", a network of %zu nodes and %zu links", c.network->nodes.size(), c.network->links.size());
    if (c.duration) std::printf(", runs %s", scenarios::format_time(c.duration->ns()).c_str());
    if (c.stop_requests) std::printf(", stops after %llu requests", static_cast<unsigned long long>(*c.stop_requests));
    if (c.warmup.ns() > 0) std::printf(" after %s of warm-up", scenarios::format_time(c.warmup.ns()).c_str());
    std::printf("\n");
    return 0;
  } catch (const scenarios::ScenarioError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
}

}  // namespace lbsim::cli
