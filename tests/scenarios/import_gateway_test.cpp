// `lbsim import` of an nginx configuration with locations (scenarios/import/nginx_gateway.cpp):
// each location a gateway route, each upstream a service, limit_req_zone a leaky_bucket and
// proxy_cache_valid a route's cache. Checked against nginx's documentation (ngx_http_core_module
// `location`, ngx_http_limit_req_module, ngx_http_proxy_module `proxy_cache_valid`): the loaded
// scenario must route and limit as nginx does.
#include "scenarios/format/loader.hpp"
#include "scenarios/import/config_import.hpp"
#include "scenarios/import/imported_pool.hpp"
#include "tests/support/run_command.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace lbsim;
using Catch::Matchers::Contains;

namespace {

std::string scratch_file(const std::string& name, const std::string& text)
{
  const auto path = std::filesystem::temp_directory_path() / ("lbsim-import-gateway-test-" + name);
  std::ofstream(path) << text;
  return path.string();
}

std::string import_errors(const std::string& name, const std::string& text)
{
  try {
    scenarios::import_balancer_config(scratch_file(name, text), "");
  } catch (const scenarios::ImportError& e) {
    return e.what();
  }
  return "(no error)";
}

// The imported scenario with its example mix replaced by GET requests to `paths`.
models::SystemConfig load_with_paths(const std::string& yaml, const std::vector<std::string>& paths)
{
  const auto mix = yaml.find("    mix:\n"), services = yaml.find("services:\n");
  REQUIRE(mix != std::string::npos);
  REQUIRE(services != std::string::npos);
  std::string requests = "    mix:\n";
  for (const std::string& p : paths) requests += "      - { method: GET, path: \"" + p + "\", work: 1 ms }\n";
  return scenarios::load_scenario_text(yaml.substr(0, mix) + requests + yaml.substr(services), "imported.yaml", ".");
}

// The service that the route matched by each request type of the only client group sends to.
std::vector<std::string> routed_services(const models::SystemConfig& scenario)
{
  std::vector<std::string> out;
  for (const models::RequestType& t : scenario.clients.front().mix)
    out.push_back(t.route < 0 ? "(404)" : scenario.gateway->routes[static_cast<std::size_t>(t.route)].service);
  return out;
}

}  // namespace

TEST_CASE("nginx locations import as routes that match as nginx matches", "[import][gateway]")
{
  // The example of nginx's `location` documentation, configurations A to D as upstreams a to d
  // (its regex location E is refused below): "/" -> A, "/index.html" -> B,
  // "/documents/document.html" -> C, "/images/1.gif" -> D. In file order, lbsim's first match
  // would send /documents/ and /images/ to B.
  const std::string config =
      "upstream a { server 10.0.0.1; }\nupstream b { server 10.0.0.2; }\nupstream c { server 10.0.0.3; }\n"
      "upstream d { server 10.0.0.4; }\nserver {\n"
      "    location = / { proxy_pass http://a; }\n"
      "    location / { proxy_pass http://b; }\n"
      "    location /documents/ { proxy_pass http://c; }\n"
      "    location ^~ /images/ { proxy_pass http://d; }\n}\n";
  const std::string yaml = scenarios::import_balancer_config(scratch_file("nginx-docs.conf", config), "");
  const models::SystemConfig scenario =
      load_with_paths(yaml, {"/", "/index.html", "/documents/document.html", "/images/1.gif"});
  CHECK(routed_services(scenario) == std::vector<std::string>{"a", "b", "c", "d"});
  REQUIRE(scenario.services.size() == 4);
  CHECK(scenario.services[2].name == "c");
  CHECK(scenario.services[2].servers.front().name == "10.0.0.3");
  CHECK_THAT(yaml, Contains("longest") && Contains("nginx-docs.conf:8 location /documents/ {"));
  // The scenario as written (its own example mix) loads.
  CHECK_NOTHROW(scenarios::load_scenario_text(yaml, "imported.yaml", "."));
  // The regex location is an error at its modifier.
  CHECK_THAT(import_errors("nginx-regex.conf", config + "location ~* \\.(gif|jpg|jpeg)$ { proxy_pass http://a; }\n"),
             Contains("nginx-regex.conf:11:10: error: regular expression locations (~*) cannot be mapped"));
}

TEST_CASE("nginx limit_req imports as a leaky_bucket limiter on the routes that use it", "[import][gateway]")
{
  // ngx_http_limit_req_module's examples: rate=1r/s with burst=5 (delay 0: every excess request
  // waits), rate=30r/m is one request every 2 s (500 milli-requests per second), 503 by default.
  const std::string config =
      "http {\n  limit_req_zone $binary_remote_addr zone=one:10m rate=1r/s;\n"
      "  limit_req_zone $binary_remote_addr zone=slow:10m rate=30r/m;\n  limit_req zone=slow;\n"
      "  upstream api { server 10.0.0.1; }\n  upstream web { server 10.0.0.2; }\n  server {\n"
      "    location /search/ { proxy_pass http://api; limit_req zone=one burst=5; }\n"
      "    location /login { proxy_pass http://api; limit_req zone=one burst=5; limit_req_status 429; }\n"
      "    location / { proxy_pass http://web; }\n  }\n}\n";
  // /login's limit_req_status differs from /search/'s for the same zone: lbsim keeps one per limiter.
  CHECK_THAT(import_errors("nginx-limit-status.conf", config),
             Contains("nginx-limit-status.conf:9:46: error: zone \"one\" is used with another burst, delay or "
                      "limit_req_status than at "));
  std::string same = config;
  same.replace(same.find(" limit_req_status 429;"), 22, "");
  same.replace(same.find("burst=5; }"), 10, "burst=5 nodelay; }");
  CHECK_THAT(import_errors("nginx-limit-delay.conf", same), Contains("nginx-limit-delay.conf:9:46: error: zone \"one\""));
  same.replace(same.find("burst=5 nodelay; }"), 18, "burst=5; }");
  const models::SystemConfig scenario =
      scenarios::load_scenario_text(scenarios::import_balancer_config(scratch_file("nginx-limit2.conf", same), ""),
                                    "imported.yaml", ".");
  const auto& limits = scenario.gateway->rate_limits;
  REQUIRE(limits.size() == 2);
  CHECK(limits[0].name == "one");
  CHECK(limits[0].rate_milli == 1000);
  CHECK(limits[0].burst == 5);
  CHECK(limits[0].delay == 0);
  CHECK_FALSE(limits[0].nodelay);
  CHECK(limits[0].status == 503);
  CHECK(limits[0].key == models::RateLimitConfig::Key::ip);
  CHECK(limits[1].rate_milli == 500);
  CHECK(limits[1].burst == 0);
  // Each location's own limit_req replaces the http level's; `location /` inherits zone=slow.
  std::vector<std::vector<std::string>> applied;
  for (const auto& route : scenario.gateway->routes) {
    REQUIRE(route.rate_limits);
    std::vector<std::string> names;
    for (const uint32_t i : *route.rate_limits) names.push_back(limits[i].name);
    applied.push_back(names);
  }
  CHECK(applied == std::vector<std::vector<std::string>>{{"one"}, {"one"}, {"slow"}});
  // Other keys, rates and zones are errors where they stand.
  CHECK_THAT(import_errors("nginx-limit-bad.conf",
                           "limit_req_zone $http_x_api_key zone=k:1m rate=1.5r/s;\nupstream a { server 10.0.0.1; }\n"
                           "location /a { proxy_pass http://a; limit_req zone=nope; }\n"
                           "location /b { proxy_pass http://a; limit_req zone=k brust=3; }\n"),
             Contains("nginx-limit-bad.conf:1:16: error: lbsim's leaky_bucket limits per client address") &&
                 Contains("nginx-limit-bad.conf:1:42: error: \"rate=1.5r/s\" is not") &&
                 Contains("nginx-limit-bad.conf:3:36: error: limit_req names no limit_req_zone \"nope\"") &&
                 Contains("nginx-limit-bad.conf:4:53: error: \"brust=3\" is not a limit_req parameter"));
}

TEST_CASE("nginx proxy_cache_valid imports as the route's cache, with a proxy_cache zone", "[import][gateway]")
{
  const std::string head = "upstream a { server 10.0.0.1; }\nproxy_cache_path /tmp keys_zone=z:10m;\n";
  // nginx: "If only caching time is specified ... then only 200, 301, and 302 responses are cached".
  const std::string yaml = scenarios::import_balancer_config(
      scratch_file("nginx-cache.conf", head + "location /p { proxy_pass http://a; proxy_cache z; proxy_cache_valid 5m; }\n"
                                              "location /q { proxy_pass http://a; proxy_cache z;\n"
                                              "  proxy_cache_valid 200 302 10m; proxy_cache_valid 404 10m; }\n"
                                              "location /r { proxy_pass http://a; proxy_cache_valid 200 1m; }\n"),
      "");
  const models::SystemConfig scenario = scenarios::load_scenario_text(yaml, "imported.yaml", ".");
  const auto& routes = scenario.gateway->routes;
  REQUIRE(routes.size() == 3);
  REQUIRE(routes[0].cache);
  CHECK(routes[0].cache->ttl == engine::minutes(5));
  CHECK(routes[0].cache->statuses == std::vector<int>{200, 301, 302});
  REQUIRE(routes[1].cache);
  CHECK(routes[1].cache->ttl == engine::minutes(10));
  CHECK(routes[1].cache->statuses == std::vector<int>{200, 302, 404});
  // Without a proxy_cache zone nginx caches nothing: listed as not modelled, no cache.
  CHECK_FALSE(routes[2].cache);
  CHECK_THAT(yaml, Contains("# not modelled: ") && Contains("nginx-cache.conf:6 proxy_cache_valid 200 1m;"));
  CHECK_THAT(import_errors("nginx-cache-bad.conf",
                           head + "location /p { proxy_pass http://a; proxy_cache z;\n"
                                  "  proxy_cache_valid 200 302 10m;\n  proxy_cache_valid 404 1m; }\n"
                                  "location /q { proxy_pass http://a; proxy_cache z; proxy_cache_valid any 1m; }\n"),
             Contains("nginx-cache-bad.conf:5:25: error: a second proxy_cache_valid time") &&
                 Contains("nginx-cache-bad.conf:6:69: error: lbsim's cache lists its statuses; \"any\""));
}

TEST_CASE("nginx gateway import: proxy_pass, unmappable location directives and the command", "[import][gateway][cli]")
{
  CHECK_THAT(import_errors("nginx-pass.conf", "upstream a { server 10.0.0.1; }\n"
                                              "location /x { proxy_pass http://10.0.0.9:80; }\n"
                                              "location /y { return 200; }\n"
                                              "location /z { proxy_pass http://a; gzip on; }\n"
                                              "location @fallback { proxy_pass http://a; }\n"),
             Contains("nginx-pass.conf:2:26: error: proxy_pass must name an upstream of this file") &&
                 Contains("nginx-pass.conf:3:15: error: \"return\" answers at nginx itself") &&
                 Contains("nginx-pass.conf:3:1: error: location /y has no proxy_pass") &&
                 Contains("nginx-pass.conf:4:36: error: \"gzip\" cannot be mapped") &&
                 Contains("nginx-pass.conf:5:10: error: named locations (@fallback)"));
  // A single upstream behind `location /` imports as the upstream alone, as before.
  CHECK_THAT(scenarios::import_balancer_config(
                 scratch_file("nginx-plain.conf", "upstream a { server 10.0.0.1; }\nserver { location / { proxy_pass http://a; } }\n"),
                 ""),
             Contains("\nbalancer:\n") && !Contains("gateway:"));
  // The example imports, and the scenario it writes passes `lbsim check`.
  const std::string example = LBSIM_SOURCE_DIR "/examples/imports/nginx-gateway.conf";
  const auto out = std::filesystem::temp_directory_path() / "lbsim-import-gateway-test-out.yaml";
  std::filesystem::remove(out);
  CHECK(test::run_command(std::string(LBSIM_BINARY) + " import " + example + " --out " + out.string() + " 2>&1").first == 0);
  const auto [status, checked] = test::run_command(std::string(LBSIM_BINARY) + " check " + out.string() + " 2>&1");
  CHECK(status == 0);
  INFO(checked);
  std::filesystem::remove(out);
}
