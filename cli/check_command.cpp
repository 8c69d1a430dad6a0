#include "cli/commands.hpp"

#include "cli/estimate_report.hpp"
#include "cli/terminal_text.hpp"

#include "scenarios/format/loader.hpp"
#include "scenarios/format/units.hpp"

#include <cstdio>

namespace lbsim::cli {

int check_command(const std::string& file, const std::vector<std::string>& overrides, bool force)
{
  try {
    const models::SystemConfig c = scenarios::load_scenario_file(file, overrides);
    for (const std::string& w : c.warnings) std::fprintf(stderr, "%s\n", w.c_str());
    size_t servers = 0;
    for (const models::ServiceConfig& s : c.services) servers += s.servers.size();
    std::printf("%s: ok: scenario \"%s\", %zu client group(s), %zu server(s)", file.c_str(), c.name.c_str(),
                c.clients.size(), servers);
    if (c.services_section) {
      std::printf(", %zu service(s):", c.services.size());
      for (size_t i = 0; i < c.services.size(); ++i) {
        const models::ServiceConfig& s = c.services[i];
        std::printf("%s %s (%zu server(s), %s", i ? ";" : "", s.name.c_str(), s.servers.size(),
                    s.balancer ? s.balancer->algorithm.c_str() : "no balancer");
        size_t calls = 0;
        for (const models::EndpointConfig& e : s.endpoints) calls += e.calls.size();
        if (!s.endpoints.empty()) std::printf(", %zu endpoint(s), %zu call(s)", s.endpoints.size(), calls);
        std::printf(")");
      }
    } else if (c.services.front().balancer) {
      const models::BalancerConfig& b = *c.services.front().balancer;
      std::printf(", balancer %s (%s", b.name.c_str(), b.algorithm.c_str());
      if (b.layer == 4)
        std::printf(", layer 4, %llu requests per connection", static_cast<unsigned long long>(b.requests_per_connection));
      if (b.processing) std::printf(", processing %s on %d worker(s)", b.processing->describe().c_str(), b.workers);
      if (b.max_connections)
        std::printf(", max_connections %llu, backlog %llu", static_cast<unsigned long long>(*b.max_connections),
                    static_cast<unsigned long long>(b.backlog.value_or(*b.max_connections)));
      std::printf(")");
    }
    if (c.network)
      std::printf(", a network of %zu nodes and %zu links", c.network->nodes.size(), c.network->links.size());
    if (c.duration) std::printf(", runs %s", scenarios::format_time(c.duration->ns()).c_str());
    if (c.stop_requests) std::printf(", stops after %llu requests", static_cast<unsigned long long>(*c.stop_requests));
    if (c.warmup.ns() > 0) std::printf(" after %s of warm-up", scenarios::format_time(c.warmup.ns()).c_str());
    std::printf("\n");
    std::fflush(stdout);
    return accept_run_estimate(file, c, force) ? 0 : 1;
  } catch (const scenarios::ScenarioError& e) {
    print_error(e.what());
    return 1;
  }
}

}  // namespace lbsim::cli
