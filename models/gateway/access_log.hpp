// The gateway's access log (`lbsim run FILE --access-log FILE.csv`), one row per client request
// the gateway answered, as Envoy's access log has them (docs/results.md, "Access log"): the
// route, the service, the status and response flags, bytes, durations, cache status, tries and
// the limiter that acted on it.
#pragma once

#include <cstdint>
#include <string>

namespace lbsim::models {

struct AccessLogRow {
  double time_s = 0;          // when the request reached the gateway
  uint32_t client = 0;        // the client's IPv4 address
  const std::string* method = nullptr;
  const std::string* path = nullptr;  // the client's path (a drawn id in place of {id})
  uint32_t resource = 0;      // the drawn id (0: none)
  const std::string* route = nullptr;    // null: no route matched
  const std::string* service = nullptr;  // null: answered at the gateway or aggregated
  int status = 0;
  uint32_t flags = 0;         // GatewayVisit::Flag
  double bytes_in = 0, bytes_out = 0;
  double duration_s = 0;      // at the gateway: arrival to the answer leaving
  double upstream_s = -1;     // -1: it did not go upstream
  const char* cache = "";     // HIT, MISS, STALE, UPDATING, BYPASS or ""
  uint32_t attempts = 0;
  const char* limiter = "";
  bool preflight = false;
};

class AccessLogSink {
public:
  virtual ~AccessLogSink() = default;
  virtual void on_access(const AccessLogRow& row) = 0;
};

// "NR,RL": the flags as Envoy prints them ("-" for none).
std::string response_flags_text(uint32_t flags);

}  // namespace lbsim::models
