// lbsim remap: the share of clients each algorithm moves to another server when one server is
// added to the pool or removed from it (docs/algorithms.md, "Remapping").
#include "cli/commands.hpp"

#include "cli/terminal_text.hpp"

#include "models/balancers/algorithms/registry.hpp"
#include "models/balancers/remap.hpp"
#include "scenarios/format/suggest.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace lbsim::cli {

int remap_command(const RemapCommandOptions& options)
{
  models::BalancerRegistry registry;
  models::register_builtin_balancers(registry);
  std::vector<std::string> algorithms;
  if (options.algorithm == "all") {
    for (const std::string& name : models::all_balancer_algorithm_names())
      if (registry.contains(name)) algorithms.push_back(name);
  } else {
    const auto& known = models::all_balancer_algorithm_names();
    if (std::find(known.begin(), known.end(), options.algorithm) == known.end()) {
      std::fprintf(stderr, "lbsim remap: unknown algorithm \"%s\"%s\n", options.algorithm.c_str(),
                   scenarios::did_you_mean(options.algorithm, known).c_str());
      return 2;
    }
    algorithms = {options.algorithm};
  }
  models::RemapOptions remap;
  remap.servers = options.servers;
  remap.keys = options.keys;
  std::printf("remapping: %u keys (one client address per /24), %u servers -> %u (added) and -> %u (removed)\n",
              remap.keys, remap.servers, remap.servers + 1, remap.servers - 1);
  std::printf("ideal for a consistent scheme: 1/(N+1) = %.4f on add, 1/N = %.4f on remove\n",
              1.0 / (remap.servers + 1), 1.0 / remap.servers);
  std::printf("algorithm,added,removed\n");
  try {
    for (const std::string& algorithm : algorithms) {
      const models::RemapResult r = models::measure_remap(registry, algorithm, remap);
      std::printf("%s,%.4f,%.4f\n", algorithm.c_str(), r.added, r.removed);
    }
  } catch (const std::exception& e) {
    print_error(std::string("lbsim remap: ") + e.what());
    return 2;
  }
  return 0;
}

}  // namespace lbsim::cli
