#include "cli/commands.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

namespace lbsim::cli {

namespace {
namespace fs = std::filesystem;

// lbsim-plot is a Qt program; lbsim stays free of Qt and runs it. It is looked for beside the
// lbsim binary (an installation), then in the build tree's gui/ folder, then on the PATH.
std::string find_plot_program()
{
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (const fs::path& candidate : {self.parent_path() / "lbsim-plot", self.parent_path().parent_path() / "gui" / "lbsim-plot"})
      if (fs::exists(candidate, ec)) return candidate.string();
  }
  return "lbsim-plot";
}
}  // namespace

int plot_command(const std::string& results_dir, const std::string& out_dir, int width, int height)
{
  const std::string program = find_plot_program();
  const std::string w = std::to_string(width), h = std::to_string(height);
  std::vector<const char*> argv = {program.c_str(), results_dir.c_str(), "--out", out_dir.c_str(), "--width", w.c_str(),
                                   "--height", h.c_str(), nullptr};
  std::fflush(stdout);
  ::execvp(program.c_str(), const_cast<char* const*>(argv.data()));
  std::fprintf(stderr, "lbsim plot: cannot run %s: %s (build lbsim with the GUI: Qt6 Charts, scripts/setup.sh)\n",
               program.c_str(), std::strerror(errno));
  return 1;
}

}  // namespace lbsim::cli
