#include "scenarios/import/imported_gateway.hpp"

#include <set>
#include <sstream>

namespace lbsim::scenarios {

namespace {

std::string from(const ImportedGateway& gw, const std::vector<ConfigSource>& sources)
{
  std::string out = "  #";
  for (std::size_t i = 0; i < sources.size(); ++i)
    out += " " + gw.file + ":" + std::to_string(sources[i].line) + " " + sources[i].text;
  return out;
}

template <typename T>
std::string list(const std::vector<T>& items)
{
  std::ostringstream out;
  out << "[";
  for (std::size_t i = 0; i < items.size(); ++i) out << (i ? ", " : "") << items[i];
  out << "]";
  return out.str();
}

}  // namespace

std::string to_gateway_scenario_yaml(const ImportedGateway& gw)
{
  std::ostringstream y;
  std::string upstreams;
  for (const ImportedPool& s : gw.services) upstreams += (upstreams.empty() ? "" : ", ") + s.name;
  y << "# Written by `lbsim import " << gw.file << "` from its nginx locations and upstreams (" << upstreams << ").\n"
    << "# Each line names the directive it came from. A configuration holds no load: the clients and the\n"
    << "# duration below are lbsim's example (one request type per route), to replace with yours.\n";
  // A directive of the main context (worker_processes) is seen by every upstream and by the
  // gateway: it is listed once, with what the first to see it says.
  std::set<std::pair<int, std::string>> listed;
  const auto note_once = [&](const ConfigSource& source, const std::string& why) {
    if (listed.emplace(source.line, source.text).second)
      y << "# not modelled: " << gw.file << ":" << source.line << " " << source.text << " (" << why << ")\n";
  };
  for (const ImportedPool& s : gw.services)
    for (std::size_t i = 0; i < s.ignored.size(); ++i) note_once(s.ignored[i], s.ignored_why[i]);
  for (std::size_t i = 0; i < gw.ignored.size(); ++i) note_once(gw.ignored[i], gw.ignored_why[i]);
  y << "name: " << yaml_quoted(gw.name) << "\n"
    << "duration: 60 s\n"
    << "clients:\n"
    << "  - name: clients  # not from the config\n"
    << "    arrivals: { process: poisson, rate: 100/s }\n"
    << "    mix:\n";
  for (const ImportedGateway::Route& r : gw.routes)
    y << "      - { method: GET, path: " << yaml_quoted(r.path) << ", work: 10 ms }\n";
  y << "services:\n";
  for (const ImportedPool& s : gw.services) {
    y << "  - name: " << yaml_quoted(s.name) << "  # " << gw.file << " upstream " << s.name << " {\n";
    y << pool_yaml(s, "    ");
  }
  y << "gateway:\n"
    << "  name: gateway\n"
    << "  pipeline: [rate_limit, auth, cache]  # nginx's phases: limit_req before proxy_cache\n";
  if (!gw.limiters.empty()) y << "  rate_limits:\n";
  for (const ImportedGateway::Limiter& l : gw.limiters) {
    y << "    - { name: " << yaml_quoted(l.name) << ", algorithm: leaky_bucket, key: ip, rate: " << l.rate
      << ", burst: " << l.burst;
    if (!l.delay.empty()) y << ", delay: " << l.delay;
    y << ", status: " << l.status << " }" << from(gw, l.sources) << "\n";
  }
  y << "  # nginx takes the `=` locations first, then the longest matching prefix; lbsim takes the first\n"
    << "  # route that matches, so the exact paths come first and the longer prefixes before the shorter.\n"
    << "  routes:\n";
  for (const ImportedGateway::Route& r : gw.routes) {
    y << "    - name: " << yaml_quoted(r.name) << from(gw, {r.location}) << "\n"
      << "      match: { " << (r.exact ? "path" : "prefix") << ": " << yaml_quoted(r.path) << " }\n"
      << "      service: " << yaml_quoted(r.service) << from(gw, {r.proxy_pass}) << "\n";
    if (!r.rewrite_prefix.empty())
      y << "      rewrite: { prefix: " << yaml_quoted(r.rewrite_prefix) << " }" << from(gw, {r.proxy_pass}) << "\n";
    std::vector<std::string> names;
    for (const std::string& n : r.limiters) names.push_back(yaml_quoted(n));
    // A route's default is every limiter of the gateway; nginx applies only the location's limit_req.
    if (!gw.limiters.empty())
      y << "      rate_limits: " << list(names) << (r.limit_sources.empty() ? "  # no limit_req" : from(gw, r.limit_sources))
        << "\n";
    if (r.cache)
      y << "      cache: { ttl: " << r.cache->ttl << ", statuses: " << list(r.cache->statuses)
        << (r.cache->lock ? ", lock: true" : "") << " }" << from(gw, r.cache->sources) << "\n";
  }
  return y.str();
}

}  // namespace lbsim::scenarios
