// ServerPool: a service's servers, by the member index its balancer knows them by, and the groups
// they were made from. A server added during the run (the timeline's `add`, the autoscaler) is a
// copy of its group's first server, named group-N with the next free N.
#pragma once

#include "models/requests/run_context.hpp"
#include "models/services/server.hpp"

#include <map>
#include <string>
#include <vector>

namespace lbsim::models {

class ServerStation;

class ServerPool {
public:
  ServerPool(uint32_t service, RunContext& run) : service_(service), run_(run) {}

  // A server of the scenario joins the pool (and run.servers); returns its index in run.servers.
  uint32_t add(const ServerConfig& config, ServerStation& station);
  // A new server of `group`, made from the group's first server.
  uint32_t add_to_group(const std::string& group, ServerStation& station, ServerState state);
  bool has_group(const std::string& group) const { return groups_.count(group) != 0; }

  // Member -> server (an index into run.servers); members are never removed.
  const std::vector<uint32_t>& members() const { return members_; }
  uint32_t server(uint32_t member) const { return members_[member]; }

private:
  uint32_t insert(const ServerConfig& config, ServerStation& station, ServerState state);

  uint32_t service_;
  RunContext& run_;
  std::vector<uint32_t> members_;
  std::map<std::string, ServerConfig> groups_;   // each group's first server
  std::map<std::string, int> group_numbers_;     // the highest number used in each group's names
};

}  // namespace lbsim::models
