// max_connections and backlog, as a balancer's front end and a gateway take them: requests at once,
// and how many more may wait beyond them (only with max_connections).
#pragma once

#include "scenarios/format/yaml_reader.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace lbsim::scenarios {

inline void read_connection_limits(const YamlReader& r, const YAML::Node& node, const std::string& ctx,
                                   std::optional<uint64_t>& max_connections, std::optional<uint64_t>& backlog)
{
  if (const YAML::Node m = node["max_connections"])
    max_connections = static_cast<uint64_t>(r.integer(m, ctx + ".max_connections", 1, 1'000'000'000));
  if (const YAML::Node q = node["backlog"]) {
    if (!max_connections)
      r.fail(q, ctx + ".backlog is the queue beyond max_connections; set max_connections or remove backlog");
    backlog = static_cast<uint64_t>(r.integer(q, ctx + ".backlog", 0, 1'000'000'000));
  }
}

}  // namespace lbsim::scenarios
