// The fixtures recorded from real nginx and HAProxy by bench/real_balancers/record.sh
// (tests/data/real-balancers/: one file per configuration, and its block in configs/), read and
// replayed through an lbsim balancer with the hooks the balancer's owner calls.
#pragma once

#include "models/balancers/algorithms/backup_split.hpp"
#include "models/balancers/balancer_pool.hpp"
#include "models/balancers/max_conns.hpp"
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

// A request (answered at once, or held open at its server until the end or its release: a request
// in flight; `queue`: held, after waiting in the backend queue because every server was full), a
// change made to a server between requests through HAProxy's admin socket, or the release of a
// held request (its answer: the server frees a slot).
struct Step {
  enum class Kind { quick, hold, queue, state, weight, release } kind = Kind::quick;
  uint32_t client = 0;
  std::string path;
  char server = '?';  // the server that got the request, or the one changed
  int value = 0;      // the new state (1 up, 0 down) or weight; for a release, the step released
  uint32_t worker = 0;  // the nginx worker process that handled the request (fixtures with `workers`)
};

struct Fixture {
  std::string name;
  std::string program;
  std::string algorithm;
  BalancerOptions options;
  std::vector<int> weights;
  std::vector<bool> down;
  std::vector<bool> backup;
  std::vector<uint64_t> max_conns;  // 0: none
  std::optional<models::BackupRule::Use> backups;  // HAProxy's option allbackups: all
  std::vector<Step> steps;
  uint32_t workers = 1;  // nginx worker processes, each with its own state (no zone)
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
    } else if (key == "workers") {
      words >> f.workers;
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
      f.max_conns.push_back(0);
      while (words >> flag) {
        if (flag == "down") f.down.back() = true;
        else if (flag == "backup") f.backup.back() = true;
        else if (flag == "max_conns") words >> f.max_conns.back();
        else throw std::runtime_error(f.name + ": unknown server flag " + flag);
      }
    } else if (key == "step") {
      std::string kind, client;
      Step step;
      words >> kind >> client >> step.path >> step.server;
      std::string worker_word;
      if (words >> worker_word) {
        if (worker_word != "worker" || !(words >> step.worker)) throw std::runtime_error(f.name + ": bad step: " + line);
      }
      step.kind = kind == "hold" ? Step::Kind::hold : kind == "queue" ? Step::Kind::queue : Step::Kind::quick;
      step.client = parse_ipv4(client);
      f.steps.push_back(step);
    } else if (key == "change") {
      std::string kind, value;
      Step step;
      words >> kind >> step.server >> value;
      step.kind = kind == "state" ? Step::Kind::state : Step::Kind::weight;
      step.value = kind == "state" ? value == "up" : std::stoi(value);
      f.steps.push_back(step);
    } else if (key == "release") {
      Step step;
      step.kind = Step::Kind::release;
      words >> step.value;
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

// The server flags a replay gives its pool: down (nginx `down`, HAProxy `disabled`), backup,
// max_conns, and the balancer's rule for backups (unset: the algorithm's).
struct Flags {
  std::vector<bool> down, backup;
  std::optional<models::BackupRule::Use> backups;
  std::vector<uint64_t> max_conns = {};  // empty: none
  uint32_t workers = 1;  // worker processes with a state of their own (the balancer's worker_processes)
};

// A replay with per-worker state, through the balancer's own pool (models/balancers/balancer_pool.hpp):
// each request goes to the worker that handled it in the real program. Fixtures with workers have
// requests and server changes only (no max_conns).
inline std::pair<std::string, std::string> replay_per_worker(const Fixture& f, const std::string& algorithm,
                                                             const BalancerOptions& options,
                                                             const std::vector<int>& weights, const Flags& flags)
{
  std::vector<PoolMember> members = pool_of(weights);
  bool has_backups = false;
  for (std::size_t i = 0; i < members.size(); ++i) {
    members[i].eligible = !flags.down[i];
    members[i].backup = flags.backup[i];
    has_backups = has_backups || flags.backup[i];
  }
  models::BalancerRegistry registry;
  models::register_builtin_balancers(registry);
  const auto make = [&] { return models::create_for_pool(registry, algorithm, options, has_backups, flags.backups); };
  std::vector<std::unique_ptr<Balancer>> more;
  for (uint32_t w = 1; w < flags.workers; ++w) more.push_back(make());
  models::BalancerPool pool(models::BalancerConfig{}, make(), members, 7, std::move(more));
  std::string real, simulated;
  for (const Step& step : f.steps) {
    const auto server = static_cast<uint32_t>(step.server - 'a');
    switch (step.kind) {
      case Step::Kind::state: pool.set_eligible(server, step.value == 1); break;
      case Step::Kind::weight: pool.set_weight(server, step.value); break;
      case Step::Kind::quick:
      case Step::Kind::hold: {
        real += step.server;
        const ServerChoice chosen = pool.choose(step.client, step.path, SimTime::zero(), step.worker);
        simulated += chosen ? static_cast<char>('a' + *chosen) : '-';
        if (chosen && step.kind == Step::Kind::quick) pool.release(*chosen, step.worker);
        continue;
      }
      case Step::Kind::queue:
      case Step::Kind::release: throw std::runtime_error(f.name + ": a replay with workers has no queue");
    }
    real += '-';
    simulated += '-';
  }
  return {real, simulated};
}

// The real program's picks and lbsim's for the same requests, as strings of server letters ("-"
// for a change or a release), through `algorithm` with `options` over a pool of `weights` with
// `flags` (the fixture's own unless given: the import test passes those of the imported
// scenario), the algorithm made as the balancer makes it (models/balancers/algorithms/
// backup_split.hpp). With max_conns the replay does what the balancer station does
// (models/balancers/load_balancer.cpp): a full member is out of rotation (models/balancers/
// max_conns.hpp), a request with only full servers, or arriving while others wait, waits in a
// FIFO, and a member that frees a slot takes the oldest waiting request.
inline std::pair<std::string, std::string> replay(const Fixture& f, const std::string& algorithm,
                                                  const BalancerOptions& options, const std::vector<int>& weights,
                                                  const Flags& flags)
{
  if (flags.workers > 1) return replay_per_worker(f, algorithm, options, weights, flags);
  std::vector<PoolMember> pool = pool_of(weights);
  bool has_backups = false;
  for (std::size_t i = 0; i < pool.size(); ++i) {
    pool[i].eligible = !flags.down[i];
    pool[i].backup = flags.backup[i];
    if (!flags.max_conns.empty()) pool[i].max_conns = static_cast<uint32_t>(flags.max_conns[i]);
    has_backups = has_backups || flags.backup[i];
  }
  models::MaxConns slots(flags.max_conns.empty() ? std::vector<uint64_t>(pool.size(), 0) : flags.max_conns);
  for (uint32_t i = 0; i < pool.size(); ++i) slots.set_usable(i, !flags.down[i]);
  models::BalancerRegistry registry;
  models::register_builtin_balancers(registry);
  Driver driver(models::create_for_pool(registry, algorithm, options, has_backups, flags.backups), pool);
  // After member m's active count changed: in or out of rotation as its slots say, unless the
  // algorithm passes over full members itself (HAProxy's roundrobin).
  const bool skips_full = driver.balancer->skips_full_members();
  const auto track = [&](uint32_t m) {
    if (slots.track(m, driver.pool[m].active) && !skips_full) driver.set_eligible(m, slots.eligible(m));
  };
  std::string real, simulated;
  std::vector<int> held_at(f.steps.size(), -1);  // the member each held request is at
  std::vector<std::size_t> waiting;               // queued steps, oldest first
  for (std::size_t n = 0; n < f.steps.size(); ++n) {
    const Step& step = f.steps[n];
    const auto server = static_cast<uint32_t>(step.server - 'a');
    real += step.kind == Step::Kind::state || step.kind == Step::Kind::weight || step.kind == Step::Kind::release
                ? '-'
                : step.server;
    if (step.kind == Step::Kind::state || step.kind == Step::Kind::weight) {
      if (step.kind == Step::Kind::state) {
        slots.set_usable(server, step.value == 1);
        driver.set_eligible(server, skips_full ? step.value == 1 : slots.eligible(server));
      } else {
        driver.set_weight(server, step.value);
      }
      simulated += '-';
      continue;
    }
    if (step.kind == Step::Kind::release) {
      simulated += '-';
      const int at = held_at.at(static_cast<std::size_t>(step.value));
      if (at < 0) continue;  // it never reached a server in lbsim: the replays differ already
      const auto m = static_cast<uint32_t>(at);
      driver.release(m);
      track(m);
      if (!waiting.empty() && slots.eligible(m)) {
        const std::size_t oldest = waiting.front();
        waiting.erase(waiting.begin());
        driver.set_active(m, driver.pool[m].active + 1);
        track(m);
        held_at[oldest] = static_cast<int>(m);
        simulated[oldest] = static_cast<char>('a' + m);
      }
      continue;
    }
    // While requests wait, a new one joins them without a pick (HAProxy's assign_server()).
    if (!waiting.empty()) {
      simulated += '?';
      waiting.push_back(n);
      continue;
    }
    const ServerChoice chosen = driver.dispatch(step.client, step.path);
    if (!chosen) {
      simulated += slots.only_full() ? '?' : '-';
      if (slots.only_full()) waiting.push_back(n);
      continue;
    }
    track(*chosen);
    if (step.kind == Step::Kind::quick) {
      driver.release(*chosen);
      track(*chosen);
    } else {
      held_at[n] = static_cast<int>(*chosen);
    }
    simulated += static_cast<char>('a' + *chosen);
  }
  return {real, simulated};
}

inline std::pair<std::string, std::string> replay(const Fixture& f)
{
  return replay(f, f.algorithm, f.options, f.weights, Flags{f.down, f.backup, f.backups, f.max_conns, f.workers});
}

}  // namespace lbsim::tests
