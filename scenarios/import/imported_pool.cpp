#include "scenarios/import/imported_pool.hpp"

#include <cctype>
#include <sstream>

namespace lbsim::scenarios {

namespace {

std::string join_lines(const std::vector<std::string>& lines)
{
  std::string out;
  for (const std::string& line : lines) out += (out.empty() ? "" : "\n") + line;
  return out;
}

std::string from(const ImportedPool& pool, const ConfigSource& source)
{
  return "  # " + pool.file + ":" + std::to_string(source.line) + " " + source.text;
}

// "30s" -> "30 s" with the units each program knows; `bare` is the unit of a plain number.
std::string lbsim_time(const std::string& text, const std::string& bare,
                       const std::vector<std::pair<std::string, std::string>>& units)
{
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  if (digits == 0) return {};
  const std::string number = text.substr(0, digits), unit = text.substr(digits);
  if (unit.empty()) return number + " " + bare;
  for (const auto& [theirs, ours] : units)
    if (unit == theirs) return number + " " + ours;
  return {};
}

}  // namespace

// A YAML double-quoted string: names such as 127.0.0.1:8080 stay one scalar.
std::string yaml_quoted(const std::string& text)
{
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

ImportError::ImportError(std::vector<std::string> errors)
    : std::runtime_error(join_lines(errors)), errors_(std::move(errors))
{
}

void ImportProblems::add(int line, int column, const std::string& message)
{
  errors_.push_back(file_ + ":" + std::to_string(line) + ":" + std::to_string(column) + ": error: " + message);
}

void ImportProblems::throw_if_any() const
{
  if (!errors_.empty()) throw ImportError(errors_);
}

void check_section_choice(const std::string& file, const std::string& kind, const std::vector<std::string>& names,
                          const std::string& requested, bool found, const std::string& absent)
{
  std::string list;
  for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
  if (names.empty()) throw ImportError({file + ": error: " + absent});
  if (!found) throw ImportError({file + ": error: no " + kind + " \"" + requested + "\"; the file has: " + list});
  if (requested.empty() && names.size() > 1)
    throw ImportError({file + ": error: the file has several " + kind + "s (" + list + "); choose one with --name"});
}

std::string nginx_time(const std::string& text)
{
  return lbsim_time(text, "s", {{"ms", "ms"}, {"s", "s"}, {"m", "min"}, {"h", "h"}, {"d", "d"}});
}

std::string haproxy_time(const std::string& text)
{
  return lbsim_time(text, "ms", {{"us", "us"}, {"ms", "ms"}, {"s", "s"}, {"m", "min"}, {"h", "h"}, {"d", "d"}});
}

std::string not_modelled_yaml(const ImportedPool& pool)
{
  std::string out;
  for (std::size_t i = 0; i < pool.ignored.size(); ++i)
    out += "# not modelled: " + pool.file + ":" + std::to_string(pool.ignored[i].line) + " " + pool.ignored[i].text +
           " (" + pool.ignored_why[i] + ")\n";
  return out;
}

std::string pool_yaml(const ImportedPool& pool, const std::string& indent)
{
  std::ostringstream y;
  y << indent << "balancer:\n"
    << indent << "  algorithm: " << pool.algorithm << from(pool, pool.algorithm_source) << "\n";
  for (const ImportedPool::Option& option : pool.options)
    y << indent << "  " << option.key << ": " << option.value << from(pool, option.source) << "\n";
  if (pool.health_check) {
    const auto& h = *pool.health_check;
    y << indent << "  health_check: { interval: " << h.interval << ", timeout: " << h.timeout << ", rise: " << h.rise
      << ", fall: " << h.fall << " }" << from(pool, h.source) << "\n";
  } else if (pool.passive) {
    y << indent << "  passive: { max_fails: " << pool.passive->max_fails << ", fail_timeout: " << pool.passive->fail_timeout
      << " }" << from(pool, pool.passive->source) << "\n";
  } else if (pool.passive_off) {
    y << indent << "  passive: { max_fails: 0 }" << from(pool, pool.passive_off_source) << "\n";
  }
  if (pool.all_backups) y << indent << "  backups: all" << from(pool, *pool.all_backups) << "\n";
  if (pool.no_queue) y << indent << "  queue: false" << from(pool, *pool.no_queue) << "\n";
  if (pool.queue_timeout)
    y << indent << "  queue_timeout: " << pool.queue_timeout->first << from(pool, pool.queue_timeout->second) << "\n";
  if (pool.retries) y << indent << "  retries: " << pool.retries->first << from(pool, pool.retries->second) << "\n";
  if (pool.worker_processes)
    y << indent << "  worker_processes: " << pool.worker_processes->first << from(pool, pool.worker_processes->second)
      << "\n";
  y << indent << "servers:\n";
  for (const ImportedServer& s : pool.servers) {
    y << indent << "  - { name: " << yaml_quoted(s.name);
    if (s.weight != 1) y << ", weight: " << s.weight;
    if (s.backup) y << ", backup: true";
    if (s.down) y << ", state: down";
    if (s.max_conns) y << ", max_conns: " << s.max_conns;
    if (!s.slow_start.empty()) y << ", slow_start: " << s.slow_start;
    y << " }" << from(pool, s.source) << "\n";
  }
  return y.str();
}

std::string to_scenario_yaml(const ImportedPool& pool)
{
  std::ostringstream y;
  y << "# Written by `lbsim import " << pool.file << "` from the " << pool.kind << " \"" << pool.name << "\".\n"
    << "# Each balancer and server line names the directive it came from. A balancer's configuration\n"
    << "# holds no load: the clients and the duration below are lbsim's example, to replace with yours.\n"
    << not_modelled_yaml(pool)
    << "name: " << yaml_quoted(pool.name) << "\n"
    << "duration: 60 s\n"
    << "clients:\n"
    << "  - name: clients  # not from the config\n"
    << "    arrivals: { process: poisson, rate: 100/s }\n"
    << "    mix:\n"
    << "      - { method: GET, path: /, work: 10 ms }\n"
    << pool_yaml(pool, "");
  return y.str();
}

}  // namespace lbsim::scenarios
