// A HAProxy `backend` (or `listen`) section as a pool, HAProxy 2.6: `balance`, the servers with
// their weights and health checks, and `retries` with `option redispatch`; the `defaults` section
// before it applies first, as in HAProxy.
#include "scenarios/import/imported_pool.hpp"

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

namespace lbsim::scenarios {

namespace {

struct Word {
  std::string text;
  int column = 0;
};
struct Line {
  int number = 0;
  std::vector<Word> words;
  std::string text() const
  {
    std::string out;
    for (const Word& w : words) out += (out.empty() ? "" : " ") + w.text;
    return out;
  }
};

std::vector<Line> split_lines(const std::string& text)
{
  std::vector<Line> lines;
  std::istringstream in(text);
  std::string raw;
  int number = 0;
  while (std::getline(in, raw)) {
    ++number;
    Line line{number, {}};
    std::size_t i = 0;
    while (i < raw.size()) {
      if (raw[i] == '#') break;
      if (raw[i] == ' ' || raw[i] == '\t' || raw[i] == '\r') {
        ++i;
        continue;
      }
      Word w{{}, static_cast<int>(i) + 1};
      while (i < raw.size() && raw[i] != ' ' && raw[i] != '\t' && raw[i] != '\r') w.text += raw[i++];
      line.words.push_back(w);
    }
    if (!line.words.empty()) lines.push_back(line);
  }
  return lines;
}

bool is_section(const std::string& word)
{
  for (const char* s : {"global", "defaults", "frontend", "backend", "listen", "userlist", "peers", "resolvers",
                        "mailers", "program", "http-errors", "ring", "cache"})
    if (word == s) return true;
  return false;
}

bool is_count(const std::string& text)
{
  return !text.empty() && text.size() < 8 && text.find_first_not_of("0123456789") == std::string::npos;
}

// What a server line (or default-server) sets.
struct ServerSettings {
  int weight = 1;
  bool backup = false, disabled = false;
  bool check = false;
  std::string inter = "2000 ms";
  int rise = 2, fall = 3;
  uint64_t maxconn = 0;
  std::string slowstart;  // an lbsim time, empty: none
};

void read_server_settings(const Line& line, std::size_t first, ServerSettings& s, ImportProblems& problems)
{
  for (std::size_t k = first; k < line.words.size(); ++k) {
    const Word& p = line.words[k];
    const bool has_value = k + 1 < line.words.size();
    const std::string value = has_value ? line.words[k + 1].text : "";
    if (p.text == "check") {
      s.check = true;
    } else if ((p.text == "weight" || p.text == "rise" || p.text == "fall") && is_count(value)) {
      (p.text == "weight" ? s.weight : p.text == "rise" ? s.rise : s.fall) = std::stoi(value);
      ++k;
    } else if (p.text == "inter" && !haproxy_time(value).empty()) {
      s.inter = haproxy_time(value);
      ++k;
    } else if (p.text == "backup" || p.text == "no-backup") {
      s.backup = p.text == "backup";
    } else if (p.text == "disabled" || p.text == "enabled") {
      s.disabled = p.text == "disabled";
    } else if (p.text == "maxconn" && is_count(value)) {
      s.maxconn = std::stoull(value);  // 0: no limit, as in HAProxy
      ++k;
    } else if (p.text == "slowstart" && !haproxy_time(value).empty()) {
      s.slowstart = haproxy_time(value);
      ++k;
    } else {
      problems.add(line.number, p.column, "\"" + p.text + "\" is not a server keyword lbsim maps; expected weight N, "
                                          "check, inter TIME, rise N, fall N, maxconn N, slowstart TIME, backup or disabled");
    }
  }
}

}  // namespace

ImportedPool read_haproxy_backend(const std::string& text, const std::string& file, const std::string& name)
{
  ImportedPool pool;
  pool.file = file;
  pool.kind = "HAProxy backend";
  ImportProblems problems(file);

  // The chosen section's lines, after those of the last `defaults` before it.
  const std::vector<Line> lines = split_lines(text);
  std::vector<Line> defaults, section;
  std::vector<Line> current_defaults;
  std::vector<std::string> names;
  bool in_defaults = false, in_chosen = false, found = false;
  for (const Line& line : lines) {
    const std::string& head = line.words[0].text;
    if (is_section(head) && line.words[0].column == 1) {
      in_defaults = head == "defaults";
      if (in_defaults) current_defaults.clear();
      in_chosen = false;
      if ((head == "backend" || head == "listen") && line.words.size() >= 2) {
        names.push_back(line.words[1].text);
        if (!found && (name.empty() || line.words[1].text == name)) {
          found = in_chosen = true;
          pool.name = line.words[1].text;
          defaults = current_defaults;
        }
      }
      continue;
    }
    if (in_defaults) current_defaults.push_back(line);
    if (in_chosen) section.push_back(line);
  }
  check_section_choice(file, "backend", names, name, found, "no HAProxy backend or listen section in the file");

  ServerSettings defaults_for_servers;
  std::optional<std::pair<int, ConfigSource>> retries;
  bool redispatch = false;
  std::string check_timeout;
  // HAProxy's `timeout queue`, which defaults to `timeout connect` (proxy.c).
  std::optional<std::pair<std::string, ConfigSource>> queue_timeout, connect_timeout;
  bool algorithm_set = false;
  std::pair<std::string, ConfigSource> hash_type{"map-based", {}};
  std::vector<std::pair<ServerSettings, ImportedServer>> servers;
  std::vector<Line> all = defaults;
  all.insert(all.end(), section.begin(), section.end());
  for (const Line& line : all) {
    const Word& head = line.words[0];
    const ConfigSource source{line.number, line.text()};
    const std::string arg = line.words.size() >= 2 ? line.words[1].text : "";
    auto ignore = [&](const std::string& why) {
      pool.ignored.push_back(source);
      pool.ignored_why.push_back(why);
    };
    if (head.text == "balance") {
      algorithm_set = true;
      pool.algorithm_source = source;
      pool.options.clear();
      if (line.words.size() > 2) {
        problems.add(line.number, line.words[2].column, "balance " + arg + " with arguments is not modelled");
      } else if (arg == "roundrobin") {
        pool.algorithm = "weighted_round_robin";
        pool.options.push_back({"variant", "fwrr", source});
      } else if (arg == "static-rr") {
        pool.algorithm = "weighted_round_robin";
        pool.options.push_back({"variant", "classic", source});
      } else if (arg == "leastconn") {
        pool.algorithm = "weighted_least_connections";
      } else if (arg == "first") {
        pool.algorithm = "first";
      } else if (arg == "source" || arg == "uri") {
        pool.algorithm = "haproxy_hash";
        pool.options.push_back({"hash_key", arg == "source" ? "client" : "path", source});
      } else {
        problems.add(line.number, line.words.size() >= 2 ? line.words[1].column : head.column,
                     "balance \"" + arg + "\" is not modelled; lbsim maps roundrobin, static-rr, leastconn, first, source "
                     "and uri");
      }
    } else if (head.text == "hash-type") {
      // Without a function, map-based hashes with sdbm, consistent with sdbm and the avalanche.
      const std::string function = line.words.size() >= 3 ? line.words[2].text : "";
      const std::string modifier = line.words.size() >= 4 ? line.words[3].text : "";
      const bool as_default = (arg == "map-based" && (function.empty() || (function == "sdbm" && modifier.empty()))) ||
                              (arg == "consistent" && (function.empty() || (function == "sdbm" && modifier == "avalanche")));
      if (as_default && line.words.size() <= 4) hash_type = {arg, source};
      else
        problems.add(line.number, head.column, "\"" + line.text() + "\" is not modelled; lbsim has hash-type "
                                               "map-based and consistent with their default functions");
    } else if (head.text == "server" && line.words.size() >= 3) {
      ServerSettings settings = defaults_for_servers;
      read_server_settings(line, 3, settings, problems);
      servers.push_back({settings, ImportedServer{line.words[1].text, settings.weight, settings.backup,
                                                  settings.disabled, source, settings.maxconn, settings.slowstart}});
    } else if (head.text == "default-server") {
      read_server_settings(line, 1, defaults_for_servers, problems);
    } else if (head.text == "retries" && is_count(arg)) {
      retries = std::pair{std::stoi(arg), source};
    } else if (head.text == "option" && arg == "redispatch") {
      redispatch = true;
    } else if (head.text == "option" && arg == "allbackups" && line.words.size() == 2) {
      pool.all_backups = source;
    } else if (head.text == "no" && arg == "option" && line.words.size() == 3 && line.words[2].text == "allbackups") {
      pool.all_backups.reset();
    } else if (head.text == "timeout" && arg == "check" && line.words.size() == 3 && !haproxy_time(line.words[2].text).empty()) {
      check_timeout = haproxy_time(line.words[2].text);
    } else if (head.text == "timeout" && (arg == "queue" || arg == "connect") && line.words.size() == 3 &&
               !haproxy_time(line.words[2].text).empty()) {
      // Listed as not modelled until a server's maxconn makes one the queue's timeout (below).
      (arg == "queue" ? queue_timeout : connect_timeout) = std::pair{haproxy_time(line.words[2].text), source};
      ignore(arg == "queue" ? "no server has maxconn, so nothing waits in the backend queue"
                            : "client and server timeouts are not modelled here");
    } else if (head.text == "mode" || head.text == "log" || head.text == "timeout" || head.text == "maxconn" ||
               (head.text == "option" && (arg == "httplog" || arg == "tcplog" || arg == "dontlognull" ||
                                          arg == "forwardfor" || arg == "http-server-close" || arg == "httpchk" ||
                                          arg == "http-keep-alive" || arg == "httpclose")) ||
               head.text == "http-check") {
      ignore(head.text == "timeout" ? "client and server timeouts are not modelled here"
             : head.text == "maxconn" ? "a limit of the frontends; a balancer's max_connections is set by hand"
                                      : "logging and protocol details do not change the picks");
    } else {
      problems.add(line.number, head.column, "\"" + head.text + "\" cannot be mapped to lbsim; it maps balance, "
                                             "hash-type, server, default-server, retries, option redispatch, "
                                             "option allbackups");
    }
  }
  if (!algorithm_set) {
    pool.algorithm = "weighted_round_robin";  // HAProxy's default: balance roundrobin
    pool.algorithm_source = {section.empty() ? 1 : section.front().number, "(HAProxy's default: balance roundrobin)"};
    pool.options = {{"variant", "fwrr", pool.algorithm_source}};
  }
  if (pool.algorithm == "haproxy_hash" && hash_type.first == "consistent") pool.options.push_back({"hash_type", "consistent", hash_type.second});
  if (servers.empty()) problems.add(1, 1, "the backend \"" + pool.name + "\" has no server");

  // Health checks are the balancer's in lbsim: one setting for every server, all checked or none.
  int checked = 0;
  for (const auto& [settings, server] : servers) checked += settings.check;
  for (const auto& [settings, server] : servers) {
    const ServerSettings& first = servers.front().first;
    if (checked != 0 && checked != static_cast<int>(servers.size()) && !settings.check)
      problems.add(server.source.line, 1, "server \"" + server.name + "\" has no check while others do; lbsim's "
                                          "health checks are one setting for the whole pool");
    else if (settings.check && (settings.inter != first.inter || settings.rise != first.rise || settings.fall != first.fall))
      problems.add(server.source.line, 1, "inter/rise/fall differ from the first server's; lbsim's health checks "
                                          "are one setting for the whole pool");
    pool.servers.push_back(server);
  }
  // slowstart ramps the weight of HAProxy's dynamic algorithms (roundrobin, leastconn); with the
  // others it ramps only maxconn, which lbsim does not model.
  const bool ramps = pool.algorithm == "weighted_least_connections" ||
                     (pool.algorithm == "weighted_round_robin" &&
                      std::none_of(pool.options.begin(), pool.options.end(), [](const auto& o) { return o.value == "classic"; }));
  for (ImportedServer& s : pool.servers) {
    if (s.slow_start.empty() || ramps) continue;
    s.slow_start.clear();
    pool.ignored.push_back(s.source);
    pool.ignored_why.push_back("slowstart: with this balance algorithm HAProxy ramps only the server's maxconn, which "
                               "lbsim does not model");
  }
  if (checked > 0) {
    const ServerSettings& s = servers.front().first;
    pool.health_check = ImportedPool::HealthCheck{s.inter, check_timeout.empty() ? s.inter : check_timeout, s.rise,
                                                  s.fall, servers.front().second.source};
  } else if (!servers.empty()) {
    pool.passive_off = true;  // HAProxy marks no server down without checks
    pool.passive_off_source = {servers.front().second.source.line, "(no check: HAProxy marks no server down)"};
  }
  const bool limited = std::any_of(servers.begin(), servers.end(), [](const auto& s) { return s.first.maxconn > 0; });
  if (limited) pool.queue_timeout = queue_timeout ? queue_timeout : connect_timeout;
  for (std::size_t i = 0; pool.queue_timeout && i < pool.ignored.size(); ++i) {
    if (pool.ignored[i].line != pool.queue_timeout->second.line) continue;
    pool.ignored.erase(pool.ignored.begin() + static_cast<std::ptrdiff_t>(i));
    pool.ignored_why.erase(pool.ignored_why.begin() + static_cast<std::ptrdiff_t>(i));
    break;
  }
  if (retries && redispatch) pool.retries = retries;
  if (retries && !redispatch && retries->first > 0) {
    pool.ignored.push_back(retries->second);
    pool.ignored_why.push_back("without option redispatch HAProxy retries the same server, which lbsim does not model");
  }
  problems.throw_if_any();
  return pool;
}

}  // namespace lbsim::scenarios
