#include "gui/sim_worker.hpp"

#include "scenarios/runner.hpp"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QThread>

#include <cmath>
#include <exception>
#include <optional>
#include <stdexcept>

namespace lbsim::gui {

// Runs on the worker thread: converts the rows and queues them for the GUI; blocks while paused.
// An interval's rows come in parts (servers, then links, then services); the batch is queued once
// the run asks whether to stop, which it does after the last part (or at the end of the run).
class SimWorker::Sink final : public models::TimeSeriesSink {
public:
  Sink(SimWorker& worker, const models::SystemConfig& config) : worker_(worker)
  {
    if (config.duration) end_s_ = (config.warmup + *config.duration).seconds();
    if (config.stop_requests) stop_requests_ = static_cast<double>(*config.stop_requests);
  }

  void on_interval(const models::IntervalRow& row, std::span<const models::ServerIntervalRow> servers) override
  {
    flush();
    IntervalBatch& batch = held_.emplace();
    IntervalPoint& p = batch.row;
    p.time_s = as_written(row.time_s), p.throughput_rps = row.throughput_rps;
    p.latency_mean_s = row.latency_mean_s, p.latency_p50_s = row.latency_p50_s, p.latency_p99_s = row.latency_p99_s;
    p.in_flight = static_cast<double>(row.in_flight), p.servers_up = static_cast<double>(row.servers_up);
    p.arrived = static_cast<double>(row.arrived), p.completed = static_cast<double>(row.completed);
    p.rejected = static_cast<double>(row.rejected), p.cost = row.cost;
    if (row.gateway) {
      const models::GatewayIntervalCounts& g = *row.gateway;
      p.gateway = true;
      p.status_2xx = static_cast<double>(g.status_2xx), p.status_4xx = static_cast<double>(g.status_4xx);
      p.status_429 = static_cast<double>(g.status_429), p.status_5xx = static_cast<double>(g.status_5xx);
      p.cache_hit_ratio = g.cache_lookups ? static_cast<double>(g.cache_hits) / static_cast<double>(g.cache_lookups) : 0.0;
      p.preflights = static_cast<double>(g.preflights);
    }
    // The same rows as servers.csv: one per server that exists, each with its name.
    for (const models::ServerIntervalRow& s : servers)
      batch.servers.push_back({as_written(s.time_s), std::string_view(s.state) == "up", s.utilization, s.queue, static_cast<double>(s.completed)});
    batch.server_names = names(server_names_, servers, &models::ServerIntervalRow::server);
    completed_ += static_cast<double>(row.completed);
    if (end_s_ > 0) worker_.progress_ = row.time_s / end_s_;
    else if (stop_requests_ > 0) worker_.progress_ = std::min(1.0, completed_ / stop_requests_);
  }

  void on_link_interval(std::span<const models::LinkIntervalRow> links) override
  {
    if (!held_) return;
    for (const models::LinkIntervalRow& l : links) held_->link_utilization.push_back(l.utilization);
    held_->link_names = names(link_names_, links, &models::LinkIntervalRow::link);
  }

  void on_service_interval(std::span<const models::ServiceIntervalRow> services) override
  {
    if (!held_) return;
    for (const models::ServiceIntervalRow& s : services) held_->service_utilization.push_back(s.utilization);
    held_->service_names = names(service_names_, services, &models::ServiceIntervalRow::service);
  }

  bool stop_requested() override
  {
    flush();
    wait_while_paused();
    return worker_.stop_;
  }

  // Queues the interval in hand, if any.
  void flush()
  {
    if (!held_) return;
    std::lock_guard lock(worker_.mutex_);
    worker_.pending_.push_back(std::move(*held_));
    held_.reset();
  }

private:
  // A time as the result files write it (whole nanoseconds) and read it back: the live charts are
  // then the charts of the run's folder to the last digit.
  static double as_written(double time_s) { return static_cast<double>(std::llround(time_s * 1e9)) / 1e9; }

  // The names of `rows`, kept from one interval to the next (the list is shared, not copied):
  // servers and links only ever join, at the end.
  template <class Row>
  static QStringList names(QStringList& kept, std::span<const Row> rows, const std::string* Row::*name)
  {
    if (static_cast<size_t>(kept.size()) > rows.size()) kept.clear();
    for (size_t i = static_cast<size_t>(kept.size()); i < rows.size(); ++i) kept << QString::fromStdString(*(rows[i].*name));
    return kept;
  }

  void wait_while_paused()
  {
    std::unique_lock lock(worker_.mutex_);
    worker_.resume_.wait(lock, [this] { return !worker_.paused_ || worker_.stop_; });
  }

  SimWorker& worker_;
  double end_s_ = 0, stop_requests_ = 0, completed_ = 0;
  std::optional<IntervalBatch> held_;
  QStringList server_names_, link_names_, service_names_;
};

SimWorker::SimWorker(QObject* parent) : QObject(parent) {}

SimWorker::~SimWorker()
{
  stop();
  if (thread_) {
    thread_->wait();
    delete thread_;
  }
}

RunData SimWorker::prepare(const models::SystemConfig& config)
{
  RunData run;
  run.label = QString::fromStdString(config.name);
  if (config.services.front().balancer) run.label += " (" + QString::fromStdString(config.services.front().balancer->algorithm) + ")";
  // As settings_from_summary_json names them, so a live run and a results folder compare alike.
  run.settings.append({"scenario", QString::fromStdString(config.name)});
  run.settings.append({"seed", QString::number(config.seed)});
  for (const models::ServiceConfig& service : config.services) {
    if (!service.balancer) continue;
    const QString key = config.services.size() == 1 ? QString("balancer.algorithm")
                                                    : "services[" + QString::fromStdString(service.name) + "].balancer.algorithm";
    run.settings.append({key, QString::fromStdString(service.balancer->algorithm)});
  }
  // The servers, links and services are named by the rows as they come (RunData::append).
  if (config.metrics.slo_p99) run.slo_p99_s = config.metrics.slo_p99->seconds();
  run.measure_start_s = config.warmup.seconds();
  return run;
}

void SimWorker::start(const models::SystemConfig& config, const QString& out_dir)
{
  if (running_) return;
  if (thread_) {
    thread_->wait();
    delete thread_;
  }
  running_ = true;
  stop_ = false;
  paused_ = false;
  progress_ = 0;
  {
    std::lock_guard lock(mutex_);
    pending_.clear();
    outcome_ = {};
  }
  thread_ = QThread::create([this, config, out_dir] { run(config, out_dir); });
  thread_->start();
}

void SimWorker::run(models::SystemConfig config, QString out_dir)
{
  RunOutcome outcome;
  try {
    Sink sink(*this, config);
    // The result files are the one source of a run's whole-run figures and events (results_reader).
    std::optional<QTemporaryDir> scratch;
    if (out_dir.isEmpty()) {
      scratch.emplace();
      if (!scratch->isValid()) throw std::runtime_error("cannot create a temporary folder for the run's results");
      out_dir = scratch->path();
    }
    const models::RunSummary s = scenarios::run_scenario(config, out_dir.toStdString(), &sink);
    sink.flush();  // the last, shorter interval is not followed by stop_requested()
    if (QFile f(QDir(out_dir).filePath("summary.json")); f.open(QIODevice::ReadOnly)) outcome.summary_json = f.readAll();
    if (QFile f(QDir(out_dir).filePath("events.csv")); f.open(QIODevice::ReadOnly | QIODevice::Text))
      outcome.events_csv = QString::fromUtf8(f.readAll());
    outcome.stopped = stop_;
    for (const models::ServerSummary& server : s.servers) {
      outcome.server_names << QString::fromStdString(server.name);
      outcome.server_completed.push_back(static_cast<double>(server.completed));
    }
    double p50 = 0, p99 = 0;
    for (const auto& [p, v] : s.latency_percentiles_s) {
      if (p == 50) p50 = v;
      if (p == 99) p99 = v;
    }
    outcome.wall_seconds = s.wall_seconds;
    outcome.events = static_cast<double>(s.events);
    outcome.requests = static_cast<double>(s.arrived);
    outcome.summary_text = QString("%1%2 requests completed, %3 rejected; %4 req/s; p50 %5 ms, p99 %6 ms; cost %7; "
                                   "%8 events in %9 s")
                               .arg(outcome.stopped ? "Stopped: " : "")
                               .arg(s.completed)
                               .arg(s.rejected)
                               .arg(s.throughput_rps, 0, 'f', 1)
                               .arg(p50 * 1e3, 0, 'f', 2)
                               .arg(p99 * 1e3, 0, 'f', 2)
                               .arg(s.cost_total, 0, 'f', 2)
                               .arg(s.events)
                               .arg(s.wall_seconds, 0, 'f', 2);
  } catch (const std::exception& e) {
    outcome.error = QString::fromStdString(e.what());
  }
  {
    std::lock_guard lock(mutex_);
    outcome_ = outcome;
  }
  progress_ = 1;
  running_ = false;
  QMetaObject::invokeMethod(this, &SimWorker::finished, Qt::QueuedConnection);
}

void SimWorker::set_paused(bool paused)
{
  {
    std::lock_guard lock(mutex_);
    paused_ = paused;
  }
  resume_.notify_all();
}

void SimWorker::stop()
{
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  resume_.notify_all();
}

std::vector<IntervalBatch> SimWorker::take()
{
  std::lock_guard lock(mutex_);
  std::vector<IntervalBatch> rows;
  rows.swap(pending_);
  return rows;
}

RunOutcome SimWorker::outcome() const
{
  std::lock_guard lock(mutex_);
  return outcome_;
}

}  // namespace lbsim::gui
