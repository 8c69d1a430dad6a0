// rate_limit: the route's limiters, in list order (docs/gateway.md, "Rate limits"): the first
// rejection answers with its status (flag RL), nginx delays take the longest of them, a
// concurrency limit holds its slot until the answer leaves. A limiter is per gateway replica
// (`scope: instance`) or one for all of them (`scope: shared`), then checked through its store:
// a call to the store service (its answer decides; an error lets the request pass, as Envoy's
// failure_mode_deny: false and Kong's fault_tolerant do) or, without one, a wait of `cost`.
#include "models/gateway/stages/stages.hpp"

#include "engine/rng.hpp"
#include "models/gateway/limiters/rate_limiter.hpp"
#include "models/metrics/run_summary.hpp"

#include <algorithm>

namespace lbsim::models {

namespace {

constexpr uint32_t kDelayOver = 0xffffffu;  // the longest nginx delay is over: go on

class RateLimitStage final : public GatewayStage {
public:
  RateLimitStage(const GatewayConfig& config, RunContext& run, GatewayApi& api, const std::vector<uint32_t>& store)
      : config_(config), run_(run), api_(api), store_(store),
        rng_(run.config.seed, "gateway:" + config.name + ":rate_limits"), stats_(config.rate_limits.size())
  {
    for (const RouteConfig& route : config_.routes) {
      std::vector<uint32_t>& order = orders_.emplace_back();
      if (route.rate_limits) order = *route.rate_limits;
      else
        for (uint32_t i = 0; i < config_.rate_limits.size(); ++i) order.push_back(i);
    }
    for (const RateLimitConfig& limit : config_.rate_limits) {
      auto& per_instance = limiters_.emplace_back();
      const int copies = limit.shared ? 1 : config_.instances;
      for (int i = 0; i < copies; ++i) per_instance.push_back(make_rate_limiter(limit));
    }
  }
  const char* name() const override { return "rate_limit"; }
  bool applies(const Request&, const GatewayVisit& v) const override
  {
    if (config_.rate_limits.empty()) return false;
    const RouteConfig& route = api_.route(v);
    return !route.rate_limits || !route.rate_limits->empty();
  }

  void on_request(RequestId id, const Request& r, GatewayVisit& v) override
  {
    if (held_.size() <= id) held_.resize(std::max<size_t>(run_.requests.capacity(), id + 1), 0);
    held_[id] = 0;
    check_from(id, r, v, 0);
  }

  void on_resume(RequestId id, const Request& r, GatewayVisit& v, uint32_t token) override
  {
    if (token == kDelayOver) {
      api_.proceed(id);
      return;
    }
    decide_and_go_on(id, r, v, token);  // a store's `cost` is over
  }

  void on_call_answer(RequestId id, const Request& r, GatewayVisit& v, int status, uint32_t token) override
  {
    if (status != kOk) {  // the store failed: fail open
      check_from(id, r, v, token + 1);
      return;
    }
    decide_and_go_on(id, r, v, token);
  }

  void on_leave(RequestId id, const Request& r, GatewayVisit& v) override
  {
    if (id >= held_.size() || held_[id] == 0) return;
    const uint32_t held = held_[id];
    held_[id] = 0;
    const auto& order = limits_of(v);
    for (size_t pos = 0; pos < order.size(); ++pos)
      if (held & (1u << pos))
        if (const auto key = key_of(order[pos], r, v)) limiter(order[pos], v).release(*key, api_.now());
  }

  void reset_measurement(SimTime) override
  {
    for (Stats& s : stats_) s = Stats{};
  }

  void summarize(GatewaySummary& s, SimTime) const override
  {
    for (size_t i = 0; i < stats_.size(); ++i) {
      RateLimitSummary& out = s.rate_limits.emplace_back();
      out.name = config_.rate_limits[i].name;
      out.passed = stats_[i].passed;
      out.delayed = stats_[i].delayed;
      out.rejected = stats_[i].rejected;
      out.mean_delay_s = stats_[i].delayed ? stats_[i].delay_s / static_cast<double>(stats_[i].delayed) : 0;
      size_t keys = 0, bytes = 0;
      for (const auto& l : limiters_[i]) keys += l->keys(), bytes += l->memory_bytes();
      out.keys = keys;
      out.memory_bytes = bytes;
    }
  }

private:
  struct Stats {
    uint64_t passed = 0, delayed = 0, rejected = 0;
    double delay_s = 0;
  };

  // The route's limiters in order: its list, or every limiter of the gateway.
  const std::vector<uint32_t>& limits_of(const GatewayVisit& v) const { return orders_[static_cast<size_t>(v.route)]; }
  RateLimiter& limiter(uint32_t limit, const GatewayVisit& v)
  {
    auto& copies = limiters_[limit];
    return *copies[copies.size() == 1 ? 0 : v.instance];
  }
  // The key a limiter counts the request under; a client without an API key is not limited by an
  // api_key limit (nginx does not limit an empty key).
  std::optional<uint64_t> key_of(uint32_t limit, const Request& r, const GatewayVisit& v) const
  {
    switch (config_.rate_limits[limit].key) {
      case RateLimitConfig::Key::ip: return run_.client_address(r);
      case RateLimitConfig::Key::api_key: {
        const uint32_t keys = run_.config.clients[r.client_group].api_keys;
        if (keys == 0) return std::nullopt;
        return (uint64_t{r.client_group} << 32) | (r.client % keys);
      }
      case RateLimitConfig::Key::route: return static_cast<uint64_t>(v.route);
      case RateLimitConfig::Key::global: return 0;
    }
    return 0;
  }

  // Checks the limiters from position `pos` of the route's list; a shared one goes through its
  // store first and comes back to decide_and_go_on.
  void check_from(RequestId id, const Request& r, GatewayVisit& v, uint32_t pos)
  {
    const auto& order = limits_of(v);
    for (; pos < order.size(); ++pos) {
      const uint32_t limit = order[pos];
      const RateLimitConfig& c = config_.rate_limits[limit];
      if (!key_of(limit, r, v)) continue;
      if (c.shared && store_[limit] != UINT32_MAX) {
        const SimTime work = c.store_cost ? SimTime::from_seconds(c.store_cost->sample(rng_)) : SimTime::zero();
        api_.call(id, store_[limit], SimTime::zero(), pos, work);
        return;
      }
      if (c.shared && c.store_cost) {
        api_.wait(id, SimTime::from_seconds(c.store_cost->sample(rng_)), pos);
        return;
      }
      if (!decide(id, r, v, pos, order)) return;
    }
    finish(id, v);
  }

  void decide_and_go_on(RequestId id, const Request& r, GatewayVisit& v, uint32_t pos)
  {
    if (!decide(id, r, v, pos, limits_of(v))) return;
    check_from(id, r, v, pos + 1);
  }

  // One limiter's decision; false when it rejected the request (answered).
  bool decide(RequestId id, const Request& r, GatewayVisit& v, uint32_t pos, const std::vector<uint32_t>& order)
  {
    const uint32_t limit = order[pos];
    const RateLimitConfig& c = config_.rate_limits[limit];
    const LimitDecision d = limiter(limit, v).admit(*key_of(limit, r, v), api_.now());
    Stats& s = stats_[limit];
    switch (d.kind) {
      case LimitDecision::Kind::reject:
        if (r.measured) ++s.rejected;
        v.limiter = c.name.c_str();
        api_.answer(id, c.status, GatewayVisit::kRateLimited, 0);
        return false;
      case LimitDecision::Kind::delay:
        if (r.measured) ++s.delayed, s.delay_s += d.delay.seconds();
        if (d.delay > v.limit_delay) {
          v.limit_delay = d.delay;
          v.limiter = c.name.c_str();
        }
        break;
      case LimitDecision::Kind::pass:
        if (r.measured) ++s.passed;
        break;
    }
    if (c.algorithm == RateLimitConfig::Algorithm::concurrency) held_[id] |= 1u << pos;
    return true;
  }

  void finish(RequestId id, GatewayVisit& v)
  {
    if (v.limit_delay > SimTime::zero()) {
      api_.wait(id, v.limit_delay, kDelayOver);
      return;
    }
    api_.proceed(id);
  }

  const GatewayConfig& config_;
  RunContext& run_;
  GatewayApi& api_;
  std::vector<uint32_t> store_;
  engine::RngStream rng_;
  std::vector<std::vector<std::unique_ptr<RateLimiter>>> limiters_;  // per limit: per replica, or one shared
  std::vector<Stats> stats_;
  std::vector<std::vector<uint32_t>> orders_;  // per route: its limiters in order
  std::vector<uint32_t> held_;  // per request id: the route positions whose concurrency slot it holds
};

}  // namespace

std::unique_ptr<GatewayStage> make_rate_limit_stage(const GatewayConfig& config, RunContext& run, GatewayApi& api,
                                                    const std::vector<uint32_t>& store_shapes)
{
  return std::make_unique<RateLimitStage>(config, run, api, store_shapes);
}

}  // namespace lbsim::models
