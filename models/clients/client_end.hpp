// ClientEnd: where a client's request starts and where its reply ends: the one exit of a request
// sent by a client. It records the outcome (models/metrics/metrics.hpp), lets the autoscaler see
// the latency, recycles the request and tells the run, which may stop (RunControl). With a
// gateway it is also the browser: a preflight's answer is kept (PreflightCache) and the actual
// request leaves at once, its response time still counted from the preflight's send.
#pragma once

#include "models/clients/client_attempts.hpp"
#include "models/clients/preflight_cache.hpp"
#include "models/clients/users.hpp"
#include "models/gateway/gateway.hpp"
#include "models/metrics/metrics.hpp"
#include "models/requests/run_context.hpp"
#include "models/requests/station.hpp"
#include "models/services/lifecycle.hpp"

namespace lbsim::models {

class ClientEnd final : public Station {
public:
  ClientEnd(RunContext& run, MetricsRecorder& metrics, Lifecycle& lifecycle)
      : run_(run), metrics_(metrics), lifecycle_(lifecycle)
  {
  }
  // With client timeouts or retries: it decides first whether a reply is the user's answer.
  void set_attempts(ClientAttempts* attempts) { attempts_ = attempts; }
  void set_gateway(Gateway* gateway, PreflightCache* preflights)
  {
    gateway_ = gateway;
    preflights_ = preflights;
  }

  // Closed-loop and session groups hear of each of their requests' end (null: an open group).
  void set_answer_listeners(std::vector<AnswerListener*> listeners)
  {
    answer_listeners_ = std::move(listeners);
    has_listeners_ = false;
    for (AnswerListener* l : answer_listeners_) has_listeners_ = has_listeners_ || l;
  }

  // Sends the client's request `id` (its client frame on top) to the gateway.
  void send_to_gateway(RequestId id, Request& r)
  {
    const double bytes = r.preflight ? 0.0 : run_.shapes[r.shape].request_bytes;
    run_.router.forward(id, r, *gateway_, 0, run_.sim.now(), [&] { return Router::Leg{gateway_->node(), bytes}; });
  }

  void on_request(RequestId, Request&) override {}  // nothing is ever sent to a client
  [[gnu::flatten]] void on_reply(RequestId id, Request& r) override
  {
    if (gateway_) {
      if (r.preflight && r.status == kOk) {  // the browser may send the request now
        preflights_->store(r, run_.sim.now());
        r.preflight = false;
        send_to_gateway(id, r);
        return;
      }
      gateway_->on_client_received(id, r);
    }
    if (attempts_ && attempts_->on_reply(id, r)) return;  // a late answer, or a failure retried
    const bool completed = r.ok();
    if (completed) {
      if (lifecycle_.has_autoscaler()) lifecycle_.count_response(r.server, run_.sim.now() - r.sent);
      metrics_.on_completed(r);
    } else if (r.status == kUnavailable && r.cause != kCauseRateLimited && r.cause != kCauseNoRoute &&
               r.cause != kCauseAuthDenied) {
      metrics_.on_rejected(r);
    } else {
      metrics_.on_failed(r);
    }
    if (attempts_) r.sequence = 0;  // its timeout, still pending, finds it answered
    if (has_listeners_) [[unlikely]]
      if (AnswerListener* listener = answer_listeners_[r.client_group]) listener->on_answer(id, r);
    run_.requests.release(id);
    run_.control.on_request_done(completed);
  }

private:
  RunContext& run_;
  MetricsRecorder& metrics_;
  Lifecycle& lifecycle_;
  Gateway* gateway_ = nullptr;
  PreflightCache* preflights_ = nullptr;
  std::vector<AnswerListener*> answer_listeners_;  // per client group
  bool has_listeners_ = false;
  ClientAttempts* attempts_ = nullptr;
};

}  // namespace lbsim::models
