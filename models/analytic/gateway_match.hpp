// What the closed forms of ../shared/reference/gateway.md part 4 predict for a gateway scenario,
// printed beside the simulated figures (docs/gateway.md, "Analytic figures"):
//
//   cache hit ratio      every cached route, TTL set on fill (or reset by hits), no capacity that
//                        binds: sum over keys of lambda_k T / (1 + lambda_k T) (or 1 - e^(-lambda_k T)),
//                        weighted by the keys' rates; the fill's own time is neglected
//   preflights/request   per (browser, URL) Poisson rate lambda: 1 / (1 + lambda M), M = min(max_age
//                        or 5 s, the browser's cap), over every request type, id and address
//   admitted rate        per rate limit, Poisson keys: nginx burst=0 on its ms clock, a token bucket
//                        (M/D/1/b), fixed windows and quotas (E[min(N, L)] / W)
//   rejected share       per concurrency limit: Erlang B(limit, lambda_key E[T]), E[T] the run's
//                        upstream time of its routes (add_simulated completes it)
//   fan-out mean         per parallel aggregate of exponential branches that never queue: E[max]
//                        by inclusion-exclusion (H_k / mu for equal rates), against its upstream time
//
// Each needs Poisson arrivals at what it models: Poisson client groups and nothing before it that
// thins the stream by its history (a rate limit or refused credentials before a cache, a cache
// before a rate limit). Where a form does not apply, the reason is given instead.
#pragma once

#include "models/metrics/run_summary.hpp"
#include "models/system_config.hpp"

#include <vector>

namespace lbsim::models::analytic {

// Never throws. Empty without a gateway.
std::vector<GatewayPrediction> match_gateway(const SystemConfig& config);

// Fills each prediction's `simulated` from a run's summary.
void add_simulated(std::vector<GatewayPrediction>& predictions, const RunSummary& summary);

}  // namespace lbsim::models::analytic
