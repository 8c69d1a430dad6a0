#include "scenarios/runner.hpp"

#include "models/analytic/model_match.hpp"
#include "models/balancers/registry.hpp"
#include "scenarios/results_writer.hpp"

#include <filesystem>
#include <optional>

namespace lbsim::scenarios {

std::unique_ptr<models::System> build_system(const models::SystemConfig& config)
{
  models::BalancerRegistry registry;
  models::register_builtin_balancers(registry);
  return std::make_unique<models::System>(config, registry);
}

models::RunSummary run_scenario(const models::SystemConfig& config, const std::string& out_dir)
{
  auto system = build_system(config);
  std::optional<CsvTimeSeriesWriter> series;
  if (!out_dir.empty()) {
    std::filesystem::create_directories(out_dir);
    series.emplace(out_dir);
    system->set_time_series_sink(&*series);
  }
  models::RunSummary summary = system->run();
  summary.analytic = models::analytic::match_model(config);
  if (series) {
    series->close();
    write_file_atomically((std::filesystem::path(out_dir) / "events.csv").string(),
                          events_csv(system->lifecycle_events()));
    write_summary_json(summary, (std::filesystem::path(out_dir) / "summary.json").string());
  }
  return summary;
}

}  // namespace lbsim::scenarios
