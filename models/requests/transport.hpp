// Transport: how a request or a reply gets from one station's node to another's. Two
// implementations: DirectTransport (below; no network: it arrives at once) and the network
// (models/network/transfers.hpp: the bytes cross links at their shared rate, then the latency).
// Stations never ask which one they have.
#pragma once

#include "models/requests/request.hpp"

#include <string>

namespace lbsim::models {

class TransportListener {
public:
  virtual ~TransportListener() = default;
  // What `carry` moved has arrived.
  virtual void on_carried(RequestId id) = 0;
};

class Transport {
public:
  virtual ~Transport() = default;
  // Moves `bytes` (>= 0) for request `id` from node `from` to node `to`; the listener hears when
  // the last byte has arrived. One carry per request at a time.
  virtual void carry(RequestId id, NodeId from, NodeId to, double bytes) = 0;
  // A server joins during the run, connected as the servers of its group are; returns its node.
  virtual NodeId add_server(const std::string& name, const std::string& group) = 0;
};

// No network: everything arrives the instant it is sent, from inside carry().
class DirectTransport final : public Transport {
public:
  explicit DirectTransport(TransportListener& listener) : listener_(listener) {}
  void carry(RequestId id, NodeId, NodeId, double) override { listener_.on_carried(id); }
  NodeId add_server(const std::string&, const std::string&) override { return 0; }

private:
  TransportListener& listener_;
};

}  // namespace lbsim::models
