#include "scenarios/import/config_import.hpp"

#include "scenarios/format/text_file.hpp"
#include "scenarios/import/imported_gateway.hpp"
#include "scenarios/import/imported_pool.hpp"

#include <regex>

namespace lbsim::scenarios {

std::string import_balancer_config(const std::string& path, const std::string& name)
{
  const std::string text = read_text_file(path, "expected an nginx or HAProxy configuration file");
  // HAProxy sections start at the line's first column; nginx blocks are `upstream NAME {`.
  static const std::regex haproxy_section(R"((^|\n)(backend|listen)[ \t]+\S+)");
  static const std::regex nginx_upstream(R"((^|[\s;{}])upstream\s+\S+\s*\{)");
  if (std::regex_search(text, haproxy_section)) return to_scenario_yaml(read_haproxy_backend(text, path, name));
  // Locations that route to several upstreams, or limit and cache, make a gateway; --name picks one upstream.
  if (name.empty() && std::regex_search(text, nginx_upstream) && nginx_config_is_gateway(text))
    return to_gateway_scenario_yaml(read_nginx_gateway(text, path));
  if (std::regex_search(text, nginx_upstream)) return to_scenario_yaml(read_nginx_upstream(text, path, name));
  throw ImportError({path + ": error: neither an nginx upstream block (upstream NAME { server ...; }) nor a HAProxy "
                            "backend or listen section; expected an nginx or HAProxy configuration"});
}

}  // namespace lbsim::scenarios
