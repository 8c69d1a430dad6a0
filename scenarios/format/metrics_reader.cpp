// The metrics section: the interval, the percentiles, the SLO.
#include "scenarios/format/scenario_loader.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace lbsim::scenarios {

void ScenarioLoader::read_metrics(const YAML::Node& m, models::MetricsConfig& out)
{
  r_.require_map(m, "metrics");
  r_.check_keys(m, "metrics", {"interval", "percentiles", "slo"});
  if (m["interval"]) {
    out.interval = SimTime::from_ns(r_.time_ns(m["interval"], "metrics.interval", false));
    // Each interval is a row of timeseries.csv: a 1 ns interval wrote gigabytes for a 5 s run.
    if (out.interval < engine::milliseconds(1))
      r_.fail(m["interval"], "metrics.interval must be at least 1 ms (each interval writes a row of timeseries.csv), "
                             "got \"" + m["interval"].Scalar() + "\"");
  }
  if (const YAML::Node p = m["percentiles"]) {
    r_.require_sequence(p, "metrics.percentiles");
    out.percentiles.clear();
    for (size_t k = 0; k < p.size(); ++k) {
      const double v = r_.number(p[k], "metrics.percentiles[" + std::to_string(k) + "]", 0, 100);
      if (v <= 0 || v >= 100)
        r_.fail(p[k], "metrics.percentiles[" + std::to_string(k) + "] must be strictly between 0 and 100, got " +
                          p[k].Scalar());
      out.percentiles.push_back(v);
    }
  }
  if (const YAML::Node slo = m["slo"]) {
    r_.require_map(slo, "metrics.slo");
    r_.check_keys(slo, "metrics.slo", {"p99"}, {"p50", "p90", "p95", "p999"});
    if (slo["p99"]) out.slo_p99 = SimTime::from_ns(r_.time_ns(slo["p99"], "metrics.slo.p99", false));
  }
}

}  // namespace lbsim::scenarios
