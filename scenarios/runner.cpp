#include "scenarios/runner.hpp"

#include "models/analytic/gateway_match.hpp"
#include "models/analytic/model_match.hpp"
#include "models/balancers/algorithms/registry.hpp"
#include "models/clients/client_attempts.hpp"
#include "scenarios/results/access_log_writer.hpp"
#include "scenarios/results/results_writer.hpp"

#include <cstdio>
#include <filesystem>
#include <optional>

namespace lbsim::scenarios {

std::unique_ptr<models::System> build_system(const models::SystemConfig& config)
{
  models::BalancerRegistry registry;
  models::register_builtin_balancers(registry);
  return std::make_unique<models::System>(config, registry);
}

namespace {
// Hands every row to the result files and to a watcher; the watcher decides when to stop.
class TeeSink final : public models::TimeSeriesSink {
public:
  TeeSink(models::TimeSeriesSink* files, models::TimeSeriesSink& watcher) : files_(files), watcher_(watcher) {}
  void on_interval(const models::IntervalRow& row, std::span<const models::ServerIntervalRow> servers) override
  {
    if (files_) files_->on_interval(row, servers);
    watcher_.on_interval(row, servers);
  }
  void on_link_interval(std::span<const models::LinkIntervalRow> links) override
  {
    if (files_) files_->on_link_interval(links);
    watcher_.on_link_interval(links);
  }
  void on_service_interval(std::span<const models::ServiceIntervalRow> services) override
  {
    if (files_) files_->on_service_interval(services);
    watcher_.on_service_interval(services);
  }
  bool stop_requested() override { return watcher_.stop_requested(); }

private:
  models::TimeSeriesSink* files_;
  models::TimeSeriesSink& watcher_;
};
}  // namespace

models::RunSummary run_scenario(const models::SystemConfig& config, const std::string& out_dir)
{
  return run_scenario(config, out_dir, nullptr);
}

models::RunSummary run_scenario(const models::SystemConfig& config, const std::string& out_dir,
                                models::TimeSeriesSink* watcher)
{
  return run_scenario(config, out_dir, watcher, {});
}

models::RunSummary run_scenario(const models::SystemConfig& config, const std::string& out_dir,
                                models::TimeSeriesSink* watcher, const std::string& access_log)
{
  auto system = build_system(config);
  std::optional<CsvTimeSeriesWriter> series;
  if (!out_dir.empty()) {
    // Before the run, not after it: a wrong --out costs no simulated time.
    std::error_code ec;
    std::filesystem::create_directories(out_dir, ec);
    if (ec || !std::filesystem::is_directory(out_dir))
      throw std::runtime_error("cannot use " + out_dir + " as the results folder (" +
                               (ec ? ec.message() : std::string("it is a file")) +
                               "); expected a folder lbsim can create or write to");
    series.emplace(out_dir, config.gateway.has_value(), models::ClientAttempts::wanted(config));
    system->set_time_series_sink(&*series);
  }
  std::optional<AccessLogWriter> log;
  if (!access_log.empty()) {
    if (!config.gateway)
      throw std::invalid_argument("--access-log writes the gateway's access log, and the scenario has no gateway");
    log.emplace(access_log);
    system->set_access_log(&*log);
  }
  std::optional<TeeSink> tee;
  if (watcher) {
    tee.emplace(series ? &*series : nullptr, *watcher);
    system->set_time_series_sink(&*tee);
  }
  models::RunSummary summary;
  try {
    summary = system->run();
  } catch (const std::bad_alloc&) {
    const double reached_s = system->simulation().now().seconds();
    system.reset();  // frees the requests and queues: room to close the files
    std::string kept;
    if (series) {
      try {
        series->close();
        kept = "; the interval rows until then are in " +
               (std::filesystem::path(out_dir) / "timeseries.csv").string();
      } catch (const std::exception&) {
      }
    }
    char when[64];
    std::snprintf(when, sizeof when, "%.3f", reached_s);
    throw RunOutOfMemory("the run ran out of memory at " + std::string(when) +
                         " s of simulated time" + kept +
                         "; lower max_in_flight (docs/reliability.md) or the rate, or shorten the run");
  }
  summary.analytic = models::analytic::match_model(config);
  summary.gateway_analytic = models::analytic::match_gateway(config);
  models::analytic::add_simulated(summary.gateway_analytic, summary);
  if (log) log->close();
  if (series) {
    series->close();
    write_file_atomically((std::filesystem::path(out_dir) / "events.csv").string(),
                          events_csv(system->lifecycle_events()));
    write_summary_json(summary, (std::filesystem::path(out_dir) / "summary.json").string());
  }
  return summary;
}

}  // namespace lbsim::scenarios
