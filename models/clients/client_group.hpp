// ClientGroup: a source of requests from a population of client addresses, each request drawn
// from the group's mix of request types (or, in a trace, of the recorded type). Open loop (its
// ArrivalProcess: poisson, constant, bursty, diurnal, scripted or traced arrivals), or users who
// wait for each answer (closed, sessions: ClientUsers, told of each answer through on_answer).
#pragma once

#include "engine/discrete_popularity.hpp"
#include "engine/event_handler.hpp"
#include "engine/rng.hpp"
#include "engine/simulation.hpp"
#include "models/clients/arrival_process.hpp"
#include "models/clients/users.hpp"
#include "models/requests/request.hpp"
#include "models/system_config.hpp"

#include <memory>
#include <optional>
#include <vector>

namespace lbsim::models {

class RequestSink {
public:
  virtual ~RequestSink() = default;
  virtual void on_request_sent(RequestId request) = 0;
};

class ClientGroup final : public engine::EventHandler, public AnswerListener {
public:
  ClientGroup(uint32_t index, const ClientGroupConfig& config, uint64_t master_seed, engine::Simulation& sim,
              RequestPool& requests, RequestSink& sink, const ArrivalRegistry& arrivals);

  void start();  // schedules the first arrival
  void handle(const engine::Event& event) override;
  // closed, sessions: the request `id` of this group has ended; its user thinks, then sends again.
  void on_answer(RequestId id, const Request& r) override;
  void on_attempt_renewed(RequestId from, RequestId to) override;
  const ClientUsers* users() const { return users_.get(); }  // null for an open group
  // The measured window starts now (the users' sessions are counted from it).
  void reset_measurement(SimTime now);
  // A `rate` step of the timeline: from now on, arrivals at the new (mean) rate; bursty and diurnal
  // processes keep their shape, scaled. Scripted and traced groups are not stepped.
  void set_rate(double rate_per_s);
  const ClientGroupConfig& config() const { return config_; }
  // Arrivals while `cap` requests are in flight in the whole system are not sent (counted).
  void set_in_flight_cap(uint64_t cap) { in_flight_cap_ = cap; }
  uint64_t not_sent_at_cap() const { return not_sent_at_cap_; }
  // A scripted group that has sent its whole script sends nothing more.
  bool exhausted() const
  {
    return config_.arrivals.scripted() && sent_ >= config_.arrivals.script.size();
  }

private:
  // Event kinds: an open arrival (0, the common case), a user's next request, a session's arrival.
  static constexpr uint32_t kUserSends = 1, kSessionArrives = 2;
  void schedule_next();
  // A new request of this group, filled in (client, type, work, ...) and stamped sent now;
  // `client` is the user's address, or drawn when absent; `step` the type a user's step sends.
  RequestId create(const ScriptedArrival* scripted, std::optional<uint32_t> client,
                   std::optional<uint32_t> step = std::nullopt);
  [[gnu::noinline]] void handle_user_event(const engine::Event& event);
  void send_as(uint32_t user);
  // A user's request has ended (`answer`; null: it could not be sent): it thinks, then sends again, or leaves.
  void user_goes_on(uint32_t user, const Request* answer);
  [[gnu::noinline]] void schedule_next_other();  // every process but poisson, through process_
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
  std::vector<std::optional<engine::DiscretePopularity>> ids_;  // per request type: its `ids`, if any
  bool poisson_ = false;   // drawn here, without process_'s virtual call (the common case)
  double mean_gap_s_ = 0;  // poisson: 1 / rate
  std::unique_ptr<ArrivalProcess> process_;
  std::unique_ptr<ClientUsers> users_;  // closed and sessions groups
  uint64_t sent_ = 0;
  uint64_t in_flight_cap_ = UINT64_MAX;
  uint64_t not_sent_at_cap_ = 0;
  engine::EventHandle next_;  // the pending arrival
};

}  // namespace lbsim::models
