// The gateway's part of the summary `lbsim run` prints: the answers by status, the gateway's own
// figures (station, cache, auth, CORS, limits, retries, aggregates) and one RED row per route.
#pragma once

#include "models/metrics/run_summary.hpp"

#include <string>

namespace lbsim::cli {

// Empty without a gateway.
std::string gateway_table(const models::RunSummary& summary);

}  // namespace lbsim::cli
