// ClientUsers: the users of a client group whose users wait for each answer (docs/users.md):
// `closed` keeps `users` of them for the whole run; `sessions` lets them arrive as a Poisson
// stream and leave after a drawn number of requests. A user sends a request, waits for its answer
// (a response, a refusal or a failure: whatever ends it at the ClientEnd), thinks for a think
// time, and sends the next. ClientGroup makes the requests; this class only keeps who is who:
// which user sent which request, what address a user has, how many requests a session has left.
//
// Randomness: two streams of the group's own (think times; sessions' arrivals and lengths), so a
// group's draws do not depend on another group's; within a group, users draw in event order,
// which the simulation makes deterministic.
#pragma once

#include "engine/rng.hpp"
#include "models/requests/request.hpp"
#include "models/system_config.hpp"

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
  ClientUsers(const ArrivalConfig& config, uint64_t master_seed, const std::string& group_name, uint32_t addresses);

  bool closed() const { return config_.process == ArrivalConfig::Process::closed; }
  SimTime think();                 // a think time draw
  SimTime session_gap();           // sessions: the time to the next session's arrival
  void set_session_rate(double rate_per_s) { session_gap_s_ = 1.0 / rate_per_s; }

  // sessions: a new user (a slot reused after an earlier session left), its request count drawn.
  uint32_t open_session(engine::RngStream& address_rng);
  uint32_t address_of(uint32_t user) const { return users_[user].address; }

  // User `user` sent request `id`.
  void sent(RequestId id, uint32_t user);
  // A request of `user` has ended (or could not be sent): whether the user sends another after a
  // think time. When not (a session's last request), the user leaves and the slot is free.
  bool goes_on(uint32_t user);
  // The user whose request `id` has ended.
  uint32_t user_of(RequestId id) const { return user_of_request_[id]; }

  uint64_t sessions_started() const { return sessions_started_; }
  uint32_t active() const { return static_cast<uint32_t>(users_.size() - free_.size()); }

private:
  struct User {
    uint32_t address = 0;  // index into the group's addresses
    uint64_t left = 0;     // sessions: requests still to send (closed: unused)
  };
  uint64_t draw_length();

  const ArrivalConfig& config_;
  uint32_t addresses_;
  engine::RngStream think_rng_;
  engine::RngStream session_rng_;
  double session_gap_s_ = 0;
  std::vector<User> users_;
  std::vector<uint32_t> free_;  // sessions: slots of users who left, the last freed first
  std::vector<uint32_t> user_of_request_;  // by RequestId, while the request is in flight
  uint64_t sessions_started_ = 0;
};

// A closed group's throughput is at most N / (Z + D), D the mean work of its mix at speed 1 (the
// interactive response time law with no queueing): an estimate of its rate for planning a run
// (metrics intervals, the run estimate). Other groups: their mean rate.
double planning_rate_per_s(const ClientGroupConfig& group);

}  // namespace lbsim::models
