#include "models/balancers/algorithms/backup_split.hpp"

#include <stdexcept>

namespace lbsim::models {

BackupSplit::BackupSplit(std::unique_ptr<Balancer> primary, std::unique_ptr<Balancer> backup, BackupRule rule)
    : primary_(std::move(primary)), backup_(std::move(backup)), rule_(rule)
{
}

template <typename Eligible>
bool BackupSplit::update_view(std::vector<PoolMember>& view, std::span<const PoolMember> pool, Eligible eligible)
{
  bool changed = view.size() != pool.size();
  view.resize(pool.size());
  for (std::size_t i = 0; i < pool.size(); ++i) {
    PoolMember member = pool[i];
    member.eligible = eligible(i);
    changed = changed || member.eligible != view[i].eligible || member.weight != view[i].weight;
    view[i] = member;
  }
  return changed;
}

void BackupSplit::on_pool_changed(std::span<const PoolMember> pool)
{
  const bool first_call = primary_view_.empty() && !pool.empty();
  eligible_primaries_ = 0;
  first_backup_ = std::nullopt;
  for (uint32_t i = 0; i < pool.size(); ++i) {
    if (!pool[i].eligible) continue;
    if (!pool[i].backup) ++eligible_primaries_;
    else if (!first_backup_) first_backup_ = i;
  }
  const bool first_only = rule_.use == BackupRule::Use::first;
  // With one state the backups join the primaries' pool while no primary is eligible.
  const auto primary_sees = [&](std::size_t i) {
    if (!pool[i].eligible) return false;
    if (!pool[i].backup) return true;
    if (!rule_.shared_state || eligible_primaries_ > 0) return false;
    return !first_only || first_backup_ == static_cast<uint32_t>(i);
  };
  if (update_view(primary_view_, pool, primary_sees) || first_call) primary_->on_pool_changed(primary_view_);
  if (backup_) {
    const auto backup_sees = [&](std::size_t i) { return pool[i].eligible && pool[i].backup; };
    if (update_view(backup_view_, pool, backup_sees) || first_call) backup_->on_pool_changed(backup_view_);
  }
}

ServerChoice BackupSplit::pick(std::span<const PoolMember> pool, PickContext& context)
{
  if (pool.size() != primary_view_.size()) on_pool_changed(pool);
  if (eligible_primaries_ > 0 || rule_.shared_state) return primary_->pick(primary_view_, context);
  if (rule_.use == BackupRule::Use::first) return first_backup_;
  return backup_->pick(backup_view_, context);
}

void BackupSplit::on_active_changed(std::span<const PoolMember> pool, uint32_t server)
{
  if (server >= primary_view_.size()) return;  // a member the views do not hold yet: the next pick rebuilds
  primary_view_[server].active = pool[server].active;
  primary_->on_active_changed(primary_view_, server);
  if (backup_) {
    backup_view_[server].active = pool[server].active;
    backup_->on_active_changed(backup_view_, server);
  }
}

void BackupSplit::on_response(uint32_t server, engine::SimTime response_time, engine::SimTime now)
{
  const bool is_backup = server < primary_view_.size() && primary_view_[server].backup;
  if (backup_ && is_backup) backup_->on_response(server, response_time, now);
  else primary_->on_response(server, response_time, now);
}

Balancer::PerRequestHooks BackupSplit::per_request_hooks() const
{
  const PerRequestHooks primary = primary_->per_request_hooks();
  const bool backup_responses = backup_ && backup_->per_request_hooks().responses;
  return {true, primary.responses || backup_responses};
}

void BackupSplit::on_server_names(std::span<const std::string> names)
{
  primary_->on_server_names(names);
  if (backup_) backup_->on_server_names(names);
}

BackupRule backup_rule_of(const AlgorithmDeclaration& declaration, const BalancerOptions& options)
{
  return declaration.backups ? declaration.backups(options) : BackupRule{};
}

std::unique_ptr<Balancer> create_for_pool(const BalancerRegistry& registry, const std::string& name,
                                          const BalancerOptions& options, bool has_backups,
                                          std::optional<BackupRule::Use> use)
{
  std::unique_ptr<Balancer> primary = registry.create(name, options);
  if (!has_backups) return primary;
  BackupRule rule = backup_rule_of(*registry.find(name), options);
  if (rule.use == BackupRule::Use::refused)
    throw std::invalid_argument("balancer algorithm '" + name + "' does not take backup servers");
  if (use) rule.use = *use;
  std::unique_ptr<Balancer> backup;
  if (rule.use == BackupRule::Use::all && !rule.shared_state) backup = registry.create(name, options);
  return std::make_unique<BackupSplit>(std::move(primary), std::move(backup), rule);
}

}  // namespace lbsim::models
