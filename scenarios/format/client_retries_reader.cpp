#include "scenarios/format/client_retries_reader.hpp"

namespace lbsim::scenarios {

using models::SimTime;

namespace {

void read_backoff(const YamlReader& r, const YAML::Node& b, const std::string& ctx, models::ClientRetryConfig& out)
{
  using Backoff = models::ClientRetryConfig::Backoff;
  const std::string expected =
      " takes one of none, {constant: 100 ms} or {exponential: {base: 50 ms, cap: 5 s, jitter: full}}";
  if (b.IsScalar()) {
    if (b.Scalar() != "none") r.fail(b, ctx + " \"" + b.Scalar() + "\" is not a backoff;" + expected.substr(1));
    out.backoff = Backoff::none;
    return;
  }
  r.require_map(b, ctx);
  r.check_keys(b, ctx, {"constant", "exponential"});
  if (b.size() != 1) r.fail(b, ctx + expected);
  if (b["constant"]) {
    out.backoff = Backoff::constant;
    out.delay = SimTime::from_ns(r.time_ns(b["constant"], ctx + ".constant", true));
    return;
  }
  const YAML::Node e = b["exponential"];
  const std::string ectx = ctx + ".exponential";
  r.require_map(e, ectx);
  r.check_keys(e, ectx, {"base", "cap", "jitter"});
  r.require_key(e, "base", ectx, "base: 50 ms (the first retry's backoff before jitter)");
  out.backoff = Backoff::exponential;
  out.base = SimTime::from_ns(r.time_ns(e["base"], ectx + ".base", false));
  out.cap = e["cap"] ? SimTime::from_ns(r.time_ns(e["cap"], ectx + ".cap", false)) : out.base * 1000;
  if (out.cap < out.base) r.fail(e["cap"], ectx + ".cap is below base; expected cap >= base");
  if (e["jitter"]) {
    const std::string j = r.one_of(e["jitter"], ectx + ".jitter", {"full", "equal", "none"});
    using Jitter = models::ClientRetryConfig::Jitter;
    out.jitter = j == "full" ? Jitter::full : j == "equal" ? Jitter::equal : Jitter::none;
  }
}

}  // namespace

models::ClientRetryConfig read_client_retries(const YamlReader& r, const YAML::Node& node, const std::string& ctx)
{
  r.require_map(node, ctx);
  r.check_keys(node, ctx, {"max", "backoff", "budget", "non_idempotent"});
  r.require_key(node, "max", ctx, "max: 3 (retries after the first attempt)");
  models::ClientRetryConfig out;
  out.max = static_cast<int>(r.integer(node["max"], ctx + ".max", 0, 100));
  if (node["backoff"]) read_backoff(r, node["backoff"], ctx + ".backoff", out);
  if (const YAML::Node b = node["budget"]) {
    const std::string bctx = ctx + ".budget";
    r.require_map(b, bctx);
    r.check_keys(b, bctx, {"ratio", "min_per_second"});
    r.require_key(b, "ratio", bctx, "ratio: 20% (retries per first attempt over the last 10 s)");
    out.budget_ratio = r.fraction(b["ratio"], bctx + ".ratio");
    if (b["min_per_second"]) out.budget_min_per_second = r.number(b["min_per_second"], bctx + ".min_per_second", 0, 1e9);
  }
  if (node["non_idempotent"]) out.non_idempotent = r.boolean(node["non_idempotent"], ctx + ".non_idempotent");
  return out;
}

}  // namespace lbsim::scenarios
