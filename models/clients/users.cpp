#include "models/clients/users.hpp"

#include "engine/exponential.hpp"

#include <cmath>

namespace lbsim::models {

ClientUsers::ClientUsers(const ClientGroupConfig& group, uint64_t master_seed)
    : config_(group.arrivals), group_(group), addresses_(static_cast<uint32_t>(group.addresses.size())),
      think_rng_(master_seed, "client:" + group.name + ":think"),
      session_rng_(master_seed, "client:" + group.name + ":sessions"),
      steps_rng_(master_seed, "client:" + group.name + ":steps"),
      tracks_sessions_(!closed() || group.steps)
{
  if (closed()) {
    // User u is the client at address u mod the group's addresses.
    users_.resize(config_.users);
    for (uint32_t u = 0; u < config_.users; ++u) users_[u].address = u % addresses_;
  } else {
    session_gap_s_ = 1.0 / config_.rate_per_s;
  }
}

SimTime ClientUsers::think() { return SimTime::from_seconds(config_.think_time->sample(think_rng_)); }

SimTime ClientUsers::session_gap()
{
  return SimTime::from_seconds(engine::standard_exponential(session_rng_) * session_gap_s_);
}

uint64_t ClientUsers::draw_length()
{
  const SessionLength& l = config_.session_length;
  switch (l.kind) {
    case SessionLength::Kind::constant: return l.min;
    case SessionLength::Kind::uniform: return l.min + session_rng_.below(uint64_t{l.max} - l.min + 1);
    case SessionLength::Kind::geometric: {
      // On 1, 2, ...: P(K > k) = (1 - p)^k with p = 1 / mean; by inversion, one draw.
      if (!(l.mean > 1)) return 1;
      const double u = 1.0 - session_rng_.uniform01();  // (0, 1]
      return 1 + static_cast<uint64_t>(std::floor(std::log(u) / std::log1p(-1.0 / l.mean)));
    }
  }
  return 1;
}

uint32_t ClientUsers::open_session(engine::RngStream& address_rng)
{
  uint32_t user;
  if (!free_.empty()) {
    user = free_.back();
    free_.pop_back();
  } else {
    user = static_cast<uint32_t>(users_.size());
    users_.emplace_back();
  }
  User& u = users_[user];
  // With steps a session is one pass through them; without, a drawn number of requests.
  u.left = group_.steps ? 0 : draw_length();
  u.step = 0;
  // A session is one client for all its requests: an address drawn as an open group draws one.
  u.address = addresses_ == 1 ? 0 : static_cast<uint32_t>(address_rng.below(addresses_));
  return user;
}

void ClientUsers::sending(uint32_t user, SimTime now)
{
  User& u = users_[user];
  if (tracks_sessions_ && !u.in_session) {
    u.in_session = true;
    u.measured = now >= measure_from_;
    u.lost = false;
    u.started = now;
    u.sent = 0;
    u.resource = 0;
    u.state_server = kNoServer;
    if (u.measured) ++stats_.started;
  }
}

void ClientUsers::sent(RequestId id, uint32_t user)
{
  ++users_[user].sent;
  if (id >= user_of_request_.size()) user_of_request_.resize(id + 1);
  user_of_request_[id] = user;
}

void ClientUsers::renewed(RequestId from, RequestId to)
{
  if (to >= user_of_request_.size()) user_of_request_.resize(to + 1);
  user_of_request_[to] = user_of_request_[from];
}

std::optional<uint32_t> ClientUsers::next_step(uint32_t from)
{
  for (uint32_t k = from + 1; k < group_.mix.size(); ++k) {
    const double p = group_.mix[k].step_probability;
    if (p >= 1.0 || steps_rng_.uniform01() < p) return k;
  }
  return std::nullopt;
}

// session_state: server: the first answer of a session puts its state on the server that gave it;
// an answer from another server finds no state there (a session lost, counted once) and starts it
// again where it landed, as a user who logs in again would.
void ClientUsers::note_server(User& u, const Request& answer)
{
  if (!answer.ok() || answer.server == kNoServer) return;
  if (u.state_server != kNoServer && u.state_server != answer.server && !u.lost) {
    u.lost = true;
    if (u.measured) ++stats_.lost;
  }
  u.state_server = answer.server;
}

void ClientUsers::session_ends(User& u, SimTime now)
{
  if (!u.in_session) return;
  u.in_session = false;
  if (!u.measured) return;
  ++stats_.completed;
  stats_.requests += u.sent;
  stats_.time.record((now - u.started).ns());
}

ClientUsers::NextMove ClientUsers::after_request(uint32_t user, SimTime now, const Request* answer)
{
  User& u = users_[user];
  if (answer && group_.session_state_on_server && u.in_session) note_server(u, *answer);
  if (group_.steps) {
    if (const std::optional<uint32_t> next = next_step(u.step)) {
      u.step = *next;
      const DistributionPtr& pause = group_.mix[*next].step_think;
      return {false, pause ? SimTime::from_seconds(pause->sample(think_rng_)) : think()};
    }
    // The pass is over: a session leaves, a closed user starts again after a think time.
    session_ends(u, now);
    u.step = 0;
    if (closed()) return {false, think()};
    free_.push_back(user);
    return {true, SimTime{}};
  }
  if (closed()) return {false, think()};
  if (--u.left > 0) return {false, think()};
  session_ends(u, now);
  free_.push_back(user);
  return {true, SimTime{}};
}

void ClientUsers::reset_measurement(SimTime now)
{
  measure_from_ = now;
  stats_.started = stats_.completed = stats_.lost = stats_.requests = 0;
  stats_.time = engine::LatencyHistogram{};
  for (User& u : users_) u.measured = false;  // begun before the window: not counted
}

double mean_think_per_request_s(const ClientGroupConfig& group)
{
  const ArrivalConfig& a = group.arrivals;
  const double z = a.think_time ? a.think_time->mean() : 0.0;
  if (!group.steps || group.mix.empty()) return z;
  double pauses = z, requests = 1;
  for (size_t k = 1; k < group.mix.size(); ++k) {
    const RequestType& step = group.mix[k];
    pauses += step.step_probability * (step.step_think ? step.step_think->mean() : z);
    requests += step.step_probability;
  }
  return pauses / requests;
}

double planning_rate_per_s(const ClientGroupConfig& group)
{
  const ArrivalConfig& a = group.arrivals;
  if (a.process != ArrivalConfig::Process::closed) return a.mean_rate_per_s();
  // Per request: its mean think and its mean work (steps: weighted by how often each is sent).
  double weight = 0, work = 0;
  for (const RequestType& type : group.mix) {
    const double w = group.steps ? type.step_probability : type.share;
    weight += w;
    if (type.work) work += w * type.work->mean();
  }
  const double cycle = mean_think_per_request_s(group) + (weight > 0 ? work / weight : 0.0);
  return cycle > 0 ? a.users / cycle : 0.0;
}

}  // namespace lbsim::models
