// Balancer: the interface every load-balancing algorithm implements.
//
// An algorithm sees a read-only view of its pool and a per-balancer RNG stream, and names a
// server or none. It owns whatever state the real algorithm keeps (a cursor, current weights...).
#pragma once

#include "engine/rng.hpp"
#include "engine/sim_time.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace lbsim::models {

// What a balancer knows about one server of its pool.
struct PoolMember {
  int weight = 1;
  uint32_t active = 0;    // requests dispatched to it and not yet answered
  bool eligible = true;   // up and not marked down by health checks
};

struct PickContext {
  uint32_t client_address = 0;  // IPv4
  std::string_view path;
  engine::SimTime now;
  engine::RngStream& rng;
};

class Balancer {
public:
  virtual ~Balancer() = default;
  // Returns the index of the chosen member, or nullopt when no member is eligible.
  virtual std::optional<uint32_t> pick(std::span<const PoolMember> pool, PickContext& context) = 0;
};

}  // namespace lbsim::models
