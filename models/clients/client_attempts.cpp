#include "models/clients/client_attempts.hpp"

#include "models/requests/http_method.hpp"
#include "models/services/service.hpp"

#include <algorithm>

namespace lbsim::models {

bool ClientAttempts::wanted(const SystemConfig& config)
{
  for (const ClientGroupConfig& g : config.clients)
    for (const RequestType& t : g.mix)
      if (t.timeout > SimTime::zero() || t.retries.max > 0) return true;
  return false;
}

ClientAttempts::ClientAttempts(RunContext& run, MetricsRecorder& metrics, AttemptSender& sender)
    : run_(run), metrics_(metrics), sender_(sender), handler_(run.sim.add_handler(*this))
{
  for (const ClientGroupConfig& g : run.config.clients) {
    backoff_rng_.emplace_back(run.config.seed, "client:" + g.name + ":retries");
    budgets_.emplace_back(g.mix.size());
    std::vector<bool> idempotent;
    for (const RequestType& t : g.mix) idempotent.push_back(is_idempotent_method(t.method));
    idempotent_.push_back(std::move(idempotent));
  }
}

// The event carries the attempt's id and the low 32 bits of its sequence: a recycled id belongs
// to a request with another sequence (4 billion requests apart), and an answered attempt has
// sequence 0 (on_reply), so a stale timeout finds nothing to do.
void ClientAttempts::on_sending(RequestId id, Request& r)
{
  const RequestType& t = type(r);
  if (r.client_attempt == 0 && t.retries.budget_ratio) budgets_[r.client_group][r.type].on_first_attempt(run_.sim.now());
  if (t.timeout > SimTime::zero())
    run_.sim.schedule_in(t.timeout, handler_, kTimeout, id | (r.sequence & 0xffffffffu) << 32);
}

void ClientAttempts::handle(const engine::Event& event)
{
  const auto id = static_cast<RequestId>(event.arg & 0xffffffffu);
  if (event.kind() == kResend) {
    sender_.send_attempt(id);
    return;
  }
  on_timeout(id, static_cast<uint32_t>(event.arg >> 32));
}

// The next attempt of `user_request` in the fresh Request `attempt`: who sent it, what it asks
// (the same demand), and when the user request was first sent.
void ClientAttempts::next_attempt_of(const Request& user_request, Request& attempt)
{
  attempt.client_group = user_request.client_group;
  attempt.client = user_request.client;
  attempt.type = user_request.type;
  attempt.shape = user_request.shape;
  attempt.work = user_request.work;
  attempt.resource = user_request.resource;
  attempt.bad_credentials = user_request.bad_credentials;
  attempt.sent = user_request.sent;
  attempt.measured = user_request.measured;
  attempt.client_attempt = static_cast<uint8_t>(user_request.client_attempt + 1);
}

void ClientAttempts::on_timeout(RequestId id, uint32_t sequence)
{
  Request& r = run_.requests[id];
  if (r.sequence == 0 || (r.sequence & 0xffffffffu) != sequence || r.timed_out) return;  // answered meanwhile
  r.timed_out = true;
  const RequestType& t = type(r);
  const bool cancel = t.cancel_on_timeout && r.resident && r.server != kNoServer;
  const uint32_t server = r.server;
  const bool retry = may_retry(r, t);
  if (retry) {
    // A new attempt of the same user request; the timed-out one goes on without anyone waiting.
    const RequestId nid = run_.requests.acquire();  // may move every request: no reference kept across it
    Request& n = run_.requests[nid];
    next_attempt_of(run_.requests[id], n);
    metrics_.on_client_retry(n);
    if (AnswerListener* listener = listener_of(n.client_group)) listener->on_attempt_renewed(id, nid);
    schedule_resend(nid, n, t);
  } else {
    metrics_.on_client_timeout(r);
    // The user stops waiting now: a closed-loop user thinks, then sends its next request.
    if (AnswerListener* listener = listener_of(r.client_group)) listener->on_answer(id, r);
  }
  // Last: dropping it may answer it (499) at once, and on_reply recycles it.
  if (cancel) run_.services[run_.servers[server]->service()]->station().abandon(id);
  if (!retry) run_.control.on_request_done(false);  // the user request ended (timed out)
}

bool ClientAttempts::on_reply(RequestId id, Request& r)
{
  if (r.timed_out) {  // nobody waits for it
    metrics_.on_late_answer(r);
    r.sequence = 0;
    run_.requests.release(id);
    run_.control.on_call_done();  // the run may end here
    return true;
  }
  if (r.ok() || r.status < kInternalError) return false;
  const RequestType& t = type(r);
  if (!may_retry(r, t)) return false;
  // The same Request goes out again: back to a fresh one, but for who sent it and what it asks.
  const Request kept = r;
  r.reset();
  next_attempt_of(kept, r);
  metrics_.on_client_retry(r);
  schedule_resend(id, r, t);
  return true;
}

bool ClientAttempts::may_retry(const Request& r, const RequestType& t)
{
  const ClientRetryConfig& c = t.retries;
  if (r.client_attempt >= c.max) return false;
  if (!c.non_idempotent && !idempotent_[r.client_group][r.type]) return false;
  if (c.budget_ratio &&
      !budgets_[r.client_group][r.type].try_retry(run_.sim.now(), *c.budget_ratio, c.budget_min_per_second))
    return false;
  return true;
}

// none: at once; constant: `delay`; exponential: d = min(cap, base x 2^(n-1)) for the n-th retry,
// then full jitter U(0, d), equal jitter d/2 + U(0, d/2), or d itself (AWS's "Exponential Backoff
// and Jitter").
SimTime ClientAttempts::backoff(const Request& r, const ClientRetryConfig& c)
{
  using Backoff = ClientRetryConfig::Backoff;
  using Jitter = ClientRetryConfig::Jitter;
  if (c.backoff == Backoff::none) return SimTime::zero();
  if (c.backoff == Backoff::constant) return c.delay;
  const int n = std::max(1, static_cast<int>(r.client_attempt));  // this retry's number
  double d = c.base.seconds();
  for (int k = 1; k < n && d < c.cap.seconds(); ++k) d *= 2;
  d = std::min(d, c.cap.seconds());
  engine::RngStream& rng = backoff_rng_[r.client_group];
  switch (c.jitter) {
    case Jitter::full: d *= rng.uniform01(); break;
    case Jitter::equal: d = d / 2 + d / 2 * rng.uniform01(); break;
    case Jitter::none: break;
  }
  return SimTime::from_seconds(d);
}

void ClientAttempts::schedule_resend(RequestId id, Request& r, const RequestType& t)
{
  r.sequence = 0;  // no timeout of an earlier send applies to it any more
  run_.sim.schedule_in(backoff(r, t.retries), handler_, kResend, id);
}

}  // namespace lbsim::models
