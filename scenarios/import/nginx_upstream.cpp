// An nginx `upstream` block as a pool (ngx_http_upstream_module and its balancing modules, nginx
// 1.22): the balancing directive, the servers with their weights, and passive detection.
#include "scenarios/import/imported_pool.hpp"
#include "scenarios/import/nginx_syntax.hpp"

#include <cctype>
#include <string>
#include <vector>

namespace lbsim::scenarios {

namespace {

struct Statement {
  std::vector<NginxToken> words;
  std::string text() const
  {
    std::string out;
    for (const NginxToken& w : words) out += (out.empty() ? "" : " ") + w.text;
    return out + ";";
  }
};

// The statements of `upstream NAME { ... }` (NAME empty: the only upstream of the file).
std::vector<Statement> upstream_block(const std::vector<NginxToken>& tokens, const std::string& file,
                                      const std::string& name, std::string& found_name)
{
  std::vector<std::string> names;
  std::vector<Statement> chosen;
  bool have = false;
  for (std::size_t i = 0; i + 2 < tokens.size(); ++i) {
    if (tokens[i].text != "upstream" || tokens[i + 2].text != "{") continue;
    names.push_back(tokens[i + 1].text);
    if (have || (!name.empty() && tokens[i + 1].text != name)) continue;
    have = true;
    found_name = tokens[i + 1].text;
    Statement current;
    for (std::size_t j = i + 3; j < tokens.size(); ++j) {
      if (tokens[j].text == "}") break;
      if (tokens[j].text == ";") {
        if (!current.words.empty()) chosen.push_back(current);
        current = {};
      } else {
        current.words.push_back(tokens[j]);
      }
    }
  }
  check_section_choice(file, "upstream", names, name, have,
                       "no nginx upstream block (upstream NAME { server ...; }) in the file");
  return chosen;
}

// `worker_processes N;` in the main context (outside every block), if the file has it.
std::optional<Statement> main_worker_processes(const std::vector<NginxToken>& tokens)
{
  int depth = 0;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i].text == "{") ++depth;
    else if (tokens[i].text == "}") --depth;
    else if (depth == 0 && tokens[i].text == "worker_processes" && i + 2 < tokens.size() && tokens[i + 2].text == ";")
      return Statement{{tokens[i], tokens[i + 1]}};
  }
  return std::nullopt;
}

}  // namespace

ImportedPool read_nginx_upstream(const std::string& text, const std::string& file, const std::string& name)
{
  ImportedPool pool;
  pool.file = file;
  pool.kind = "nginx upstream";
  ImportProblems problems(file);
  const std::vector<NginxToken> tokens = tokenize_nginx(text);
  const std::vector<Statement> statements = upstream_block(tokens, file, name, pool.name);
  bool algorithm_set = false;
  bool shared_zone = false;
  std::optional<NginxToken> backup_seen;  // the first server flag `backup`
  std::optional<std::pair<int, std::string>> passive_seen;  // max_fails, fail_timeout of the first server
  for (const Statement& st : statements) {
    const NginxToken& head = st.words[0];
    const ConfigSource source{head.line, st.text()};
    auto algorithm = [&](const std::string& lbsim_name) {
      if (algorithm_set) problems.add(head.line, head.column, "a second balancing directive; nginx allows one");
      algorithm_set = true;
      pool.algorithm = lbsim_name;
      pool.algorithm_source = source;
    };
    if (head.text == "server") {
      if (st.words.size() < 2) {
        problems.add(head.line, head.column, "server needs an address");
        continue;
      }
      ImportedServer server{st.words[1].text, 1, false, false, source, 0, {}};
      int max_fails = 1;
      std::string fail_timeout = "10 s";
      for (std::size_t k = 2; k < st.words.size(); ++k) {
        const NginxToken& p = st.words[k];
        const auto eq = p.text.find('=');
        const std::string key = p.text.substr(0, eq), value = eq == std::string::npos ? "" : p.text.substr(eq + 1);
        if (key == "weight" && !value.empty() && value.find_first_not_of("0123456789") == std::string::npos &&
            value.size() < 8) {
          server.weight = std::stoi(value);
        } else if (key == "max_fails" && !value.empty() && value.find_first_not_of("0123456789") == std::string::npos &&
                   value.size() < 8) {
          max_fails = std::stoi(value);
        } else if (key == "fail_timeout" && !nginx_time(value).empty()) {
          fail_timeout = nginx_time(value);
        } else if (key == "down" && value.empty()) {
          server.down = true;
        } else if (key == "backup" && value.empty()) {
          server.backup = true;
          backup_seen = p;
        } else if (key == "max_conns" && !value.empty() && value.find_first_not_of("0123456789") == std::string::npos &&
                   value.size() < 10) {
          server.max_conns = std::stoull(value);  // 0 is nginx's "no limit", as lbsim's
          // nginx 1.22 has no queue: with every server full a request fails at once.
          if (server.max_conns && !pool.no_queue)
            pool.no_queue = ConfigSource{p.line, p.text + " (nginx 1.22 has no queue: a request that finds every "
                                                        "server full fails at once)"};
        } else if (key == "slow_start") {
          problems.add(p.line, p.column, "server flag \"slow_start\" is nginx Plus's (commercial) parameter: open "
                                         "source nginx 1.22 refuses it (\"invalid parameter\"), so this config does "
                                         "not run on it; remove it to import the rest");
        } else if (key == "resolve" || key == "route" || key == "service") {
          problems.add(p.line, p.column, "\"" + key + "\" (DNS resolution, routes) is not modelled by lbsim");
        } else {
          problems.add(p.line, p.column, "\"" + p.text + "\" is not a server parameter lbsim knows; expected "
                                         "weight=N, max_fails=N, fail_timeout=TIME, max_conns=N, down or backup");
        }
      }
      // lbsim's passive detection is the balancer's, one setting for all servers.
      if (!passive_seen) {
        passive_seen = {max_fails, fail_timeout};
        pool.passive = ImportedPool::Passive{max_fails, fail_timeout, source};
      } else if (passive_seen->first != max_fails || passive_seen->second != fail_timeout) {
        problems.add(head.line, head.column, "max_fails/fail_timeout differ from the first server's; lbsim's "
                                             "passive detection is one setting for the whole pool");
      }
      pool.servers.push_back(server);
    } else if (head.text == "least_conn" && st.words.size() == 1) {
      algorithm("least_connections");
    } else if (head.text == "ip_hash" && st.words.size() == 1) {
      algorithm("ip_hash");
    } else if (head.text == "hash") {
      const bool consistent = st.words.size() == 3 && st.words[2].text == "consistent";
      const std::string key = st.words.size() >= 2 ? st.words[1].text : "";
      const std::string hash_key = key == "$remote_addr" ? "client" : key == "$request_uri" ? "path" : "";
      if (!consistent) {
        problems.add(head.line, head.column, "\"hash KEY\" without \"consistent\" (nginx's CRC32 modulo hash) is "
                                             "not modelled; lbsim has \"hash KEY consistent\" (consistent_hash)");
      } else if (hash_key.empty()) {
        problems.add(st.words[1].line, st.words[1].column, "lbsim hashes $remote_addr or $request_uri, not \"" + key + "\"");
      } else {
        algorithm("consistent_hash");
        pool.options.push_back({"hash_key", hash_key, source});
      }
    } else if (head.text == "random" && st.words.size() == 1) {
      problems.add(head.line, head.column, "nginx's random uses its own random numbers: lbsim's \"random\" picks "
                                           "with the same weights but never the same servers; write algorithm: random "
                                           "by hand if that is what you want");
    } else if (head.text == "zone") {
      shared_zone = true;
      pool.ignored.push_back(source);
      pool.ignored_why.push_back("the workers share one balancer state, as lbsim's default (worker_processes: 1) does");
    } else if (head.text == "keepalive" || head.text == "keepalive_requests" ||
               head.text == "keepalive_timeout" || head.text == "keepalive_time") {
      pool.ignored.push_back(source);
      pool.ignored_why.push_back("idle connections to the servers do not change the picks");
    } else {
      problems.add(head.line, head.column, "\"" + head.text + "\" cannot be mapped to lbsim; it maps server, "
                                           "least_conn, ip_hash, hash $remote_addr|$request_uri consistent, zone, keepalive*");
    }
  }
  // nginx's hash, ip_hash and random modules do not accept backup servers.
  if (backup_seen && (pool.algorithm == "ip_hash" || pool.algorithm == "consistent_hash"))
    problems.add(backup_seen->line, backup_seen->column, "nginx refuses \"backup\" with " + pool.algorithm_source.text +
                                                             " (a hash names one server per key); remove backup");
  if (pool.servers.empty()) problems.add(1, 1, "the upstream \"" + pool.name + "\" has no server");
  // Without a zone each worker process balances on its own (ngx_http_upstream_zone_module).
  if (const std::optional<Statement> wp = main_worker_processes(tokens); wp && !shared_zone) {
    const NginxToken& count = wp->words[1];
    const bool number = !count.text.empty() && count.text.size() < 5 &&
                        count.text.find_first_not_of("0123456789") == std::string::npos;
    if (!number) {
      // `auto` (Debian's default): one worker per core of a machine this file does not describe.
      pool.ignored.push_back(ConfigSource{wp->words[0].line, wp->text()});
      pool.ignored_why.push_back("one worker per core of nginx's machine, unknown here: lbsim keeps one shared "
                                 "state; without a zone each worker has its own, so set worker_processes: N on the "
                                 "balancer for N cores");
    } else if (const int n = std::stoi(count.text); n > 1 && n <= 1024) {
      pool.worker_processes = {n, ConfigSource{wp->words[0].line, wp->text() + " (no zone in the upstream: each "
                                                                               "worker balances on its own)"}};
      for (const ImportedServer& server : pool.servers)
        if (server.max_conns)
          problems.add(server.source.line, 1, "max_conns with " + std::to_string(n) + " worker processes and no zone "
                       "counts in each worker apart, which lbsim does not model; add a zone to the upstream");
    } else if (n > 1024) {
      problems.add(count.line, count.column, "worker_processes " + count.text + ": lbsim models at most 1024");
    }
  }
  if (!algorithm_set && !pool.servers.empty()) pool.algorithm_source = {pool.servers.front().source.line, "(nginx's default: weighted round robin)"};
  problems.throw_if_any();
  return pool;
}

}  // namespace lbsim::scenarios
