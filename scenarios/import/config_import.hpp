// `lbsim import`: a real balancer's configuration as an lbsim scenario. Reads an nginx `upstream`
// block or a HAProxy `backend`/`listen` section (which one is told by the file's content) and
// writes the scenario's YAML, each line commented with the directive it came from. Throws
// ImportError (imported_pool.hpp) listing, at file:line:column, every directive it cannot map,
// or TextFileError when the file cannot be read.
#pragma once

#include <string>

namespace lbsim::scenarios {

// `name` chooses the upstream or backend when the file has several (empty: the only one).
std::string import_balancer_config(const std::string& path, const std::string& name);

}  // namespace lbsim::scenarios
