// MetricsRecorder: everything a run measures after warm-up: counts, the latency distribution,
// requests in flight (for Little's law), per-server utilization and queues, with a network the
// split of each response time into network time and server time and each link's load, and one
// time-series row per metrics interval, handed to a sink as it is produced so memory stays constant.
#pragma once

#include "engine/event_handler.hpp"
#include "engine/latency_histogram.hpp"
#include "engine/simulation.hpp"
#include "engine/time_weighted_count.hpp"
#include "models/requests/request.hpp"
#include "models/services/server.hpp"
#include "models/system_config.hpp"

#include <array>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace lbsim::models {

class Service;

// A gateway's answers over one interval (timeseries.csv's last columns, only with a gateway).
struct GatewayIntervalCounts {
  uint64_t status_2xx = 0, status_4xx = 0, status_429 = 0, status_5xx = 0, preflights = 0;
  uint64_t cache_lookups = 0, cache_hits = 0;
};
class GatewayIntervals {
public:
  virtual ~GatewayIntervals() = default;
  // The counts since the last call.
  virtual GatewayIntervalCounts close_interval() = 0;
};

// Per interval, with client timeouts or retries (docs/clients.md).
struct ClientIntervalCounts {
  uint64_t timed_out = 0;        // user requests the client gave up on
  uint64_t late = 0;             // 200s that came after their client gave up (dropped)
  uint64_t retried = 0;          // retries the clients sent
  double goodput_rps = 0;        // answers in time per second (the completed)
  double abandoned_work_s = 0;   // server seconds spent on answers nobody waited for
};

struct IntervalRow {
  double time_s = 0;  // end of the interval, simulated seconds since the start of the run
  double throughput_rps = 0;
  double latency_mean_s = 0, latency_p50_s = 0, latency_p99_s = 0;
  uint64_t in_flight = 0;
  uint32_t servers_up = 0;
  uint64_t arrived = 0, completed = 0, rejected = 0;
  // Means over the interval's completed requests: time in the network (response time minus
  // server time) and at the server (queueing and service). Without a network, 0 and the latency.
  double network_mean_s = 0, server_mean_s = 0;
  uint64_t failed = 0;         // requests failed in the interval (their server failed or was down)
  uint32_t servers_billed = 0; // provisioning, up, draining or restarting at the end of the interval
  double cost = 0;             // cumulative since the end of warm-up
  uint64_t events = 0;         // events the simulation processed since its start (a progress display's)
  std::optional<GatewayIntervalCounts> gateway;
  std::optional<ClientIntervalCounts> client;  // with client timeouts or retries only
};

struct LinkIntervalRow {
  double time_s = 0;
  const std::string* link = nullptr;
  double utilization = 0;      // throughput / bandwidth over the interval
  double throughput_bps = 0;   // bits carried in the interval / its length
  double bytes = 0;            // carried in the interval
};

struct ServerIntervalRow {
  double time_s = 0;
  const std::string* server = nullptr;
  const char* state = "";
  double utilization = 0;
  double queue = 0;  // mean waiting requests over the interval
  uint64_t completed = 0;
};

// One service over one interval (services.csv).
struct ServiceIntervalRow {
  double time_s = 0;
  const std::string* service = nullptr;
  uint64_t arrived = 0;
  uint64_t completed = 0;       // answered with 200
  uint64_t errors = 0;          // answered with 500 or 502
  uint64_t rejected = 0;        // answered with 503
  double throughput_rps = 0;    // 200s per second
  double latency_mean_s = 0, latency_p99_s = 0;  // of the 200s, from arrival at the service
  double utilization = 0;       // busy cores / cores of its servers that were serving
  uint64_t calls = 0;           // calls its endpoints made
};

// Receives the interval rows as the run produces them, on the thread that runs the simulation.
// It is also how a run is paused and stopped from outside (the GUI's worker): a sink may block in
// on_interval for as long as it likes (the run pauses between two intervals, in simulated time
// nothing happens), and when stop_requested() returns true after an interval the run ends there, as
// if its duration had been reached (the summary covers the time simulated so far). Neither changes
// the run's trajectory: a run that is not stopped has the same events and fingerprint with or
// without a sink, and a run without a sink pays nothing.
class TimeSeriesSink {
public:
  virtual ~TimeSeriesSink() = default;
  virtual void on_interval(const IntervalRow& row, std::span<const ServerIntervalRow> servers) = 0;
  // With a network: one row per directed link, right after on_interval for the same interval.
  virtual void on_link_interval(std::span<const LinkIntervalRow> /*links*/) {}
  // One row per service, after the links' rows for the same interval.
  virtual void on_service_interval(std::span<const ServiceIntervalRow> /*services*/) {}
  // Asked once per interval, after the interval's rows: true ends the run at this interval.
  virtual bool stop_requested() { return false; }
};

// The links a run's network carries, as the metrics read them (models/network/transfers.hpp).
class LinkMeter {
public:
  virtual ~LinkMeter() = default;
  virtual size_t link_count() const = 0;
  virtual const std::string& link_name(size_t link) const = 0;
  virtual double link_bandwidth_bps(size_t link) const = 0;
  virtual double link_bytes(size_t link, SimTime now) const = 0;  // carried since the last reset
  virtual void reset_link_measurement(SimTime now) = 0;
};

class MetricsRecorder final : public engine::EventHandler {
public:
  MetricsRecorder(const MetricsConfig& config, engine::Simulation& sim, const std::vector<std::unique_ptr<Server>>& servers);

  void set_sink(TimeSeriesSink* sink) { sink_ = sink; }
  // With a network: its links are measured from the end of warm-up, and every completion comes
  // with its server time (Request::server_time).
  void set_links(LinkMeter* links) { links_ = links; }
  // The services, for their interval rows (services.csv).
  void set_services(const std::vector<Service*>* services) { services_ = services; }
  void set_gateway(GatewayIntervals* gateway) { gateway_ = gateway; }
  void start_measuring();  // at the end of warm-up
  bool measuring() const { return measuring_; }
  void handle(const engine::Event& event) override;  // interval tick
  void finish();                                     // flushes a partial last interval

  void on_sent(const Request& r)
  {
    in_flight_.add(sim_.now(), 1);
    if (!r.measured) return;
    ++arrived_, ++interval_arrived_;
    measured_in_flight_.add(sim_.now(), 1);
    measured_in_flight_sent_ns_ += static_cast<uint64_t>(r.sent.ns());
  }
  // A refusal (503): with a network it reached the client after time in the system, which
  // Little's law counts.
  void on_rejected(const Request& r)
  {
    in_flight_.add(sim_.now(), -1);
    if (!r.measured) return;
    ended(r);
    ++rejected_, ++interval_rejected_;
    ++by_status_[kUnavailable];
    const int64_t time = (sim_.now() - r.sent).ns();
    rejected_time_ns_ += time;
    ended_time_ns_ += time;
  }
  // A completion; with a network the response time splits into server time (r.server_time,
  // queueing and service, and calls) and network time (the rest).
  void on_completed(const Request& r)
  {
    in_flight_.add(sim_.now(), -1);
    if (!r.measured) return;
    ended(r);
    const int64_t latency = (sim_.now() - r.sent).ns();
    interval_latency_.record(latency);  // joins latency_ at the interval's end
    ++completed_;
    ++by_status_[kOk];
    ended_time_ns_ += latency;
    if (links_) {
      const int64_t server = r.server_time.ns();
      network_time_.record(latency - server);
      server_time_.record(server);
      interval_server_ns_ += server;
      interval_network_ns_ += latency - server;
    }
  }
  // Any other answer: a failure (its server failed or was down and no retry saved it, a call of
  // it failed, a gateway timed it out), or a gateway's refusal that is not a capacity 503 (a rate
  // limit's, whatever its status; 401 and 403 from auth; 404 without a route), counted apart.
  void on_failed(const Request& r)
  {
    in_flight_.add(sim_.now(), -1);
    if (!r.measured) return;
    ended(r);
    ++by_status_[r.status < kStatusSlots ? r.status : 0];
    ended_time_ns_ += (sim_.now() - r.sent).ns();
    switch (r.cause) {
      case kCauseRateLimited: ++rate_limited_; return;
      case kCauseAuthDenied: ++unauthorized_; return;
      case kCauseNoRoute: ++not_found_; return;
      default: break;
    }
    ++failed_, ++interval_failed_;
    if (r.status == kInternalError) ++internal_errors_;
    if (r.status == 504) ++timed_out_;
  }

  // The client's side (models/clients/client_attempts.hpp), when some request type has a timeout
  // or retries: the columns of timeseries.csv follow.
  void set_client_side(bool on) { client_side_ = on; }
  bool client_side() const { return client_side_; }
  // The client gave up on the user request for good: it ends here (Little's W counts its wait).
  void on_client_timeout(const Request& r)
  {
    in_flight_.add(sim_.now(), -1);
    if (!r.measured) return;
    ended(r);
    ++client_timeouts_, ++interval_client_.timed_out;
    ended_time_ns_ += (sim_.now() - r.sent).ns();
  }
  // An answer after its client gave up: a 200 counts in throughput, not in goodput.
  void on_late_answer(const Request& r)
  {
    if (r.measured && r.ok()) ++late_, ++interval_client_.late;
  }
  void on_client_retry(const Request& r)
  {
    if (r.measured) ++client_retries_, ++interval_client_.retried;
  }
  uint64_t client_timeouts() const { return client_timeouts_; }
  uint64_t late_answers() const { return late_; }
  uint64_t client_retries() const { return client_retries_; }

  uint64_t arrived() const { return arrived_; }
  uint64_t completed() const { return completed_; }
  uint64_t rejected() const { return rejected_; }
  uint64_t failed() const { return failed_; }
  uint64_t internal_errors() const { return internal_errors_; }  // of the failed: 500s
  uint64_t timed_out() const { return timed_out_; }              // of the failed: 504s
  uint64_t rate_limited() const { return rate_limited_; }
  uint64_t unauthorized() const { return unauthorized_; }
  uint64_t not_found() const { return not_found_; }
  // Measured requests by the status they ended with (0 stands for any status past 599).
  static constexpr uint16_t kStatusSlots = 600;
  uint64_t count_of_status(uint16_t status) const { return by_status_[status]; }
  // The time every measured request that ended spent, from its send to its answer (Little's W).
  double ended_time_s() const { return static_cast<double>(ended_time_ns_) * 1e-9; }
  // The run's response times: every interval's, merged as each interval ends (one histogram update
  // per response instead of two), so complete after finish().
  const engine::LatencyHistogram& latency() const { return latency_; }
  // With a network (set_links), of the completed measured requests; empty otherwise.
  const engine::LatencyHistogram& network_time() const { return network_time_; }
  const engine::LatencyHistogram& server_time() const { return server_time_; }
  // With a network: total time the measured refused requests spent in the system.
  double rejected_time_s() const { return static_cast<double>(rejected_time_ns_) * 1e-9; }
  double mean_in_flight() const { return in_flight_.average(sim_.now()); }
  // Little's law over the measured requests (sent after warm-up), a population whose every member
  // is counted on both sides: L, their time-average number in the system; and the time they spent
  // in it by now, as the part of the ended ones (completed, refused or failed alike) and the part
  // of those still in flight, counted up to now.
  double measured_mean_in_system() const { return measured_in_flight_.average(sim_.now()); }
  uint64_t measured_in_flight() const { return static_cast<uint64_t>(measured_in_flight_.value()); }
  double measured_in_flight_age_s() const
  {
    // sum over in-flight requests of (now - sent), modulo 2^64 like the running sum: exact.
    const uint64_t now = static_cast<uint64_t>(sim_.now().ns());
    return static_cast<double>(static_cast<int64_t>(measured_in_flight() * now - measured_in_flight_sent_ns_)) * 1e-9;
  }
  SimTime measure_start() const { return measure_start_; }
  // A run with a duration ends here: its tick at this instant is the last and gets server rows.
  void set_run_end(SimTime end) { run_end_ = end; }

private:
  // `last`: the run's final (possibly partial) interval, which always gets its server rows.
  void emit_row(bool last);
  void fill_server_rows(SimTime now, bool due);
  void ended(const Request& r)
  {
    measured_in_flight_.add(sim_.now(), -1);
    measured_in_flight_sent_ns_ -= static_cast<uint64_t>(r.sent.ns());
  }

  MetricsConfig config_;
  engine::Simulation& sim_;
  const std::vector<std::unique_ptr<Server>>& servers_;
  engine::HandlerId handler_;
  TimeSeriesSink* sink_ = nullptr;
  LinkMeter* links_ = nullptr;
  bool measuring_ = false;
  SimTime measure_start_;
  SimTime interval_start_;

  uint64_t arrived_ = 0, completed_ = 0, rejected_ = 0;
  uint64_t interval_arrived_ = 0, interval_rejected_ = 0;
  uint64_t failed_ = 0, interval_failed_ = 0, internal_errors_ = 0, timed_out_ = 0;
  uint64_t rate_limited_ = 0, unauthorized_ = 0, not_found_ = 0;
  bool client_side_ = false;
  uint64_t client_timeouts_ = 0, late_ = 0, client_retries_ = 0;
  ClientIntervalCounts interval_client_;  // counts of the interval under way
  double abandoned_at_interval_start_ = 0;
  std::array<uint64_t, kStatusSlots> by_status_{};
  int64_t ended_time_ns_ = 0;
  engine::LatencyHistogram latency_;
  engine::LatencyHistogram interval_latency_;
  engine::TimeWeightedCount in_flight_;
  engine::TimeWeightedCount measured_in_flight_;
  uint64_t measured_in_flight_sent_ns_ = 0;  // sum of their send times, modulo 2^64
  engine::LatencyHistogram network_time_;
  engine::LatencyHistogram server_time_;
  int64_t interval_server_ns_ = 0, interval_network_ns_ = 0;
  int64_t rejected_time_ns_ = 0;

  // Per server, the cumulative values at the start of its row's span: servers.csv gets a row every
  // config_.server_rows_every intervals (MetricsConfig), over the intervals since its previous row.
  SimTime server_rows_start_;
  SimTime run_end_ = SimTime::max();
  uint32_t intervals_since_server_rows_ = 0;
  std::vector<double> busy_at_interval_start_, queue_at_interval_start_;
  std::vector<uint64_t> completed_at_interval_start_;
  std::vector<ServerIntervalRow> server_rows_;
  const std::vector<Service*>* services_ = nullptr;
  GatewayIntervals* gateway_ = nullptr;
  std::vector<ServiceIntervalRow> service_rows_;
  std::vector<std::pair<double, double>> service_seen_;  // per service: busy and capacity core-seconds at the interval's start
  std::vector<double> link_bytes_at_interval_start_;
  std::vector<LinkIntervalRow> link_rows_;
};

}  // namespace lbsim::models
