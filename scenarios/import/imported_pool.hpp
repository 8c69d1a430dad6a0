// What `lbsim import` reads out of a real balancer's configuration (an nginx `upstream` block or a
// HAProxy `backend`), before it is written as a scenario: each value with the line it came from,
// so that every YAML line can name its directive.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace lbsim::scenarios {

// Where a value came from: the config's line number and the directive as written there.
struct ConfigSource {
  int line = 0;
  std::string text;
};

struct ImportedServer {
  std::string name;  // the address as nginx hashes it (nginx), or the server's name (HAProxy)
  int weight = 1;
  bool backup = false;  // nginx and HAProxy `backup`
  bool down = false;    // nginx `down`, HAProxy `disabled`: written as state: down
  ConfigSource source;
  uint64_t max_conns = 0;  // nginx max_conns=N, HAProxy maxconn N; 0: none
  std::string slow_start;  // HAProxy slowstart TIME, as an lbsim time; empty: none
};

struct ImportedPool {
  std::string file;
  std::string kind;  // "nginx upstream" or "HAProxy backend"
  std::string name;  // the upstream's or backend's name
  std::string algorithm = "weighted_round_robin";
  ConfigSource algorithm_source;
  struct Option {
    std::string key, value;  // an algorithm option, e.g. variant: fwrr
    ConfigSource source;     // the balancing directive, or the one that set the option
  };
  std::vector<Option> options;
  struct Passive {
    int max_fails = 1;
    std::string fail_timeout = "10 s";
    ConfigSource source;
  };
  std::optional<Passive> passive;  // written as given; nullopt with `passive_off` writes max_fails: 0
  bool passive_off = false;
  ConfigSource passive_off_source;
  struct HealthCheck {
    std::string interval, timeout;
    int rise = 2, fall = 3;
    ConfigSource source;
  };
  std::optional<HealthCheck> health_check;
  std::optional<std::pair<int, ConfigSource>> retries;
  std::optional<ConfigSource> all_backups;  // HAProxy's option allbackups: backups: all
  // With max_conns: HAProxy's `timeout queue` (or `timeout connect`, its default) as queue_timeout;
  // nginx 1.22 has no queue (`queue` is nginx Plus's), written as queue: false.
  std::optional<std::pair<std::string, ConfigSource>> queue_timeout;
  std::optional<ConfigSource> no_queue;
  // nginx's `worker_processes N` with N > 1 and no `zone` in the upstream: each worker keeps its
  // own balancer state.
  std::optional<std::pair<int, ConfigSource>> worker_processes;
  std::vector<ImportedServer> servers;
  std::vector<ConfigSource> ignored;  // directives with no effect on what lbsim models
  std::vector<std::string> ignored_why;
};

// Every directive that cannot be mapped, each as "file:line:column: error: ...", in file order.
class ImportError : public std::runtime_error {
public:
  explicit ImportError(std::vector<std::string> errors);
  const std::vector<std::string>& errors() const { return errors_; }

private:
  std::vector<std::string> errors_;
};

// Collects the errors of one config; throws them together at the end.
class ImportProblems {
public:
  explicit ImportProblems(std::string file) : file_(std::move(file)) {}
  void add(int line, int column, const std::string& message);
  void throw_if_any() const;

private:
  std::string file_;
  std::vector<std::string> errors_;
};

// Throws when the file's sections (`names`, in file order) do not give exactly one to import:
// none at all (`absent` says what was expected), none called `requested`, or several and no
// `requested` name. `kind` is "upstream" or "backend".
void check_section_choice(const std::string& file, const std::string& kind, const std::vector<std::string>& names,
                          const std::string& requested, bool found, const std::string& absent);

// The scenario: the pool's balancer and servers, each line commented with its directive, and a
// load (clients, duration) that the config does not hold, marked as such.
std::string to_scenario_yaml(const ImportedPool& pool);

// Its parts, for a scenario with several pools: the "# not modelled:" lines, and the `balancer:`
// and `servers:` keys with each line indented by `indent`.
std::string not_modelled_yaml(const ImportedPool& pool);
std::string pool_yaml(const ImportedPool& pool, const std::string& indent);

// A YAML double-quoted string: names such as 127.0.0.1:8080 stay one scalar.
std::string yaml_quoted(const std::string& text);

// nginx's and HAProxy's time syntax to lbsim's ("30s" -> "30 s"; HAProxy's bare numbers are
// milliseconds, nginx's seconds). Empty when the text is not a time.
std::string nginx_time(const std::string& text);
std::string haproxy_time(const std::string& text);

ImportedPool read_nginx_upstream(const std::string& text, const std::string& file, const std::string& name);
ImportedPool read_haproxy_backend(const std::string& text, const std::string& file, const std::string& name);

}  // namespace lbsim::scenarios
