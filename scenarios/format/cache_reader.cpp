#include "scenarios/format/cache_reader.hpp"

#include "scenarios/format/distribution_reader.hpp"

#include <algorithm>
#include <cstdlib>
#include <set>

namespace lbsim::scenarios {

namespace {

using engine::SimTime;

const std::vector<std::string> kMethods = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};

// Responses a shared cache stores without being told otherwise (RFC 9111 section 2, RFC 9110
// section 9.2.3): GET and HEAD. POST only with explicit freshness, PUT, PATCH, DELETE, OPTIONS not.
bool cacheable_by_default(const std::string& method) { return method == "GET" || method == "HEAD"; }

std::string join(const std::vector<std::string>& items)
{
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
  return out;
}

bool contains(const std::vector<std::string>& items, const std::string& x)
{
  return std::find(items.begin(), items.end(), x) != items.end();
}

std::string not_cacheable(const std::string& route, const std::string& verb, const std::string& methods,
                          const std::string& first)
{
  return "cache on route \"" + route + "\" " + verb + " " + methods + "; responses to " + first +
         " are not cacheable by default (RFC 9111); add allow_unsafe: true to cache them anyway";
}

bool all_digits(const std::string& s)
{
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool plain_number(const std::string& s)
{
  if (s.empty()) return false;
  char* end = nullptr;
  std::strtod(s.c_str(), &end);
  return *end == '\0';
}

void read_capacity(const YamlReader& r, const YAML::Node& node, const std::string& what, models::CacheConfig& c)
{
  const std::string text = node.IsScalar() ? node.Scalar() : std::string{};
  if (all_digits(text)) {
    c.capacity_entries = static_cast<uint64_t>(r.integer(node, what, 1, 1'000'000'000'000));
    return;
  }
  if (plain_number(text))
    r.fail(node, what + " must be a whole number of entries (capacity: 100000) or a size (capacity: 1 GB), got \"" +
                     text + "\"");
  c.capacity_bytes = r.size_bytes(node, what);
  if (!(c.capacity_bytes >= 1)) r.fail(node, what + " must be at least 1 B, got \"" + text + "\"");
}

void read_key(const YamlReader& r, const YAML::Node& node, const std::string& what, models::CacheConfig& c)
{
  r.require_sequence(node, what);
  std::set<std::string> seen;
  for (size_t i = 0; i < node.size(); ++i) {
    const std::string part =
        r.one_of(node[i], what + "[" + std::to_string(i) + "]", {"method", "path", "api_key", "client"});
    if (!seen.insert(part).second) r.fail(node[i], what + " lists " + part + " twice; give each part once");
    c.key_api_key = c.key_api_key || part == "api_key";
    c.key_client = c.key_client || part == "client";
  }
  for (const char* required : {"method", "path"})
    if (!seen.count(required))
      r.fail(node, what + " has no " + required + "; a cache key always starts with method and path (the path "
                   "carries the drawn id), e.g. key: [method, path" + (c.key_api_key ? ", api_key" : "") +
                   (c.key_client ? ", client" : "") + "]");
}

std::vector<std::string> read_methods(const YamlReader& r, const YAML::Node& node, const std::string& what,
                                      const std::string& route_name, bool allow_unsafe)
{
  r.require_sequence(node, what);
  if (node.size() == 0) r.fail(node, what + " is empty; list the methods to cache, e.g. methods: [GET, HEAD]");
  std::vector<std::string> methods;
  for (size_t i = 0; i < node.size(); ++i) {
    const std::string m = r.one_of(node[i], what + "[" + std::to_string(i) + "]", kMethods);
    if (contains(methods, m)) r.fail(node[i], what + " lists " + m + " twice; give each method once");
    if (!allow_unsafe && !cacheable_by_default(m)) r.fail(node[i], not_cacheable(route_name, "lists", m, m));
    methods.push_back(m);
  }
  return methods;
}

std::vector<int> read_statuses(const YamlReader& r, const YAML::Node& node, const std::string& what)
{
  r.require_sequence(node, what);
  if (node.size() == 0) r.fail(node, what + " is empty; list the statuses to cache, e.g. statuses: [200, 301, 404]");
  std::vector<int> statuses;
  for (size_t i = 0; i < node.size(); ++i) {
    const auto s = static_cast<int>(r.integer(node[i], what + "[" + std::to_string(i) + "]", 100, 599));
    if (std::find(statuses.begin(), statuses.end(), s) != statuses.end())
      r.fail(node[i], what + " lists " + std::to_string(s) + " twice; give each status once");
    statuses.push_back(s);
  }
  return statuses;
}

void read_stale(const YamlReader& r, const YAML::Node& node, const std::string& what, models::CacheConfig& c)
{
  r.require_map(node, what);
  r.check_keys(node, what, {"updating", "if_error", "background_update", "grace"});
  if (node["updating"]) c.stale_updating = r.boolean(node["updating"], what + ".updating");
  if (node["if_error"]) c.stale_if_error = r.boolean(node["if_error"], what + ".if_error");
  if (node["background_update"]) c.background_update = r.boolean(node["background_update"], what + ".background_update");
  // Varnish's default_grace; nginx has no limit of its own (until `inactive` removes the item).
  c.stale_grace = engine::seconds(10);
  if (node["grace"]) c.stale_grace = SimTime::from_ns(r.time_ns(node["grace"], what + ".grace", false));
  if (c.background_update && !c.stale_updating)
    r.fail(node["background_update"], what + ".background_update needs updating: true (as nginx's "
                                      "proxy_cache_background_update needs proxy_cache_use_stale updating): the "
                                      "stale copy is what is served while the update runs");
  if (c.background_update)
    r.fail(node["background_update"], what + ".background_update: true (a refresh in the background, nginx's "
                                      "proxy_cache_background_update) is not implemented yet; updating: true with "
                                      "lock: true serves the stale copy while one request refreshes it");
  if (!c.stale_updating && !c.stale_if_error)
    r.fail(node, what + " serves nothing stale: set updating: true (while a fill runs) and/or if_error: true (when "
                        "the upstream fails), or remove stale");
}

}  // namespace

models::CacheConfig read_cache(const YamlReader& r, const YAML::Node& node, const std::string& ctx,
                               const std::string& route_name, const std::vector<std::string>& route_methods,
                               const std::string& base_dir)
{
  r.require_map(node, ctx);
  r.check_keys(node, ctx, {"ttl", "ttl_reset_on_hit", "capacity", "key", "methods", "allow_unsafe", "statuses", "lock",
                           "lock_timeout", "stale", "hit_cost"});
  models::CacheConfig c;
  if (node["ttl"]) c.ttl = SimTime::from_ns(r.time_ns(node["ttl"], ctx + ".ttl", false));
  if (node["ttl_reset_on_hit"]) c.ttl_reset_on_hit = r.boolean(node["ttl_reset_on_hit"], ctx + ".ttl_reset_on_hit");
  if (node["capacity"]) read_capacity(r, node["capacity"], ctx + ".capacity", c);
  if (node["key"]) read_key(r, node["key"], ctx + ".key", c);

  const bool allow_unsafe = node["allow_unsafe"] && r.boolean(node["allow_unsafe"], ctx + ".allow_unsafe");
  if (node["methods"]) {
    c.methods = read_methods(r, node["methods"], ctx + ".methods", route_name, allow_unsafe);
  } else if (allow_unsafe && !route_methods.empty()) {
    c.methods = route_methods;  // "cache them anyway": the route's own methods
  }
  if (!route_methods.empty()) {
    std::vector<std::string> usable;
    for (const std::string& m : c.methods)
      if (contains(route_methods, m)) usable.push_back(m);
    if (usable.empty()) {
      const bool route_unsafe = std::none_of(route_methods.begin(), route_methods.end(), cacheable_by_default);
      if (!allow_unsafe && route_unsafe)
        r.fail(node, not_cacheable(route_name, "matches only", join(route_methods), route_methods.front()));
      r.fail(node["methods"] ? node["methods"] : node,
             "cache on route \"" + route_name + "\" caches " + join(c.methods) + " but the route matches only " +
                 join(route_methods) + "; list in methods the route's methods to cache");
    }
  }
  if (allow_unsafe && std::all_of(c.methods.begin(), c.methods.end(), cacheable_by_default))
    r.fail(node["allow_unsafe"], ctx + ".allow_unsafe: true has no effect: the cache stores only " + join(c.methods) +
                                     " responses; remove it, or list the method to cache in methods");

  if (node["statuses"]) c.statuses = read_statuses(r, node["statuses"], ctx + ".statuses");
  if (node["lock"]) c.lock = r.boolean(node["lock"], ctx + ".lock");
  if (node["lock_timeout"]) {
    if (!c.lock)
      r.fail(node["lock_timeout"], ctx + ".lock_timeout applies only with lock: true (requests wait for a fill only "
                                         "when the cache is locked); add lock: true or remove lock_timeout");
    c.lock_timeout = SimTime::from_ns(r.time_ns(node["lock_timeout"], ctx + ".lock_timeout", false));
  }
  if (node["stale"]) read_stale(r, node["stale"], ctx + ".stale", c);
  if (node["hit_cost"]) c.hit_cost = read_time_distribution(node["hit_cost"], ctx + ".hit_cost", r, base_dir);
  return c;
}

models::IdPopularity read_ids(const YamlReader& r, const YAML::Node& node, const std::string& ctx)
{
  r.require_map(node, ctx);
  r.check_keys(node, ctx, {"count", "popularity"});
  r.require_key(node, "count", ctx, "count: 10000");
  models::IdPopularity ids;
  ids.count = static_cast<uint32_t>(r.integer(node["count"], ctx + ".count", 1, 4'294'967'295));
  if (const YAML::Node p = node["popularity"]) {
    const std::string pctx = ctx + ".popularity";
    r.require_map(p, pctx);
    r.check_keys(p, pctx, {"distribution", "s"});
    r.require_key(p, "distribution", pctx, "distribution: zipf");
    const std::string d = r.one_of(p["distribution"], pctx + ".distribution", {"zipf", "uniform"});
    if (d == "zipf") {
      r.require_key(p, "s", pctx, "s: 0.9");
      ids.zipf_s = r.number(p["s"], pctx + ".s", 0, 100);
    } else if (p["s"]) {
      r.fail(p["s"], pctx + ".s is the Zipf exponent; a uniform popularity takes none (zipf with s: 0 is uniform too)");
    }
  }
  return ids;
}

}  // namespace lbsim::scenarios
