// ClientAttempts: the client's side of a request's life (docs/clients.md, "Timeouts and retries"):
// its timeout, after which the client stops waiting (a late answer is dropped when it comes), and
// its retries after a timeout or a 5xx, each a new attempt of the same user request after a
// backoff and within a budget, for idempotent methods only unless told otherwise.
//
// A user request is measured from its first send to its final answer (or its final timeout): an
// attempt that is retried ends nothing, the user request is still in flight. A retry after a 5xx
// re-sends the same Request; one after a timeout is a new Request (the timed-out attempt is
// still somewhere in the system, and its server may still be serving it).
//
// Built only when some request type has a timeout or retries, and its handler is added after
// every other, so runs without them keep their events and handler ids.
#pragma once

#include "engine/event_handler.hpp"
#include "engine/rng.hpp"
#include "models/clients/retry_budget.hpp"
#include "models/clients/users.hpp"
#include "models/metrics/metrics.hpp"
#include "models/requests/run_context.hpp"

#include <vector>

namespace lbsim::models {

// Sends an attempt of a user request (the System: like a new request, without a new arrival).
class AttemptSender {
public:
  virtual ~AttemptSender() = default;
  virtual void send_attempt(RequestId id) = 0;
};

class ClientAttempts final : public engine::EventHandler {
public:
  ClientAttempts(RunContext& run, MetricsRecorder& metrics, AttemptSender& sender);

  // True when some request type of the scenario has a timeout or retries.
  static bool wanted(const SystemConfig& config);

  // An attempt is about to be sent (r.sequence set): its timeout starts now. Called before the
  // send, which may answer it at once.
  void on_sending(RequestId id, Request& r);
  // An attempt's reply reached its client. True when that is not the user's answer: a late one
  // (dropped and recycled here), or a failure that is retried.
  bool on_reply(RequestId id, Request& r);
  void handle(const engine::Event& event) override;
  // Closed-loop and session groups' users (per client group, null for an open group): told when a
  // user request ends at its final timeout, and when a retry renews it as another Request.
  void set_answer_listeners(std::vector<AnswerListener*> listeners) { listeners_ = std::move(listeners); }

private:
  enum Kind : uint32_t { kTimeout = 0, kResend = 1 };
  const RequestType& type(const Request& r) const
  {
    return run_.config.clients[r.client_group].mix[r.type];
  }
  static void next_attempt_of(const Request& user_request, Request& attempt);
  void on_timeout(RequestId id, uint32_t sequence);
  AnswerListener* listener_of(uint32_t group) const { return group < listeners_.size() ? listeners_[group] : nullptr; }
  // A retry is due: allowed by max, the method and the budget? (counts it in the budget)
  bool may_retry(const Request& r, const RequestType& t);
  SimTime backoff(const Request& r, const ClientRetryConfig& c);
  void schedule_resend(RequestId id, Request& r, const RequestType& t);

  RunContext& run_;
  MetricsRecorder& metrics_;
  AttemptSender& sender_;
  engine::HandlerId handler_;
  std::vector<engine::RngStream> backoff_rng_;   // per client group
  std::vector<std::vector<RetryBudget>> budgets_;  // per client group, per request type
  std::vector<std::vector<bool>> idempotent_;      // per client group, per request type
  std::vector<AnswerListener*> listeners_;
};

}  // namespace lbsim::models
