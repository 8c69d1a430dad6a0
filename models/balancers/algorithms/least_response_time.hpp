// least_response_time: the least Peak-EWMA load over all eligible servers.
//
// Each server has a PeakEwma estimator (Finagle's, see peak_ewma.hpp) fed by on_response() with
// the dispatch-to-response time the balancer saw. A pick reads every eligible server's load,
// cost * (active + 1) (Penalty + active for a busy server without history), which decays its cost
// as in Finagle, and takes the smallest: a full scan, the textbook "least response time" (and the
// shape of nginx's least_time, which scans all peers), not Finagle's P2C, which compares two
// random servers (use power_of_two_choices for sampling). Equal loads, such as idle servers
// without history at the start, are broken by smooth weighted round robin over the tied servers,
// nginx's rule for least_conn and least_time. Weights play no other part.
//
// State: an estimator per server and the tie-break current weights. O(n) per pick (one exp() per
// eligible server). A server added later starts without history at the time it is first seen.
#pragma once

#include "models/balancers/algorithms/balancer.hpp"
#include "models/balancers/algorithms/declaration.hpp"
#include "models/balancers/algorithms/peak_ewma.hpp"

#include <vector>

namespace lbsim::models {

class LeastResponseTimeBalancer final : public Balancer {
public:
  // Throws std::invalid_argument unless decay > 0.
  explicit LeastResponseTimeBalancer(engine::SimTime decay = engine::seconds(10));

  ServerChoice pick(std::span<const PoolMember> pool, PickContext& context) override;
  void on_response(uint32_t server, engine::SimTime response_time, engine::SimTime now) override;
  PerRequestHooks per_request_hooks() const override { return {.responses = true}; }

  // The estimate of one server (nanoseconds), without decaying it; 0 when unknown.
  double cost_ns(uint32_t server) const { return server < estimators_.size() ? estimators_[server].cost_ns() : 0.0; }

private:
  void resize(std::size_t n, engine::SimTime now);

  engine::SimTime decay_;
  std::vector<PeakEwma> estimators_;
  std::vector<int64_t> current_weight_;
  std::vector<uint32_t> tied_;
};

// least_response_time: its name, rule, options and routing (declaration.hpp).
AlgorithmDeclaration least_response_time_declaration();

}  // namespace lbsim::models
