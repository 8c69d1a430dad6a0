// ClientEnd: where a client's request starts and where its reply ends: the one exit of a request
// sent by a client. It records the outcome (models/metrics/metrics.hpp), lets the autoscaler see
// the latency, recycles the request and tells the run, which may stop (RunControl).
#pragma once

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
  void on_request(RequestId, Request&) override {}  // nothing is ever sent to a client
  [[gnu::flatten]] void on_reply(RequestId id, Request& r) override
  {
    const bool completed = r.ok();
    if (completed) {
      if (lifecycle_.has_autoscaler()) lifecycle_.count_response(r.server, run_.sim.now() - r.sent);
      metrics_.on_completed(r);
    } else if (r.status == kUnavailable) {
      metrics_.on_rejected(r);
    } else {
      metrics_.on_failed(r);
    }
    run_.requests.release(id);
    run_.control.on_request_done(completed);
  }

private:
  RunContext& run_;
  MetricsRecorder& metrics_;
  Lifecycle& lifecycle_;
};

}  // namespace lbsim::models
