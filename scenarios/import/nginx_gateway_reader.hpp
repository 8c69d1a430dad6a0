// The reader of nginx's contexts (file, http, server, location) for the gateway import: what
// each level passes down to its locations, and the routes, limiters and caches it collects.
// Private to scenarios/import (nginx_gateway.cpp, nginx_location_limits.cpp).
#pragma once

#include "scenarios/import/imported_gateway.hpp"
#include "scenarios/import/nginx_syntax.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace lbsim::scenarios::nginx_gateway {

inline bool all_digits(const std::string& s, std::size_t max_size)
{
  return !s.empty() && s.size() <= max_size && s.find_first_not_of("0123456789") == std::string::npos;
}


// What a context passes down to the locations inside it.
struct Inherited {
  std::vector<const NginxDirective*> limit_req;
  const NginxDirective* limit_req_status = nullptr;
  const NginxDirective* proxy_cache = nullptr;
  std::vector<const NginxDirective*> proxy_cache_valid;
  const NginxDirective* proxy_cache_lock = nullptr;
};

// Directives that do not change what lbsim models, and why.
const std::map<std::string, std::string>& not_modelled();

class GatewayReader {
public:
  GatewayReader(const std::string& file, ImportProblems& problems, ImportedGateway& gw,
                const std::set<std::string>& upstreams)
      : file_(file), problems_(problems), gw_(gw), upstreams_(upstreams)
  {
  }

  // `level`: 0 the file, 1 http, 2 server (the wrappers are optional, so the file may hold any).
  void context(const std::vector<NginxDirective>& block, int level, Inherited inherited);

  void finish();

private:
  static ConfigSource source(const NginxDirective& d) { return {d.head().line, d.text()}; }

  void ignore(const NginxDirective& d, const std::string& why = "")
  {
    gw_.ignored.push_back(source(d));
    gw_.ignored_why.push_back(why.empty() ? not_modelled().at(d.head().text) : why);
  }

  void other(const NginxDirective& d)
  {
    const std::string& h = d.head().text;
    if (not_modelled().count(h)) return ignore(d);
    if (h == "include")
      return problems_.add(d.head().line, d.head().column, "include is not followed; paste the included file in");
    problems_.add(d.head().line, d.head().column,
                  "\"" + h + "\" cannot be mapped to lbsim; it maps http, server, location, upstream, proxy_pass, "
                  "limit_req_zone, limit_req, limit_req_status, proxy_cache, proxy_cache_valid, proxy_cache_lock");
  }

  // nginx's merge: a level that sets a directive replaces what it inherited.
  static void merge(const std::vector<NginxDirective>& block, Inherited& here)
  {
    bool limits = false, valids = false;
    for (const NginxDirective& d : block) {
      const std::string& h = d.head().text;
      if (h == "limit_req") {
        if (!limits) here.limit_req.clear();
        limits = true;
        here.limit_req.push_back(&d);
      } else if (h == "proxy_cache_valid") {
        if (!valids) here.proxy_cache_valid.clear();
        valids = true;
        here.proxy_cache_valid.push_back(&d);
      } else if (h == "limit_req_status") {
        here.limit_req_status = &d;
      } else if (h == "proxy_cache") {
        here.proxy_cache = &d;
      } else if (h == "proxy_cache_lock") {
        here.proxy_cache_lock = &d;
      }
    }
  }

  ImportedGateway::Limiter& limiter(const std::string& name)
  {
    return *std::find_if(gw_.limiters.begin(), gw_.limiters.end(), [&](const auto& l) { return l.name == name; });
  }

  // limit_req_zone $binary_remote_addr zone=NAME:SIZE rate=Nr/s|Nr/m
  void zone(const NginxDirective& d);

  void add(const NginxToken& t, const std::string& message)
  {
    ++errors_;
    problems_.add(t.line, t.column, message);
  }

  void location(const NginxDirective& d, const Inherited& outer);
  void limits(const Inherited& here, ImportedGateway::Route& route);
  void cache(const Inherited& here, ImportedGateway::Route& route);

  std::string file_;
  ImportProblems& problems_;
  ImportedGateway& gw_;
  const std::set<std::string>& upstreams_;
  std::map<std::string, bool> zone_used_;
  std::set<std::pair<bool, std::string>> locations_;
  bool server_seen_ = false;
  std::size_t errors_ = 0;
};

}  // namespace lbsim::scenarios::nginx_gateway
