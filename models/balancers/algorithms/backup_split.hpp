// BackupSplit: an algorithm over a pool with `backup` members (docs/algorithms.md, "Server flags").
// A backup takes requests only while no other member is eligible, as nginx's `backup` and
// HAProxy's `backup` servers do:
//   - with its own state (BackupRule::shared_state false), the backups are a second pool balanced
//     by a second instance of the algorithm, as nginx's second peer list and HAProxy's backup
//     trees (lb_fwrr.c, lb_fwlc.c, lb_chash.c): each instance sees the other group as ineligible;
//   - with one state (HAProxy's map: static-rr and map-based hashing), one instance sees the
//     backups as eligible only while no other member is, so its cursor carries over;
//   - `first`: only the first eligible backup in configuration order, HAProxy's `fbck` without
//     `option allbackups` (backend.c recount_servers()).
// Pools without backup members use the algorithm alone (create_for_pool()).
#pragma once

#include "models/balancers/algorithms/balancer.hpp"
#include "models/balancers/algorithms/registry.hpp"

#include <memory>
#include <optional>
#include <vector>

namespace lbsim::models {

class BackupSplit final : public Balancer {
public:
  // `backup` is the backups' own instance; null with one shared state or with `first`.
  BackupSplit(std::unique_ptr<Balancer> primary, std::unique_ptr<Balancer> backup, BackupRule rule);

  ServerChoice pick(std::span<const PoolMember> pool, PickContext& context) override;
  void on_pool_changed(std::span<const PoolMember> pool) override;
  void on_active_changed(std::span<const PoolMember> pool, uint32_t server) override;
  void on_response(uint32_t server, engine::SimTime response_time, engine::SimTime now) override;
  // The views copy the active counts, so this asks for every change of one.
  PerRequestHooks per_request_hooks() const override;
  void on_server_names(std::span<const std::string> names) override;
  bool skips_full_members() const override { return primary_->skips_full_members(); }

private:
  // Copies `pool` into `view` with `eligible(i)`; true when what an algorithm sees changed.
  template <typename Eligible>
  static bool update_view(std::vector<PoolMember>& view, std::span<const PoolMember> pool, Eligible eligible);

  std::unique_ptr<Balancer> primary_;
  std::unique_ptr<Balancer> backup_;
  BackupRule rule_;
  std::vector<PoolMember> primary_view_;
  std::vector<PoolMember> backup_view_;
  uint32_t eligible_primaries_ = 0;
  ServerChoice first_backup_;  // the first eligible backup in configuration order
};

// The algorithm `name` for a pool: the algorithm itself when no member is a backup, else a
// BackupSplit following `use` (the balancer's `backups` key) or, without one, the algorithm's own
// rule. Throws std::invalid_argument when the algorithm refuses backup servers.
std::unique_ptr<Balancer> create_for_pool(const BalancerRegistry& registry, const std::string& name,
                                          const BalancerOptions& options, bool has_backups,
                                          std::optional<BackupRule::Use> use);

// The rule `name` follows with `options` (BackupRule{} for an algorithm that declares none).
BackupRule backup_rule_of(const AlgorithmDeclaration& declaration, const BalancerOptions& options);

}  // namespace lbsim::models
