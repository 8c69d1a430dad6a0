#include "models/gateway/gateway_config.hpp"

#include <algorithm>

namespace lbsim::models {

// First match in file order is the gateway's business; this says whether one route matches.
bool RouteMatch::matches(const std::string& method, const std::string& request_path) const
{
  if (!methods.empty() && std::find(methods.begin(), methods.end(), method) == methods.end()) return false;
  return path_matches(kind, path, request_path);
}

// Envoy's prefix_rewrite replaces the matched prefix (the whole path for an exact or pattern
// route); strip_prefix removes a leading part when present (Kong's strip_path, nginx's proxy_pass
// with a URI); `path` replaces the whole path.
std::string RouteRewrite::apply(const std::string& matched_prefix, const std::string& request_path) const
{
  if (!path.empty()) return path;
  std::string out = request_path;
  if (!strip_prefix.empty() && out.compare(0, strip_prefix.size(), strip_prefix) == 0) {
    out.erase(0, strip_prefix.size());
    if (out.empty() || out.front() != '/') out.insert(out.begin(), '/');
  }
  if (!prefix.empty()) {
    if (!matched_prefix.empty() && out.compare(0, matched_prefix.size(), matched_prefix) == 0)
      out.replace(0, matched_prefix.size(), prefix);
    else
      out = prefix;
  }
  return out;
}

}  // namespace lbsim::models
