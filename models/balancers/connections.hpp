// ConnectionTable: layer-4 balancing (docs/model.md, "Layer 4 and layer 7"). Each client address
// keeps one connection to one server for `requests_per_connection` requests; the algorithm picks
// once per connection, and the connection's later requests follow it without a pick.
//
// Simplifications, documented: one connection per client address (concurrent requests of a
// client share it, as HTTP/2 streams do); a connection closes after its last request is sent
// (no idle timeout); a connection to a server that is no longer eligible is dropped and the
// request opens a new one (the client reconnects at once; the request is not lost).
#pragma once

#include "models/balancers/algorithms/balancer.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <span>

namespace lbsim::models {

class ConnectionTable {
public:
  explicit ConnectionTable(uint64_t requests_per_connection) : per_connection_(requests_per_connection) {}

  // True when the client has an open connection with requests left (no pick will be needed).
  bool has_open(uint32_t client_address) const
  {
    const auto it = open_.find(client_address);
    return it != open_.end() && it->second.left > 0;
  }
  // The next request of the client rides its open connection: the connection's server, or nullopt
  // when it has none (or the server is no longer eligible), and a new one must be opened.
  ServerChoice reuse(uint32_t client_address, std::span<const PoolMember> pool);
  // A new connection to `server`; the request that opened it is its first.
  void open(uint32_t client_address, uint32_t server);

  uint64_t opened() const { return opened_; }
  uint64_t reused() const { return reused_; }
  void reset_measurement() { opened_ = reused_ = 0; }

private:
  struct Connection {
    uint32_t server = 0;
    uint64_t left = 0;  // requests it still carries
  };
  uint64_t per_connection_;
  std::map<uint32_t, Connection> open_;  // by client address; looked up, never iterated
  uint64_t opened_ = 0, reused_ = 0;
};

}  // namespace lbsim::models
