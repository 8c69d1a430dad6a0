#include "models/analytic/mva.hpp"

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
    total_demand += s.demand;
  }
  if (population > 0 && !(total_demand > 0)) throw std::domain_error("MVA: every demand and the think time are 0");

  const std::size_t k = stations.size();
  std::vector<double> queue(k, 0.0);  // Q_k(n - 1)
  std::vector<MvaResult> results;
  results.reserve(static_cast<std::size_t>(population));
  for (int n = 1; n <= population; ++n) {
    MvaResult r;
    r.population = n;
    r.think_time = think_time;
    r.station_response.resize(k);
    for (std::size_t i = 0; i < k; ++i) {
      r.station_response[i] = stations[i].delay ? stations[i].demand : stations[i].demand * (1.0 + queue[i]);
      r.response += r.station_response[i];
    }
    r.throughput = n / (think_time + r.response);
    r.station_queue.resize(k);
    r.station_utilization.resize(k);
    for (std::size_t i = 0; i < k; ++i) {
      queue[i] = r.station_queue[i] = r.throughput * r.station_response[i];
      r.station_utilization[i] = r.throughput * stations[i].demand;
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
