// HTTP method semantics (RFC 9110 section 9.2): safe methods only read (GET, HEAD, OPTIONS, TRACE);
// idempotent ones may be repeated with the effect of one (the safe ones, PUT and DELETE). POST,
// PATCH and CONNECT are neither, so a retry may apply them twice: balancers and clients retry
// them only when told to (nginx's proxy_next_upstream non_idempotent).
#pragma once

#include <string_view>

namespace lbsim::models {

inline bool is_safe_method(std::string_view m)
{
  return m == "GET" || m == "HEAD" || m == "OPTIONS" || m == "TRACE";
}

inline bool is_idempotent_method(std::string_view m) { return is_safe_method(m) || m == "PUT" || m == "DELETE"; }

// The methods RFC 9110 (and RFC 5789 for PATCH) defines; any other draws a warning from the loader.
inline bool is_known_method(std::string_view m)
{
  return is_idempotent_method(m) || m == "POST" || m == "PATCH" || m == "CONNECT";
}

}  // namespace lbsim::models
