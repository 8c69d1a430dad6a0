// ClientUsers: the users of a client group whose users wait for each answer (docs/users.md):
// `closed` keeps `users` of them for the whole run; `sessions` lets them arrive as a Poisson
// stream and leave after a drawn number of requests, or after one pass through the group's
// `steps`. A user sends a request, waits for its answer (a response, a refusal or a failure:
// whatever ends it at the ClientEnd), thinks for a think time, and sends the next. ClientGroup
// makes the requests; this class keeps who is who (which user sent which request, a user's
// address, step and resource id) and what the sessions did (SessionStats).
//
// Randomness: three streams of the group's own (think times; sessions' arrivals and lengths;
// which optional steps are sent), so a group's draws do not depend on another group's; within a
// group, users draw in event order, which the simulation makes deterministic.
#pragma once

#include "engine/rng.hpp"
#include "models/clients/session_stats.hpp"
#include "models/requests/request.hpp"
#include "models/system_config.hpp"

#include <optional>
#include <string>
#include <vector>

namespace lbsim::models {

// Who hears that a client's request has ended (ClientEnd), before the request is recycled.
class AnswerListener {
public:
  virtual ~AnswerListener() = default;
  // The user request `id` has ended: answered, refused, failed, or given up after its timeout.
  virtual void on_answer(RequestId id, const Request& r) = 0;
  // A client retry after a timeout goes on as a new Request: `to` is the same user request.
  virtual void on_attempt_renewed(RequestId from, RequestId to) = 0;
};

class ClientUsers {
public:
  ClientUsers(const ClientGroupConfig& group, uint64_t master_seed);

  bool closed() const { return config_.process == ArrivalConfig::Process::closed; }
  SimTime think();                 // a think time draw (the group's)
  SimTime session_gap();           // sessions: the time to the next session's arrival
  void set_session_rate(double rate_per_s) { session_gap_s_ = 1.0 / rate_per_s; }

  // sessions: a new user (a slot reused after an earlier session left), its request count drawn.
  uint32_t open_session(engine::RngStream& address_rng);
  uint32_t address_of(uint32_t user) const { return users_[user].address; }

  // With steps: the step user `user` sends next, and the resource id it carries (0: none yet).
  uint32_t step_of(uint32_t user) const { return users_[user].step; }
  uint32_t resource_of(uint32_t user) const { return users_[user].resource; }
  void set_resource(uint32_t user, uint32_t resource) { users_[user].resource = resource; }

  // User `user` is sending a request now (a session's or a pass's first one starts it).
  void sending(uint32_t user, SimTime now);
  // User `user` sent request `id`.
  void sent(RequestId id, uint32_t user);
  // A client retry of request `from` goes on as `to`: the same user, the same request of its session.
  void renewed(RequestId from, RequestId to);
  // The user whose request `id` has ended.
  uint32_t user_of(RequestId id) const { return user_of_request_[id]; }

  // What a user does once its request has ended (`answer`; null when it could not be sent): think
  // for `pause`, then send again, or leave (a session's end; its slot is free).
  struct NextMove {
    bool leaves = false;
    SimTime pause;
  };
  NextMove after_request(uint32_t user, SimTime now, const Request* answer);

  // The measured window starts now: sessions that start from now on are counted.
  void reset_measurement(SimTime now);
  // Whether sessions are counted: sessions groups, and closed users who walk steps (a pass each).
  bool has_sessions() const { return tracks_sessions_; }
  const SessionStats& sessions() const { return stats_; }
  uint32_t active() const { return static_cast<uint32_t>(users_.size() - free_.size()); }

private:
  struct User {
    uint32_t address = 0;   // index into the group's addresses
    uint64_t left = 0;      // sessions without steps: requests still to send (closed: unused)
    uint32_t step = 0;      // with steps: the next step to send
    uint32_t resource = 0;  // with steps: the id the steps carry
    uint64_t sent = 0;      // requests of the session sent so far (retries not counted)
    bool in_session = false, measured = false, lost = false;
    SimTime started;        // the session's (or pass's) first send
    uint32_t state_server = kNoServer;  // session_state: server: where the session's state lives
  };
  uint64_t draw_length();
  // With steps: the step after `from` that is sent (each drawn by its probability), or none.
  std::optional<uint32_t> next_step(uint32_t from);
  void note_server(User& user, const Request& answer);
  void session_ends(User& user, SimTime now);

  const ArrivalConfig& config_;
  const ClientGroupConfig& group_;
  uint32_t addresses_;
  engine::RngStream think_rng_;
  engine::RngStream session_rng_;
  engine::RngStream steps_rng_;
  double session_gap_s_ = 0;
  std::vector<User> users_;
  std::vector<uint32_t> free_;  // sessions: slots of users who left, the last freed first
  std::vector<uint32_t> user_of_request_;  // by RequestId, while the request is in flight
  bool tracks_sessions_ = false;
  SimTime measure_from_;
  SessionStats stats_;
};

// A closed group's throughput is at most N / (Z + D), D the mean work of its mix at speed 1 (the
// interactive response time law with no queueing): an estimate of its rate for planning a run
// (metrics intervals, the run estimate). Other groups: their mean rate.
double planning_rate_per_s(const ClientGroupConfig& group);

// A closed group's mean think time per request: its think time, or with steps the pauses of one
// pass (the group's before the first step, each later step's own or the group's when it is sent)
// over the requests of a pass. What the interactive response time law and MVA take as Z.
double mean_think_per_request_s(const ClientGroupConfig& group);

}  // namespace lbsim::models
