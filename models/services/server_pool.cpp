#include "models/services/server_pool.hpp"

#include <algorithm>
#include <memory>

namespace lbsim::models {

uint32_t ServerPool::insert(const ServerConfig& config, ServerStation& station, ServerState state)
{
  const auto index = static_cast<uint32_t>(run_.servers.size());
  run_.servers.push_back(std::make_unique<Server>(index, config, run_.sim, run_.requests, station, state));
  run_.servers.back()->set_place(service_, static_cast<uint32_t>(members_.size()));
  members_.push_back(index);
  return index;
}

uint32_t ServerPool::add(const ServerConfig& config, ServerStation& station)
{
  groups_.try_emplace(config.group, config);
  ++group_numbers_[config.group];
  return insert(config, station, ServerState::up);
}

uint32_t ServerPool::add_to_group(const std::string& group, ServerStation& station, ServerState state)
{
  ServerConfig config = groups_.at(group);
  const auto taken = [&](const std::string& name) {
    return std::any_of(run_.servers.begin(), run_.servers.end(), [&](const auto& s) { return s->name() == name; });
  };
  do config.name = group + "-" + std::to_string(++group_numbers_[group]);
  while (taken(config.name));
  return insert(config, station, state);
}

}  // namespace lbsim::models
