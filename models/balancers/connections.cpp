#include "models/balancers/connections.hpp"

namespace lbsim::models {

ServerChoice ConnectionTable::reuse(uint32_t client_address, std::span<const PoolMember> pool)
{
  const auto it = open_.find(client_address);
  if (it == open_.end()) return std::nullopt;
  Connection& c = it->second;
  if (c.left == 0 || c.server >= pool.size() || !pool[c.server].eligible) {
    open_.erase(it);
    return std::nullopt;
  }
  --c.left;
  ++reused_;
  const uint32_t server = c.server;
  if (c.left == 0) open_.erase(it);
  return server;
}

void ConnectionTable::open(uint32_t client_address, uint32_t server)
{
  ++opened_;
  if (per_connection_ <= 1) {
    open_.erase(client_address);
    return;
  }
  open_[client_address] = Connection{server, per_connection_ - 1};
}

}  // namespace lbsim::models
