// Reads a whole text file (a scenario, study or plan), or nothing when it is missing, unreadable or
// a folder: callers turn that into an error that names the file.
#pragma once

#include <optional>
#include <string>

namespace lbsim::scenarios {

std::optional<std::string> read_text_file(const std::string& path);

}  // namespace lbsim::scenarios
