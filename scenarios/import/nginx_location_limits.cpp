// A location's limit_req and proxy_cache_valid, with what it inherits (nginx_gateway.cpp).
#include "scenarios/import/nginx_gateway_reader.hpp"

namespace lbsim::scenarios::nginx_gateway {

// limit_req zone=NAME [burst=N] [nodelay | delay=N]
void GatewayReader::limits(const Inherited& here, ImportedGateway::Route& route)
{
  int status = 503;
  if (const NginxDirective* s = here.limit_req_status) {
    if (s->words.size() != 2 || !all_digits(s->words.back().text, 3) || std::stoi(s->words.back().text) < 400 ||
        std::stoi(s->words.back().text) > 599)
      return add(s->words.back(), "limit_req_status needs a status from 400 to 599");
    status = std::stoi(s->words[1].text);
  }
  for (const NginxDirective* d : here.limit_req) {
    std::string zone_name, delay;
    int64_t burst = 0;
    bool ok = true;
    for (std::size_t i = 1; i < d->words.size(); ++i) {
      const NginxToken& w = d->words[i];
      const auto eq = w.text.find('=');
      const std::string key = w.text.substr(0, eq), value = eq == std::string::npos ? "" : w.text.substr(eq + 1);
      if (key == "zone" && !value.empty()) zone_name = value;
      else if (key == "burst" && all_digits(value, 9)) burst = std::stoll(value);
      else if (key == "delay" && all_digits(value, 9)) delay = value;
      else if (w.text == "nodelay") delay = "nodelay";
      else {
        add(w, "\"" + w.text + "\" is not a limit_req parameter; expected zone=NAME, burst=N, nodelay or delay=N");
        ok = false;
      }
    }
    if (!ok) continue;
    if (!zone_used_.count(zone_name)) {
      add(d->head(), "limit_req names no limit_req_zone \"" + zone_name + "\"");
      continue;
    }
    ImportedGateway::Limiter& l = limiter(zone_name);
    if (!zone_used_[zone_name]) {
      zone_used_[zone_name] = true;
      l.burst = burst;
      l.delay = delay;
      l.status = status;
      l.sources.push_back(source(*d));
      if (here.limit_req_status) l.sources.push_back(source(*here.limit_req_status));
    } else if (l.burst != burst || l.delay != delay || l.status != status) {
      add(d->head(), "zone \"" + zone_name + "\" is used with another burst, delay or limit_req_status than at " +
                         file_ + ":" + std::to_string(l.sources[1].line) + "; lbsim's limiter keeps one of each "
                         "(use a zone per setting)");
      continue;
    }
    route.limiters.push_back(zone_name);
    route.limit_sources.push_back(source(*d));
  }
}

// proxy_cache_valid [code ...] TIME, in effect only with a proxy_cache zone (nginx's rule).
void GatewayReader::cache(const Inherited& here, ImportedGateway::Route& route)
{
  const bool zone = here.proxy_cache && here.proxy_cache->words.size() == 2 && here.proxy_cache->words[1].text != "off";
  if (here.proxy_cache_valid.empty()) {
    if (zone)
      ignore(*here.proxy_cache, "no proxy_cache_valid for location " + route.path + ": nginx caches only what the "
                                "upstream's Cache-Control or Expires allows, which lbsim's services do not send");
    return;
  }
  if (!zone) {
    for (const NginxDirective* v : here.proxy_cache_valid)
      ignore(*v, "no proxy_cache zone in effect for location " + route.path + ": nginx caches nothing there");
    return;
  }
  ImportedGateway::Cache c;
  c.sources.push_back(source(*here.proxy_cache));
  for (const NginxDirective* v : here.proxy_cache_valid) {
    if (v->words.size() < 2) {
      add(v->head(), "proxy_cache_valid needs a time");
      return;
    }
    const std::string ttl = nginx_time(v->words.back().text);
    if (ttl.empty()) return add(v->words.back(), "\"" + v->words.back().text + "\" is not an nginx time (10m, 1h)");
    if (!c.ttl.empty() && c.ttl != ttl)
      return add(v->words.back(), "a second proxy_cache_valid time for location " + route.path + "; lbsim's cache "
                                  "has one ttl per route");
    c.ttl = ttl;
    std::vector<int> codes;
    for (std::size_t i = 1; i + 1 < v->words.size(); ++i) {
      const NginxToken& w = v->words[i];
      if (!all_digits(w.text, 3) || std::stoi(w.text) < 100)
        return add(w, "lbsim's cache lists its statuses; \"" + w.text + "\" is not a status code");
      codes.push_back(std::stoi(w.text));
    }
    if (codes.empty()) codes = {200, 301, 302};  // nginx's default when no code is given
    for (const int code : codes)
      if (std::find(c.statuses.begin(), c.statuses.end(), code) == c.statuses.end()) c.statuses.push_back(code);
    c.sources.push_back(source(*v));
  }
  if (const NginxDirective* lock = here.proxy_cache_lock) {
    c.lock = lock->words.size() == 2 && lock->words[1].text == "on";
    c.sources.push_back(source(*lock));
  }
  route.cache = c;
}
}  // namespace lbsim::scenarios::nginx_gateway
