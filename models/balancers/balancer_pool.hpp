// BalancerPool: a balancer's view of its pool (active requests per member, eligibility, weights)
// and its algorithm, which it asks which member gets each request. The balancer station
// (load_balancer.hpp) keeps one; tests drive it alone.
//
// Per-worker state: nginx runs as several worker processes, and an upstream block without a
// shared `zone` gives each its own copy of the algorithm's state (a round robin's current
// weights, least_conn's counts of requests in flight): a worker sees only the requests it sent.
// With `worker_processes: N` the pool keeps N such copies; each request names the worker that
// handles it. Eligibility and weights are the same in every copy; pool() shows the totals.
#pragma once

#include "engine/rng.hpp"
#include "models/balancers/algorithms/balancer.hpp"
#include "models/system_config.hpp"

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace lbsim::models {

class BalancerPool {
public:
  // `workers`: one algorithm per worker process with a state of its own (empty: one shared state,
  // `algorithm`'s). When given, `algorithm` is worker 0's and `workers` are workers 1, 2, ...
  BalancerPool(BalancerConfig config, std::unique_ptr<Balancer> algorithm, std::vector<PoolMember> pool,
               uint64_t master_seed, std::vector<std::unique_ptr<Balancer>> workers = {});

  // Picks a server and counts the request as active there; none when no server is eligible.
  // `worker`: the worker process that handles the request (0 without per-worker state).
  ServerChoice choose(uint32_t client_address, std::string_view path, SimTime now, uint32_t worker = 0)
  {
    if (!workers_.empty()) [[unlikely]]
      return choose_in_worker(worker, client_address, path, now);
    PickContext context{client_address, path, now, rng_};
    const ServerChoice server = algorithm_->pick(pool_, context);
    if (server) {
      ++pool_[*server].active;
      if (hooks_.active_changes) algorithm_->on_active_changed(pool_, *server);
    }
    return server;
  }
  // Counts a request as active at `server` without a pick: a layer-4 request on an open connection.
  void assign(uint32_t server, uint32_t worker = 0)
  {
    ++pool_[server].active;
    if (!workers_.empty()) [[unlikely]] {
      count_in_worker(worker, server, +1);
      return;
    }
    if (hooks_.active_changes) algorithm_->on_active_changed(pool_, server);
  }
  // The request left the server refused, or failed: it is no longer active there.
  void release(uint32_t server, uint32_t worker = 0)
  {
    --pool_[server].active;
    if (!workers_.empty()) [[unlikely]] {
      count_in_worker(worker, server, -1);
      return;
    }
    if (hooks_.active_changes) algorithm_->on_active_changed(pool_, server);
  }
  // The server's response reached the balancer `response_time` after the request was dispatched.
  void on_response(uint32_t server, SimTime response_time, SimTime now, uint32_t worker = 0)
  {
    release(server, worker);
    if (!hooks_.responses) return;
    (workers_.empty() ? *algorithm_ : *workers_[worker].algorithm).on_response(server, response_time, now);
  }

  // Pool changes, told to the algorithm through its hooks (models/balancers/algorithms/balancer.hpp).
  void set_eligible(uint32_t server, bool eligible);
  void set_weight(uint32_t server, int weight);
  // A new server joins the pool (not eligible until set_eligible); `names` are every member's.
  void add_member(int weight, bool backup, uint32_t max_conns, std::span<const std::string> names);
  // Picks like choose() but never `excluded` (a retry goes to another server).
  ServerChoice choose_excluding(uint32_t excluded, uint32_t client_address, std::string_view path, SimTime now,
                                uint32_t worker = 0);

  // Every member, with its requests in flight from all workers.
  std::span<const PoolMember> pool() const { return pool_; }
  // Worker processes with a state of their own (1: one shared state).
  uint32_t worker_count() const { return workers_.empty() ? 1 : static_cast<uint32_t>(workers_.size()); }
  // What worker `worker` sees: its own requests in flight.
  std::span<const PoolMember> worker_view(uint32_t worker) const
  {
    return workers_.empty() ? std::span<const PoolMember>(pool_) : std::span<const PoolMember>(workers_[worker].pool);
  }
  // The algorithm's state, read-only (worker 0's with a state per worker): the GUI explains picks with it.
  const Balancer& algorithm() const { return workers_.empty() ? *algorithm_ : *workers_.front().algorithm; }
  // Its random stream as the picks left it (worker 0's likewise): the GUI replays least_request's draws.
  const engine::RngStream& rng() const { return workers_.empty() ? rng_ : workers_.front().rng; }
  // The algorithm passes over full members itself (Balancer::skips_full_members()).
  bool algorithm_skips_full() const { return skips_full_; }
  const BalancerConfig& config() const { return config_; }

private:
  // One worker process's copy of the state: its algorithm, its view of the pool and its stream.
  struct Worker {
    std::unique_ptr<Balancer> algorithm;
    std::vector<PoolMember> pool;
    engine::RngStream rng;
  };
  ServerChoice choose_in_worker(uint32_t worker, uint32_t client_address, std::string_view path, SimTime now);
  void count_in_worker(uint32_t worker, uint32_t server, int change);
  static constexpr uint32_t kAllMembers = UINT32_MAX;
  template <typename Change> void change_everywhere(uint32_t member, Change change);

  BalancerConfig config_;
  std::unique_ptr<Balancer> algorithm_;
  Balancer::PerRequestHooks hooks_;  // the algorithm's, asked once
  std::vector<PoolMember> pool_;
  engine::RngStream rng_;
  bool skips_full_ = false;
  std::vector<Worker> workers_;  // per-worker state: every worker, algorithm_ unused; else empty
};

}  // namespace lbsim::models
