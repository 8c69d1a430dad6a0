// The fixtures recorded from real nginx and HAProxy by bench/real_balancers/record.sh
// (tests/data/real-balancers/: one file per configuration, and its block in configs/), read and
// replayed through an lbsim balancer with the hooks the balancer's owner calls.
#pragma once

#include "models/balancers/algorithms/backup_split.hpp"
#include "tests/models/balancer_driver.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace lbsim::tests {

// A request (answered at once, or held open at its server until the end: a request in flight), or
// a change made to a server between requests through HAProxy's admin socket.
struct Step {
  enum class Kind { quick, hold, state, weight } kind = Kind::quick;
  uint32_t client = 0;
  std::string path;
  char server = '?';  // the server that got the request, or the one changed
  int value = 0;      // the new state (1 up, 0 down) or weight
};

struct Fixture {
  std::string name;
  std::string program;
  std::string algorithm;
  BalancerOptions options;
  std::vector<int> weights;
  std::vector<bool> down;
  std::vector<bool> backup;
  std::optional<models::BackupRule::Use> backups;  // HAProxy's option allbackups: all
  std::vector<Step> steps;
};

inline uint32_t parse_ipv4(const std::string& dotted)
{
  uint32_t address = 0;
  int octets = 0;
  std::istringstream in(dotted);
  std::string octet;
  while (std::getline(in, octet, '.')) {
    address = (address << 8) | static_cast<uint32_t>(std::stoul(octet));
    ++octets;
  }
  if (octets != 4) throw std::runtime_error("not an IPv4 address: " + dotted);
  return address;
}

inline Fixture read_fixture(const std::filesystem::path& file)
{
  Fixture f;
  f.name = file.stem().string();
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    std::string key;
    words >> key;
    if (key == "program") {
      std::getline(words >> std::ws, f.program);
    } else if (key == "algorithm") {
      words >> f.algorithm;
    } else if (key == "option") {
      std::string option, value;
      words >> option >> value;
      if (option == "variant") f.options.variant = value;
      else if (option == "hash_key") f.options.hash_key = value;
      else if (option == "hash_type") f.options.hash_type = value;
      else if (option == "backups") f.backups = value == "all" ? models::BackupRule::Use::all : models::BackupRule::Use::first;
      else throw std::runtime_error(f.name + ": unknown option " + option);
    } else if (key == "server") {
      std::string address, weight_word, flag;
      int weight = 0;
      words >> address >> weight_word >> weight;
      f.options.server_names.push_back(address);  // nginx's hash ... consistent hashes the name
      f.weights.push_back(weight);
      f.down.push_back(false);
      f.backup.push_back(false);
      while (words >> flag) {
        if (flag == "down") f.down.back() = true;
        else if (flag == "backup") f.backup.back() = true;
        else throw std::runtime_error(f.name + ": unknown server flag " + flag);
      }
    } else if (key == "step") {
      std::string kind, client;
      Step step;
      words >> kind >> client >> step.path >> step.server;
      step.kind = kind == "hold" ? Step::Kind::hold : Step::Kind::quick;
      step.client = parse_ipv4(client);
      f.steps.push_back(step);
    } else if (key == "change") {
      std::string kind, value;
      Step step;
      words >> kind >> step.server >> value;
      step.kind = kind == "state" ? Step::Kind::state : Step::Kind::weight;
      step.value = kind == "state" ? value == "up" : std::stoi(value);
      f.steps.push_back(step);
    } else {
      throw std::runtime_error(f.name + ": unknown line: " + line);
    }
  }
  return f;
}

inline std::vector<Fixture> all_fixtures()
{
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(LBSIM_SOURCE_DIR "/tests/data/real-balancers"))
    if (entry.path().extension() == ".txt") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  std::vector<Fixture> fixtures;
  for (const auto& file : files) fixtures.push_back(read_fixture(file));
  return fixtures;
}

// The server flags a replay gives its pool: down (nginx `down`, HAProxy `disabled`), backup, and
// the balancer's rule for backups (unset: the algorithm's).
struct Flags {
  std::vector<bool> down, backup;
  std::optional<models::BackupRule::Use> backups;
};

// The real program's picks and lbsim's for the same requests, as strings of server letters ("-"
// for a change), through `algorithm` with `options` over a pool of `weights` with `flags` (the
// fixture's own unless given: the import test passes those of the imported scenario), the
// algorithm made as the balancer makes it (models/balancers/algorithms/backup_split.hpp).
inline std::pair<std::string, std::string> replay(const Fixture& f, const std::string& algorithm,
                                                  const BalancerOptions& options, const std::vector<int>& weights,
                                                  const Flags& flags)
{
  std::vector<PoolMember> pool = pool_of(weights);
  bool has_backups = false;
  for (std::size_t i = 0; i < pool.size(); ++i) {
    pool[i].eligible = !flags.down[i];
    pool[i].backup = flags.backup[i];
    has_backups = has_backups || flags.backup[i];
  }
  models::BalancerRegistry registry;
  models::register_builtin_balancers(registry);
  Driver driver(models::create_for_pool(registry, algorithm, options, has_backups, flags.backups), pool);
  std::string real, simulated;
  for (const Step& step : f.steps) {
    const auto server = static_cast<uint32_t>(step.server - 'a');
    if (step.kind == Step::Kind::state || step.kind == Step::Kind::weight) {
      if (step.kind == Step::Kind::state) driver.set_eligible(server, step.value == 1);
      else driver.set_weight(server, step.value);
      real += '-';
      simulated += '-';
      continue;
    }
    const ServerChoice chosen = step.kind == Step::Kind::hold ? driver.dispatch(step.client, step.path)
                                                              : driver.request_and_answer(step.client, step.path);
    real += step.server;
    simulated += chosen ? static_cast<char>('a' + *chosen) : '-';
  }
  return {real, simulated};
}


inline std::pair<std::string, std::string> replay(const Fixture& f)
{
  return replay(f, f.algorithm, f.options, f.weights, Flags{f.down, f.backup, f.backups});
}

}  // namespace lbsim::tests
