// What `lbsim import` reads out of an nginx configuration whose `location` blocks route to
// several upstreams, with limit_req and proxy_cache: the services (one per upstream, each an
// ImportedPool) and the gateway's routes, rate limits and caches, each with its directive.
#pragma once

#include "scenarios/import/imported_pool.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lbsim::scenarios {

struct ImportedGateway {
  std::string file;
  std::string name = "gateway";  // the server_name, when there is one
  std::vector<ImportedPool> services;
  // A limit_req_zone as lbsim's leaky_bucket, with the burst, delay and status of its limit_req
  // (nginx keeps them on the limit_req; lbsim on the limiter, so every use must agree).
  struct Limiter {
    std::string name, rate;  // rate: "10/s" or "30/min"
    int64_t burst = 0;
    std::string delay;       // empty: nginx's default 0; "nodelay"; or a number
    int status = 503;
    std::vector<ConfigSource> sources;  // limit_req_zone, the first limit_req, limit_req_status
  };
  std::vector<Limiter> limiters;
  struct Cache {
    std::string ttl;
    std::vector<int> statuses;
    bool lock = false;
    std::vector<ConfigSource> sources;  // proxy_cache, proxy_cache_valid..., proxy_cache_lock
  };
  struct Route {
    std::string name;
    bool exact = false;  // location = PATH
    std::string path;
    ConfigSource location;
    std::string service, rewrite_prefix;  // proxy_pass http://SERVICE[URI]
    ConfigSource proxy_pass;
    std::vector<std::string> limiters;  // in limit_req order
    std::vector<ConfigSource> limit_sources;
    std::optional<Cache> cache;
  };
  std::vector<Route> routes;  // in lbsim's order: exact paths, then the longest prefix first
  std::vector<ConfigSource> ignored;
  std::vector<std::string> ignored_why;
};

// True when the file's locations route in ways a single upstream import would lose: several
// locations or upstreams, limit_req or proxy_cache. One `location / { proxy_pass http://U; }`
// is the single upstream import.
bool nginx_config_is_gateway(const std::string& text);

ImportedGateway read_nginx_gateway(const std::string& text, const std::string& file);

// The scenario: services, gateway, and an example load with one request type per route.
std::string to_gateway_scenario_yaml(const ImportedGateway& gateway);

}  // namespace lbsim::scenarios
