// nginx's locations, limit_req and proxy_cache as lbsim's gateway (nginx 1.22): a location is a
// route, proxy_pass names its service (an upstream), limit_req_zone a leaky_bucket limiter, and
// proxy_cache_valid the route's cache. limit_req, limit_req_status and the proxy_cache directives
// are inherited from http and server into the locations that set none, as nginx merges them.
#include "scenarios/import/nginx_gateway_reader.hpp"

#include <cctype>
#include <regex>
#include <sstream>

namespace lbsim::scenarios {

namespace nginx_gateway {

const std::map<std::string, std::string>& not_modelled()
{
  static const std::map<std::string, std::string> why = {
      {"worker_processes", "nginx's own processes: the gateway's workers are lbsim's (an upstream without a zone "
                           "gets worker_processes in its service's balancer)"},
      {"events", "nginx's own connections"},
      {"user", "not a routing directive"},
      {"pid", "not a routing directive"},
      {"error_log", "logging does not change the routes"},
      {"access_log", "logging does not change the routes"},
      {"log_format", "logging does not change the routes"},
      {"listen", "the gateway takes every client's requests"},
      {"server_name", "lbsim's gateway is one virtual server"},
      {"sendfile", "protocol details do not change the routes"},
      {"keepalive_timeout", "idle client connections are not modelled"},
      {"proxy_set_header", "header rewriting is not imported (request_headers_add counts bytes)"},
      {"proxy_http_version", "protocol details do not change the routes"},
      {"proxy_buffering", "protocol details do not change the routes"},
      {"add_header", "header rewriting is not imported"},
      {"proxy_connect_timeout", "nginx's per-read timeouts are not lbsim's route timeout"},
      {"proxy_read_timeout", "nginx's per-read timeouts are not lbsim's route timeout"},
      {"proxy_send_timeout", "nginx's per-read timeouts are not lbsim's route timeout"},
      {"proxy_cache_path", "the cache's size is not imported: lbsim's cache here has no capacity limit"},
  };
  return why;
}

static std::string route_name(const std::string& path, const std::set<std::string>& taken)
{
  std::string name;
  for (const char c : path) {
    const bool word = std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    if (word) name += c;
    else if (!name.empty() && name.back() != '-') name += '-';
  }
  while (!name.empty() && name.back() == '-') name.pop_back();
  if (name.empty()) name = "root";
  std::string unique = name;
  for (int n = 2; taken.count(unique); ++n) unique = name + "-" + std::to_string(n);
  return unique;
}

void GatewayReader::location(const NginxDirective& d, const Inherited& outer)
{
  const NginxToken& head = d.head();
  if (d.words.size() < 2 || d.words.size() > 3) return add(head, "location needs [=|^~] PATH {");
  const NginxToken& modifier = d.words[1];
  const NginxToken& path = d.words.back();
  if (d.words.size() == 3 && (modifier.text == "~" || modifier.text == "~*"))
    return add(modifier, "regular expression locations (" + modifier.text + ") cannot be mapped: lbsim's routes "
                         "match an exact path or a prefix; write them as location = PATH or location PATH");
  if (d.words.size() == 3 && modifier.text != "=" && modifier.text != "^~")
    return add(modifier, "\"" + modifier.text + "\" is not a location modifier lbsim maps; expected = or ^~");
  if (path.text.rfind('@', 0) == 0)
    return add(path, "named locations (" + path.text + ") are reached by error_page or try_files, which lbsim "
                     "does not model");
  if (path.text.empty() || path.text[0] != '/') return add(path, "a location path must start with \"/\", got \"" + path.text + "\"");
  ImportedGateway::Route route;
  route.exact = d.words.size() == 3 && modifier.text == "=";
  route.path = path.text;
  route.location = source(d);
  if (!locations_.insert({route.exact, route.path}).second)
    return add(head, "duplicate location \"" + path.text + "\"; nginx refuses it");
  Inherited here = outer;
  merge(d.block, here);
  const NginxDirective* pass = nullptr;
  for (const NginxDirective& inner : d.block) {
    const std::string& h = inner.head().text;
    if (h == "proxy_pass") {
      pass = &inner;
    } else if (h == "limit_req" || h == "limit_req_status" || h == "proxy_cache" || h == "proxy_cache_valid" ||
               h == "proxy_cache_lock") {
      // merged above
    } else if (h == "location") {
      add(inner.head(), "nested locations cannot be mapped; lbsim's routes are one list");
    } else if (h == "return" || h == "root" || h == "alias" || h == "try_files") {
      add(inner.head(), "\"" + h + "\" answers at nginx itself; lbsim's gateway routes only to services "
                        "(proxy_pass http://UPSTREAM); --name UPSTREAM imports one upstream alone");
    } else {
      other(inner);
    }
  }
  if (!pass) return add(head, "location " + path.text + " has no proxy_pass http://UPSTREAM; each lbsim route "
                              "sends to a service (--name UPSTREAM imports one upstream alone)");
  static const std::regex pass_re(R"(http://([^/:]+)(/.*)?)");
  std::smatch m;
  const NginxToken& target = pass->words.size() == 2 ? pass->words[1] : pass->head();
  if (pass->words.size() != 2 || !std::regex_match(target.text, m, pass_re) || !upstreams_.count(m[1].str()))
    return add(target, "proxy_pass must name an upstream of this file (http://NAME); \"" +
                           (pass->words.size() == 2 ? target.text : std::string()) + "\" is none");
  route.service = m[1];
  route.rewrite_prefix = m[2];
  route.proxy_pass = source(*pass);
  limits(here, route);
  cache(here, route);
  std::set<std::string> taken;
  for (const auto& r : gw_.routes) taken.insert(r.name);
  route.name = route_name(route.path, taken);
  gw_.routes.push_back(std::move(route));
}

// `level`: 0 the file, 1 http, 2 server (the wrappers are optional, so the file may hold any).
void GatewayReader::context(const std::vector<NginxDirective>& block, int level, Inherited inherited)
{
  Inherited here = inherited;
  merge(block, here);
  for (const NginxDirective& d : block) {
    const std::string& h = d.head().text;
    if (h == "http" && d.has_block && level == 0) {
      context(d.block, 1, here);
    } else if (h == "server" && d.has_block && level <= 1) {
      if (server_seen_) problems_.add(d.head().line, d.head().column, "a second server block; lbsim's gateway "
                                                                      "is one virtual server (import one at a time)");
      server_seen_ = true;
      context(d.block, 2, here);
    } else if (h == "location" && d.has_block) {
      location(d, here);
    } else if (h == "upstream" && d.has_block) {
      // read by the upstream import
    } else if (h == "limit_req_zone") {
      zone(d);
    } else if (h == "limit_req" || h == "limit_req_status" || h == "proxy_cache" || h == "proxy_cache_valid" ||
               h == "proxy_cache_lock") {
      // merged above
    } else if (h == "server_name" && d.words.size() >= 2) {
      gw_.name = d.words[1].text;
      ignore(d);
    } else {
      other(d);
    }
  }
}

void GatewayReader::finish()
{
  // nginx matches `=` locations first, then the longest prefix; lbsim's first match in file
  // order gives the same with the exact paths first and the longer prefixes before shorter ones.
  std::stable_sort(gw_.routes.begin(), gw_.routes.end(), [](const auto& a, const auto& b) {
    if (a.exact != b.exact) return a.exact;
    return !a.exact && a.path.size() > b.path.size();
  });
  for (const auto& [name, used] : zone_used_)
    if (!used) {
      const auto& l = limiter(name);
      gw_.ignored.push_back(l.sources.front());
      gw_.ignored_why.push_back("no limit_req uses it");
    }
  gw_.limiters.erase(std::remove_if(gw_.limiters.begin(), gw_.limiters.end(),
                                    [&](const auto& l) { return !zone_used_[l.name]; }),
                     gw_.limiters.end());
}

// limit_req_zone $binary_remote_addr zone=NAME:SIZE rate=Nr/s|Nr/m
void GatewayReader::zone(const NginxDirective& d)
{
  static const std::regex zone_re(R"(zone=([^:]+):\S+)"), rate_re(R"(rate=(\d{1,9})r/([sm]))");
  std::smatch m;
  const std::size_t problems_before = errors_;
  if (d.words.size() < 4) return add(d.head(), "limit_req_zone needs a key, zone=NAME:SIZE and rate=Nr/s");
  const NginxToken& key = d.words[1];
  if (key.text != "$binary_remote_addr" && key.text != "$remote_addr")
    add(key, "lbsim's leaky_bucket limits per client address ($binary_remote_addr or $remote_addr, key: ip), "
             "not \"" + key.text + "\"");
  std::string name, rate;
  for (std::size_t i = 2; i < d.words.size(); ++i) {
    const NginxToken& w = d.words[i];
    if (std::regex_match(w.text, m, zone_re)) {
      name = m[1];
    } else if (std::regex_match(w.text, m, rate_re)) {
      rate = m[1].str() + (m[2] == "s" ? "/s" : "/min");
    } else {
      add(w, "\"" + w.text + "\" is not zone=NAME:SIZE or rate=Nr/s|Nr/m (whole requests)");
    }
  }
  if (errors_ == problems_before && (name.empty() || rate.empty())) add(d.head(), "limit_req_zone needs zone=NAME:SIZE and rate=Nr/s or Nr/m");
  if (zone_used_.count(name)) add(d.head(), "a second limit_req_zone \"" + name + "\"; nginx refuses it");
  if (errors_ != problems_before) return;
  zone_used_[name] = false;
  gw_.limiters.push_back({name, rate, 0, "", 503, {source(d)}});
}

}  // namespace nginx_gateway

namespace {

using namespace nginx_gateway;

void collect_upstreams(const std::vector<NginxDirective>& block, std::vector<std::string>& names)
{
  for (const NginxDirective& d : block) {
    if (d.head().text == "upstream" && d.has_block && d.words.size() == 2) names.push_back(d.words[1].text);
    else if (d.has_block && (d.head().text == "http" || d.head().text == "server")) collect_upstreams(d.block, names);
  }
}

void count(const std::vector<NginxDirective>& block, int& locations, bool& limits_or_cache,
           const NginxDirective*& first_location)
{
  for (const NginxDirective& d : block) {
    const std::string& h = d.head().text;
    if (h == "location") {
      ++locations;
      if (!first_location) first_location = &d;
    }
    if (h == "limit_req_zone" || h == "limit_req" || h == "proxy_cache" || h == "proxy_cache_valid")
      limits_or_cache = true;
    if (d.has_block) count(d.block, locations, limits_or_cache, first_location);
  }
}

}  // namespace

bool nginx_config_is_gateway(const std::string& text)
{
  std::vector<std::pair<NginxToken, std::string>> bad;
  const std::vector<NginxDirective> tree = parse_nginx(tokenize_nginx(text), bad);
  std::vector<std::string> upstreams;
  collect_upstreams(tree, upstreams);
  int locations = 0;
  bool limits_or_cache = false;
  const NginxDirective* first = nullptr;
  count(tree, locations, limits_or_cache, first);
  if (locations == 0) return false;
  const bool plain = locations == 1 && upstreams.size() == 1 && !limits_or_cache && first->words.size() == 2 &&
                     first->words[1].text == "/" && first->block.size() == 1 &&
                     first->block[0].head().text == "proxy_pass";
  return !plain;
}

ImportedGateway read_nginx_gateway(const std::string& text, const std::string& file)
{
  ImportedGateway gw;
  gw.file = file;
  ImportProblems problems(file);
  std::vector<std::pair<NginxToken, std::string>> bad;
  const std::vector<NginxDirective> tree = parse_nginx(tokenize_nginx(text), bad);
  for (const auto& [token, message] : bad) problems.add(token.line, token.column, message);
  std::vector<std::string> names;
  collect_upstreams(tree, names);
  std::vector<std::string> errors;
  std::map<std::string, std::string> server_owner;  // lbsim's server names are unique across services
  for (const std::string& name : names) {
    try {
      ImportedPool pool = read_nginx_upstream(text, file, name);
      for (const ImportedServer& s : pool.servers)
        if (!server_owner.emplace(s.name, name).second)
          problems.add(s.source.line, 1, "server " + s.name + " is also in upstream \"" + server_owner[s.name] +
                                             "\"; lbsim's server names are unique across services");
      gw.services.push_back(std::move(pool));
    } catch (const ImportError& e) {
      errors.insert(errors.end(), e.errors().begin(), e.errors().end());
    }
  }
  const std::set<std::string> upstreams(names.begin(), names.end());
  GatewayReader reader(file, problems, gw, upstreams);
  reader.context(tree, 0, {});
  reader.finish();
  try {
    problems.throw_if_any();
  } catch (const ImportError& e) {
    errors.insert(errors.end(), e.errors().begin(), e.errors().end());
  }
  // In file order: line, then column.
  const auto position = [&](const std::string& e) {
    std::istringstream at(e.substr(file.size() + 1));
    int line = 0, column = 0;
    char colon = 0;
    at >> line >> colon >> column;
    return std::pair(line, column);
  };
  std::stable_sort(errors.begin(), errors.end(),
                   [&](const std::string& a, const std::string& b) { return position(a) < position(b); });
  if (!errors.empty()) throw ImportError(errors);
  if (gw.routes.empty()) throw ImportError({file + ": error: no location with proxy_pass http://UPSTREAM"});
  return gw;
}

}  // namespace lbsim::scenarios
