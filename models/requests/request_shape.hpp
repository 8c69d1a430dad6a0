// RequestShape: what a request asks for, whoever sent it: a request type of a client group's mix,
// or a call an endpoint makes. Requests refer to their shape by index (Request::shape), so the hot
// path reads one table instead of asking who the sender was.
#pragma once

#include <cstdint>
#include <string>

namespace lbsim::models {

struct RequestShape {
  std::string method;
  std::string path;
  double request_bytes = 0;
  double response_bytes = 0;
  uint32_t service = 0;   // the service it goes to
  int32_t endpoint = -1;  // that service's endpoint answering it (-1: the service has no endpoints)
  bool idempotent = true;  // RFC 9110: may be repeated (models/requests/http_method.hpp); set from the method
};

}  // namespace lbsim::models
