#include "models/analytic/mva.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace lbsim::models::analytic {

std::vector<MvaResult> mva_all(const std::vector<MvaStation>& stations, int population, double think_time)
{
  if (population < 0) throw std::domain_error("MVA: the population must be >= 0");
  if (!(think_time >= 0) || !std::isfinite(think_time)) throw std::domain_error("MVA: the think time must be >= 0");
  double total_demand = think_time;
  for (const MvaStation& s : stations) {
    if (!(s.demand >= 0) || !std::isfinite(s.demand))
      throw std::domain_error("MVA: station " + s.name + " has a negative or infinite demand");
    if (s.servers < 1) throw std::domain_error("MVA: station " + s.name + " has no server");
    total_demand += s.demand;
  }
  if (population > 0 && !(total_demand > 0)) throw std::domain_error("MVA: every demand and the think time are 0");

  const std::size_t k = stations.size();
  std::vector<double> queue(k, 0.0);  // Q_k(n - 1)
  // Load-dependent stations: p_k(j | n - 1) for j = 0 .. n - 1 (empty for the others).
  std::vector<std::vector<double>> marginal(k);
  for (std::size_t i = 0; i < k; ++i)
    if (!stations[i].delay && stations[i].servers > 1) marginal[i] = {1.0};
  std::vector<MvaResult> results;
  results.reserve(static_cast<std::size_t>(population));
  for (int n = 1; n <= population; ++n) {
    MvaResult r;
    r.population = n;
    r.think_time = think_time;
    r.station_response.resize(k);
    for (std::size_t i = 0; i < k; ++i) {
      const MvaStation& s = stations[i];
      if (!marginal[i].empty()) {
        double sum = 0;
        for (int j = 1; j <= n; ++j) sum += j / static_cast<double>(std::min(j, s.servers)) * marginal[i][j - 1];
        r.station_response[i] = s.demand * sum;
      } else {
        r.station_response[i] = s.delay ? s.demand : s.demand * (1.0 + queue[i]);
      }
      r.response += r.station_response[i];
    }
    r.throughput = n / (think_time + r.response);
    r.station_queue.resize(k);
    r.station_utilization.resize(k);
    for (std::size_t i = 0; i < k; ++i) {
      queue[i] = r.station_queue[i] = r.throughput * r.station_response[i];
      r.station_utilization[i] = r.throughput * stations[i].demand / (stations[i].delay ? 1 : stations[i].servers);
      if (marginal[i].empty()) continue;
      std::vector<double> next(static_cast<std::size_t>(n) + 1, 0.0);
      double busy = 0;
      for (int j = 1; j <= n; ++j) {
        next[j] = r.throughput * stations[i].demand / std::min(j, stations[i].servers) * marginal[i][j - 1];
        busy += next[j];
      }
      // p(0 | n) by difference: it loses digits only near saturation, and clamping at 0 keeps the
      // recursion a distribution.
      next[0] = std::max(0.0, 1.0 - busy);
      marginal[i] = std::move(next);
    }
    results.push_back(std::move(r));
  }
  return results;
}

MvaResult mva(const std::vector<MvaStation>& stations, int population, double think_time)
{
  std::vector<MvaResult> all = mva_all(stations, population, think_time);
  if (all.empty()) {
    MvaResult empty;
    empty.think_time = think_time;
    empty.station_response.assign(stations.size(), 0.0);
    empty.station_queue.assign(stations.size(), 0.0);
    empty.station_utilization.assign(stations.size(), 0.0);
    return empty;
  }
  return std::move(all.back());
}

}  // namespace lbsim::models::analytic
