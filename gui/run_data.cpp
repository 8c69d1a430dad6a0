#include "gui/run_data.hpp"

#include <numeric>

namespace lbsim::gui {

const std::vector<size_t>& RunData::Index::map(const QStringList& names, QStringList& known)
{
  if (names == last_names && last_map.size() == static_cast<size_t>(names.size())) return last_map;
  last_names = names;
  last_map.clear();
  for (const QString& name : names) {
    auto it = of.find(name);
    if (it == of.end()) {
      it = of.insert(name, static_cast<size_t>(known.size()));
      known << name;
    }
    last_map.push_back(*it);
  }
  return last_map;
}

namespace {
template <class T>
void grow(std::vector<std::vector<T>>& rows, const QStringList& names)
{
  if (rows.size() < static_cast<size_t>(names.size())) rows.resize(static_cast<size_t>(names.size()));
}
}  // namespace

void RunData::append(const IntervalBatch& batch)
{
  rows.push_back(batch.row);
  gateway = gateway || batch.row.gateway;
  const std::vector<size_t>& s = server_index_.map(batch.server_names, servers);
  grow(server_rows, servers);
  for (size_t i = 0; i < batch.servers.size() && i < s.size(); ++i) server_rows[s[i]].push_back(batch.servers[i]);
  const std::vector<size_t>& l = link_index_.map(batch.link_names, links);
  grow(link_rows, links);
  for (size_t i = 0; i < batch.link_utilization.size() && i < l.size(); ++i)
    link_rows[l[i]].push_back({batch.row.time_s, batch.link_utilization[i]});
  const std::vector<size_t>& v = service_index_.map(batch.service_names, services);
  grow(service_rows, services);
  for (size_t i = 0; i < batch.service_utilization.size() && i < v.size(); ++i)
    service_rows[v[i]].push_back({batch.row.time_s, batch.service_utilization[i]});
}

void RunData::set_completed(const QStringList& names, const std::vector<double>& completed)
{
  const std::vector<size_t> at = server_index_.map(names, servers);
  grow(server_rows, servers);
  server_completed.assign(static_cast<size_t>(servers.size()), 0.0);
  for (size_t i = 0; i < at.size() && i < completed.size(); ++i) server_completed[at[i]] = completed[i];
}

std::vector<double> RunData::load_share() const
{
  std::vector<double> completed = server_completed;
  if (completed.empty()) {
    completed.assign(server_rows.size(), 0.0);
    for (size_t i = 0; i < server_rows.size(); ++i)
      for (const ServerPoint& p : server_rows[i]) completed[i] += p.completed;
  }
  const double total = std::accumulate(completed.begin(), completed.end(), 0.0);
  for (double& c : completed) c = total > 0 ? c / total : 0.0;
  return completed;
}

std::vector<double> RunData::cumulative_cost() const
{
  std::vector<double> cost;
  cost.reserve(rows.size());
  for (const IntervalPoint& p : rows) cost.push_back(p.cost);
  return cost;
}

}  // namespace lbsim::gui
