// auth: the route's credentials check (docs/gateway.md, "Auth"). `jwt` verifies a signature on a
// gateway worker (its `cost`, by default the algorithm's: reference/gateway.md 1.8); `api_key`
// looks the key up in the node's memory (Kong's key-auth with its cache); `introspection` calls an
// auth service (RFC 7662, Envoy's ext_authz) and waits at most `timeout`, its errors denied (403)
// unless on_error: allow. Bad credentials (the client's `credentials.invalid` share, and a
// preflight, which carries none) get 401 after the local check, before any remote call.
// `cache` keeps verified tokens (and introspection results) for its TTL: one token per client
// address, renewed every token_lifetime.
#include "models/gateway/stages/stages.hpp"

#include "engine/rng.hpp"
#include "models/gateway/cache/response_cache.hpp"
#include "models/metrics/run_summary.hpp"

#include <optional>

namespace lbsim::models {

namespace {

constexpr uint32_t kChecked = 1;       // the local check's CPU is spent
constexpr uint32_t kHitChecked = 2;    // a cached token's (cheaper) check is spent
constexpr uint32_t kRemote = 3;        // the introspection call

class AuthStage final : public GatewayStage {
public:
  AuthStage(const GatewayConfig& config, RunContext& run, GatewayApi& api, uint32_t auth_shape)
      : auth_(config.auth), run_(run), api_(api), auth_shape_(auth_shape),
        rng_(run.config.seed, "gateway:" + config.name + ":auth")
  {
    if (auth_.cache) tokens_.emplace(*auth_.cache);
  }
  const char* name() const override { return "auth"; }
  bool applies(const Request&, const GatewayVisit& v) const override
  {
    const RouteConfig& route = api_.route(v);
    if (route.auth == RouteConfig::Auth::none) return false;
    return auth_.kind != AuthConfig::Kind::none;
  }

  void on_request(RequestId id, const Request& r, GatewayVisit& v) override
  {
    v.auth_time = api_.now();  // its start, until it ends
    if (r.measured) ++checks_;
    if (r.preflight) {  // a preflight carries no credentials
      deny(id, r, v, auth_.status_missing);
      return;
    }
    if (tokens_ && tokens_->lookup(token_of(r), api_.now()).status == CacheStatus::hit) {
      if (r.measured) ++cache_hits_;
      spend(id, r, kCacheHitCost, kHitChecked);
      return;
    }
    spend(id, r, auth_.cost ? SimTime::from_seconds(auth_.cost->sample(rng_)) : SimTime::zero(), kChecked);
  }

  void on_resume(RequestId id, const Request& r, GatewayVisit& v, uint32_t token) override
  {
    if (r.bad_credentials) {
      deny(id, r, v, auth_.status_missing);
      return;
    }
    if (token == kHitChecked || auth_.kind != AuthConfig::Kind::introspection) {
      if (token == kChecked && tokens_) tokens_->complete_fill(token_of(r), api_.now(), 0, true);
      pass(id, v);
      return;
    }
    if (r.measured) ++remote_calls_;
    api_.call(id, auth_shape_, auth_.remote_timeout, kRemote);
  }

  void on_call_answer(RequestId id, const Request& r, GatewayVisit& v, int status, uint32_t) override
  {
    if (status == kOk) {
      if (tokens_) tokens_->complete_fill(token_of(r), api_.now(), 0, true);
      pass(id, v);
      return;
    }
    if (auth_.allow_on_error) {
      pass(id, v);
      return;
    }
    deny(id, r, v, auth_.status_denied);
  }

  void on_leave(RequestId, const Request& r, GatewayVisit& v) override
  {
    if (!r.measured || r.preflight) return;
    auth_time_s_ += v.auth_time.seconds();
    response_time_s_ += (api_.now() - r.sent).seconds();
  }

  void reset_measurement(SimTime) override
  {
    checks_ = cache_hits_ = remote_calls_ = failures_ = 0;
    cpu_s_ = auth_time_s_ = response_time_s_ = 0;
  }

  void summarize(GatewaySummary& s, SimTime) const override
  {
    if (auth_.kind == AuthConfig::Kind::none) return;
    AuthSummary a;
    a.checks = checks_;
    a.cache_hits = cache_hits_;
    a.remote_calls = remote_calls_;
    a.failures = failures_;
    a.cpu_s = cpu_s_;
    a.latency_share = response_time_s_ > 0 ? auth_time_s_ / response_time_s_ : 0;
    s.auth = a;
  }

private:
  // A verified-token cache hit: base64url and JSON parsing and a memory lookup (fast-jwt's
  // cached verify, reference/gateway.md 1.8: 1 to 1.8 us).
  static constexpr SimTime kCacheHitCost = engine::nanoseconds(1500);

  // The client's token: one per address, renewed every token_lifetime, each address renewing at
  // its own phase so renewals do not all fall at once.
  uint64_t token_of(const Request& r) const
  {
    const uint64_t address = run_.client_address(r);
    uint64_t epoch = 0;
    if (auth_.token_lifetime > SimTime::zero()) {
      const int64_t lifetime = auth_.token_lifetime.ns();
      const int64_t phase = static_cast<int64_t>((address * 0x9E3779B97F4A7C15ull) % static_cast<uint64_t>(lifetime));
      epoch = static_cast<uint64_t>((api_.now().ns() + phase) / lifetime);
    }
    return (address << 32) ^ (epoch * 0xC2B2AE3D27D4EB4Full) ^ (uint64_t{r.client_group} << 56);
  }

  void spend(RequestId id, const Request& r, SimTime cost, uint32_t token)
  {
    if (r.measured) cpu_s_ += cost.seconds();
    if (cost > SimTime::zero()) api_.work(id, cost, token);
    else on_resume(id, r, api_.visit(id), token);
  }
  void pass(RequestId id, GatewayVisit& v)
  {
    v.auth_time = api_.now() - v.auth_time;
    api_.proceed(id);
  }
  void deny(RequestId id, const Request& r, GatewayVisit& v, int status)
  {
    if (r.measured) ++failures_;
    v.auth_time = api_.now() - v.auth_time;
    api_.answer(id, status, GatewayVisit::kAuthDenied, 0);
  }

  const AuthConfig& auth_;
  RunContext& run_;
  GatewayApi& api_;
  uint32_t auth_shape_;
  engine::RngStream rng_;
  std::optional<ResponseCache> tokens_;  // verified tokens: a TTL cache of keys without bodies
  uint64_t checks_ = 0, cache_hits_ = 0, remote_calls_ = 0, failures_ = 0;
  double cpu_s_ = 0, auth_time_s_ = 0, response_time_s_ = 0;
};

}  // namespace

std::unique_ptr<GatewayStage> make_auth_stage(const GatewayConfig& config, RunContext& run, GatewayApi& api,
                                              uint32_t auth_shape)
{
  return std::make_unique<AuthStage>(config, run, api, auth_shape);
}

}  // namespace lbsim::models
