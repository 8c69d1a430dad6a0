// Finding things in a run's summary by name, for the tests: a route, a service, an endpoint, a
// status count, a percentile. A missing name fails the test that asked.
#pragma once

#include "models/metrics/run_summary.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <string>

namespace lbsim::test {

inline const models::RouteSummary& route(const models::RunSummary& s, const std::string& name)
{
  for (const models::RouteSummary& r : s.routes)
    if (r.name == name) return r;
  FAIL("no route " << name);
  throw;
}

inline const models::ServiceSummary& service(const models::RunSummary& s, const std::string& name)
{
  for (const models::ServiceSummary& x : s.services)
    if (x.name == name) return x;
  FAIL("no service " << name);
  throw;
}

inline const models::EndpointSummary& endpoint(const models::ServiceSummary& s, const std::string& path)
{
  for (const models::EndpointSummary& e : s.endpoints)
    if (e.path == path) return e;
  FAIL("no endpoint " << path);
  throw;
}

// The count of `code` in a status map (0 when it never occurred).
inline uint64_t status(const models::StatusMap& m, int code)
{
  const auto it = m.find(code);
  return it == m.end() ? 0 : it->second;
}

// The 99th percentile of a latency summary, NaN when it has none.
inline double p99(const models::LatencySummary& l)
{
  for (const auto& [p, v] : l.percentiles_s)
    if (p == 99.0) return v;
  return NAN;
}

}  // namespace lbsim::test
