// cors: the gateway answers a browser's preflight itself (Kong's cors plugin with
// preflight_continue: false, Envoy's CORS filter), spending `cors.processing` on a worker; no
// service sees it. Actual requests pass through untouched. The browser caches the answer for
// max_age (models/clients/preflight_cache.hpp).
#include "models/gateway/stages/stages.hpp"

#include "engine/rng.hpp"
#include "models/metrics/run_summary.hpp"

namespace lbsim::models {

namespace {

class CorsStage final : public GatewayStage {
public:
  CorsStage(const GatewayConfig& config, RunContext& run, GatewayApi& api)
      : config_(config), api_(api), rng_(run.config.seed, "gateway:" + config.name + ":cors")
  {
  }
  const char* name() const override { return "cors"; }
  bool applies(const Request& r, const GatewayVisit&) const override { return r.preflight && config_.cors; }
  void on_request(RequestId id, const Request&, GatewayVisit&) override
  {
    if (const auto& processing = config_.cors->processing) {
      api_.work(id, SimTime::from_seconds(processing->sample(rng_)), 1);
      return;
    }
    api_.answer(id, kOk, 0, 0);
  }
  void on_resume(RequestId id, const Request&, GatewayVisit&, uint32_t) override { api_.answer(id, kOk, 0, 0); }
  void summarize(GatewaySummary& s, SimTime) const override
  {
    if (config_.cors) s.cors = CorsSummary{};  // the gateway counts the preflights
  }

private:
  const GatewayConfig& config_;
  GatewayApi& api_;
  engine::RngStream rng_;
};

}  // namespace

std::unique_ptr<GatewayStage> make_cors_stage(const GatewayConfig& config, RunContext& run, GatewayApi& api)
{
  return std::make_unique<CorsStage>(config, run, api);
}

}  // namespace lbsim::models
