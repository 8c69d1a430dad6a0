#include "gui/run_data.hpp"

#include <algorithm>
#include <numeric>

namespace lbsim::gui {

void RunData::append(const IntervalBatch& batch)
{
  const double start = rows.empty() ? measure_start_s : rows.back().time_s;
  rows.push_back(batch.row);
  gateway = gateway || batch.row.gateway;
  server_rows.resize(std::max(server_rows.size(), batch.servers.size()));
  for (size_t i = 0; i < batch.servers.size(); ++i) server_rows[i].push_back(batch.servers[i]);
  link_rows.resize(std::max(link_rows.size(), batch.link_utilization.size()));
  for (size_t i = 0; i < batch.link_utilization.size(); ++i) link_rows[i].push_back(batch.link_utilization[i]);
  service_rows.resize(std::max(service_rows.size(), batch.service_utilization.size()));
  for (size_t i = 0; i < batch.service_utilization.size(); ++i) service_rows[i].push_back(batch.service_utilization[i]);

  // Cost is instance-time times price: every server is billed for the measured time.
  const double dt = batch.row.time_s - start;
  const double rate = std::accumulate(server_price_per_s.begin(), server_price_per_s.end(), 0.0);
  cumulative_cost.push_back((cumulative_cost.empty() ? 0.0 : cumulative_cost.back()) + rate * dt);
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

}  // namespace lbsim::gui
