// ClientGroup: an open-loop source of requests (poisson, constant, bursty, diurnal, scripted or
// traced arrivals) from a population of client addresses, each request drawn from the group's
// mix of request types (or, in a trace, of the recorded type).
#pragma once

#include "engine/event_handler.hpp"
#include "engine/rng.hpp"
#include "engine/simulation.hpp"
#include "models/clients/modulated_poisson.hpp"
#include "models/requests/request.hpp"
#include "models/system_config.hpp"

#include <optional>

namespace lbsim::models {

class RequestSink {
public:
  virtual ~RequestSink() = default;
  virtual void on_request_sent(RequestId request) = 0;
};

class ClientGroup final : public engine::EventHandler {
public:
  ClientGroup(uint32_t index, const ClientGroupConfig& config, uint64_t master_seed, engine::Simulation& sim,
              RequestPool& requests, RequestSink& sink);

  void start();  // schedules the first arrival
  void handle(const engine::Event& event) override;
  // A `rate` step of the timeline: from now on, arrivals at the new (mean) rate; bursty and diurnal
  // processes keep their shape, scaled. Scripted and traced groups are not stepped.
  void set_rate(double rate_per_s);
  const ClientGroupConfig& config() const { return config_; }
  // A scripted group that has sent its whole script sends nothing more.
  bool exhausted() const
  {
    return config_.arrivals.scripted() && sent_ >= config_.arrivals.script.size();
  }

private:
  void schedule_next();
  [[gnu::noinline]] void schedule_next_other();  // every process but poisson
  uint32_t pick_type();

  uint32_t index_;
  const ClientGroupConfig& config_;
  engine::Simulation& sim_;
  RequestPool& requests_;
  RequestSink& sink_;
  engine::HandlerId handler_;
  engine::RngStream arrival_rng_;  // separate streams: changing the mix leaves arrival times alone
  engine::RngStream request_rng_;
  double share_total_ = 0;
  double mean_gap_s_ = 0;  // 1 / rate
  SimTime start_;
  uint64_t sent_ = 0;
  std::optional<BurstyArrivals> bursty_;
  std::optional<DiurnalArrivals> diurnal_;
  double rate_per_s_ = 0;          // poisson, constant: the current rate (a `rate` step changes it)
  double rate_scale_ = 1;          // a `rate` step of the timeline scales the process's rate
  uint64_t sent_at_start_ = 0;     // constant arrivals count from the last rate change
  engine::EventHandle next_;       // the pending arrival
};

}  // namespace lbsim::models
