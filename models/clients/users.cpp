#include "models/clients/users.hpp"

#include "engine/exponential.hpp"

#include <cmath>

namespace lbsim::models {

ClientUsers::ClientUsers(const ArrivalConfig& config, uint64_t master_seed, const std::string& group_name,
                         uint32_t addresses)
    : config_(config), addresses_(addresses), think_rng_(master_seed, "client:" + group_name + ":think"),
      session_rng_(master_seed, "client:" + group_name + ":sessions")
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
  ++sessions_started_;
  uint32_t user;
  if (!free_.empty()) {
    user = free_.back();
    free_.pop_back();
  } else {
    user = static_cast<uint32_t>(users_.size());
    users_.emplace_back();
  }
  users_[user].left = draw_length();
  // A session is one client for all its requests: an address drawn as an open group draws one.
  users_[user].address = addresses_ == 1 ? 0 : static_cast<uint32_t>(address_rng.below(addresses_));
  return user;
}

void ClientUsers::sent(RequestId id, uint32_t user)
{
  if (id >= user_of_request_.size()) user_of_request_.resize(id + 1);
  user_of_request_[id] = user;
}

bool ClientUsers::goes_on(uint32_t user)
{
  if (closed()) return true;
  if (--users_[user].left > 0) return true;
  free_.push_back(user);
  return false;
}

double planning_rate_per_s(const ClientGroupConfig& group)
{
  const ArrivalConfig& a = group.arrivals;
  if (a.process != ArrivalConfig::Process::closed) return a.mean_rate_per_s();
  double shares = 0, work = 0;
  for (const RequestType& type : group.mix) {
    shares += type.share;
    if (type.work) work += type.share * type.work->mean();
  }
  const double cycle = (a.think_time ? a.think_time->mean() : 0.0) + (shares > 0 ? work / shares : 0.0);
  return cycle > 0 ? a.users / cycle : 0.0;
}

}  // namespace lbsim::models
