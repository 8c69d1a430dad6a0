// lbsim import: an nginx upstream block or a HAProxy backend as a scenario (docs/algorithms.md,
// "Reproducing your production balancer").
#include "cli/commands.hpp"

#include "scenarios/format/loader.hpp"
#include "scenarios/format/scenario_error.hpp"
#include "scenarios/format/text_file.hpp"
#include "scenarios/import/config_import.hpp"
#include "scenarios/import/imported_pool.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace lbsim::cli {

int import_command(const std::string& file, const std::string& name, const std::string& out_file)
{
  std::string yaml;
  try {
    yaml = scenarios::import_balancer_config(file, name);
  } catch (const scenarios::ImportError& e) {
    for (const std::string& error : e.errors()) std::fprintf(stderr, "%s\n", error.c_str());
    std::fprintf(stderr, "lbsim import: nothing written (%zu directive%s cannot be mapped)\n", e.errors().size(),
                 e.errors().size() == 1 ? "" : "s");
    return 1;
  } catch (const scenarios::TextFileError& e) {
    std::fprintf(stderr, "%s: error: %s\n", file.c_str(), e.what());
    return 1;
  }
  // The scenario must load as it is written; anything else is lbsim's mistake, said as such.
  try {
    scenarios::load_scenario_text(yaml, out_file.empty() ? "(imported)" : out_file, ".");
  } catch (const scenarios::ScenarioError& e) {
    std::fprintf(stderr, "lbsim import: the scenario written from %s does not load (%s): please report this\n",
                 file.c_str(), e.what());
    return 1;
  }
  if (out_file.empty()) {
    std::fputs(yaml.c_str(), stdout);
    return 0;
  }
  std::error_code ec;
  if (std::filesystem::exists(out_file, ec)) {
    std::fprintf(stderr, "lbsim import: %s exists; remove it or choose another file (nothing written)\n", out_file.c_str());
    return 1;
  }
  std::ofstream out(out_file);
  out << yaml;
  out.close();
  if (!out) {
    std::fprintf(stderr, "lbsim import: cannot write %s\n", out_file.c_str());
    return 1;
  }
  std::fprintf(stderr, "lbsim import: wrote %s\n", out_file.c_str());
  return 0;
}

}  // namespace lbsim::cli
