#include "scenarios/format/rate_limit_reader.hpp"

#include "scenarios/format/distribution_reader.hpp"
#include "scenarios/format/units.hpp"

#include <algorithm>
#include <charconv>
#include <vector>

namespace lbsim::scenarios {

namespace {

using Config = models::RateLimitConfig;
using Algorithm = Config::Algorithm;

struct AlgorithmKeys {
  const char* name;
  Algorithm algorithm;
  std::vector<std::string> options;   // beside the keys every limit takes
  std::vector<std::string> required;
};

const std::vector<AlgorithmKeys>& algorithms()
{
  static const std::vector<AlgorithmKeys> table = {
      {"leaky_bucket", Algorithm::leaky_bucket, {"rate", "burst", "delay"}, {"rate"}},
      {"token_bucket", Algorithm::token_bucket, {"rate", "burst", "refill", "fill_interval"}, {"rate", "burst"}},
      {"fixed_window", Algorithm::fixed_window, {"limit", "window"}, {"limit", "window"}},
      {"sliding_window", Algorithm::sliding_window, {"limit", "window", "count_rejected"}, {"limit", "window"}},
      {"quota", Algorithm::quota, {"limit", "period"}, {"limit", "period"}},
      {"concurrency", Algorithm::concurrency, {"limit"}, {"limit"}},
  };
  return table;
}

const std::vector<std::string>& common_keys()
{
  static const std::vector<std::string> keys = {"name", "algorithm", "key", "status", "scope", "store"};
  return keys;
}

std::string example_of(const std::string& key)
{
  if (key == "rate") return "rate: 10/s";
  if (key == "burst") return "burst: 20";
  if (key == "limit") return "limit: 100";
  if (key == "window") return "window: 1 min";
  if (key == "period") return "period: 1 d";
  return {};
}

bool contains(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

// An option this algorithm does not take: say who takes it, and the usual mix-ups.
[[noreturn]] void misplaced(const YamlReader& r, const YAML::Node& node, const std::string& ctx, const std::string& key,
                            const AlgorithmKeys& mine)
{
  std::string users;
  for (const AlgorithmKeys& a : algorithms())
    if (contains(a.options, key)) users += (users.empty() ? "" : " or ") + std::string(a.name);
  std::string message = ctx + "." + key + " applies only to algorithm " + users + ", and this limit's algorithm is " +
                        mine.name + "; remove " + key + " or change the algorithm";
  if (key == "window" && mine.algorithm == Algorithm::quota) message += " (a quota's window is its period)";
  if (key == "period" && contains(mine.options, "window")) message += " (" + std::string(mine.name) + " takes window)";
  if (key == "rate" && contains(mine.options, "limit"))
    message += " (" + std::string(mine.name) + " counts `limit` requests per `window`)";
  r.fail(node, message);
}

std::string trim(const std::string& s)
{
  const size_t first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

// nginx's `rate=`: whole requests per second or per minute, kept as milli-requests per second,
// r/s x 1000 or r/m x 1000 / 60 truncated (30r/m = 500, 1r/m = 16).
int64_t read_nginx_rate(const YamlReader& r, const YAML::Node& node, const std::string& what)
{
  r.rate_per_s(node, what);  // the format, and above zero
  const std::string text = node.Scalar();
  const std::string wrong = what + " of a leaky_bucket is nginx's limit_req rate: a whole number of requests per "
                                   "second or per minute, such as \"10/s\" or \"30/min\"; got \"" + text + "\"";
  const size_t slash = text.find('/');
  std::string number = trim(text.substr(0, slash));
  if (!number.empty() && number.front() == '+') number.erase(0, 1);
  int64_t n = 0;
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), n);
  if (number.empty() || ec != std::errc() || end != number.data() + number.size() || n < 1) r.fail(node, wrong);
  if (n > 1'000'000'000) r.fail(node, what + " must be at most 1000000000 requests per second or minute, got \"" + text + "\"");
  const auto unit = parse_time_ns("1 " + trim(text.substr(slash + 1)));
  if (unit.ok() && *unit.value == 1'000'000'000) return n * 1000;
  if (unit.ok() && *unit.value == 60'000'000'000) return n * 1000 / 60;
  r.fail(node, wrong);
}

}  // namespace

models::RateLimitConfig read_rate_limit(const YamlReader& r, const YAML::Node& node, const std::string& ctx,
                                        const std::string& base_dir)
{
  r.require_map(node, ctx);
  r.require_key(node, "algorithm", ctx, "algorithm: leaky_bucket");
  std::vector<std::string> names;
  for (const AlgorithmKeys& a : algorithms()) names.emplace_back(a.name);
  const std::string algorithm_name = r.one_of(node["algorithm"], ctx + ".algorithm", names);
  const AlgorithmKeys& algorithm = *std::find_if(algorithms().begin(), algorithms().end(),
                                                 [&](const AlgorithmKeys& a) { return algorithm_name == a.name; });

  // Another algorithm's option first (with who takes it), then anything else unknown.
  for (const auto& entry : node) {
    const std::string key = entry.first.Scalar();
    if (contains(common_keys(), key) || contains(algorithm.options, key)) continue;
    for (const AlgorithmKeys& a : algorithms())
      if (contains(a.options, key)) misplaced(r, entry.first, ctx, key, algorithm);
  }
  std::vector<std::string> known = common_keys();
  known.insert(known.end(), algorithm.options.begin(), algorithm.options.end());
  r.check_keys(node, ctx, known);
  r.require_key(node, "name", ctx, "name: per-ip");
  for (const std::string& key : algorithm.required)
    r.require_key(node, key.c_str(), ctx + " (" + algorithm.name + ")", example_of(key));

  Config c;
  c.name = r.string(node["name"], ctx + ".name");
  c.algorithm = algorithm.algorithm;
  if (const YAML::Node key = node["key"]) {
    const std::string k = r.one_of(key, ctx + ".key", {"ip", "api_key", "route", "global"});
    c.key = k == "ip" ? Config::Key::ip : k == "api_key" ? Config::Key::api_key : k == "route" ? Config::Key::route
                                                                                                : Config::Key::global;
  }
  // nginx answers 503 by default (limit_req_status, limit_conn_status); Envoy, Kong and AWS 429.
  const bool nginx = c.algorithm == Algorithm::leaky_bucket || c.algorithm == Algorithm::concurrency;
  c.status = nginx ? 503 : 429;
  if (node["status"]) c.status = static_cast<int>(r.integer(node["status"], ctx + ".status", 400, 599));

  switch (c.algorithm) {
    case Algorithm::leaky_bucket: {
      c.rate_milli = read_nginx_rate(r, node["rate"], ctx + ".rate");
      if (node["burst"]) c.burst = r.integer(node["burst"], ctx + ".burst", 0, 1'000'000'000);
      if (const YAML::Node delay = node["delay"]) {
        const bool digits = delay.IsScalar() && !delay.Scalar().empty() &&
                            delay.Scalar().find_first_not_of("0123456789") == std::string::npos;
        if (delay.IsScalar() && delay.Scalar() == "nodelay") {
          c.nodelay = true;
        } else if (delay.IsScalar() && !digits && delay.Scalar().rfind('-', 0) != 0) {
          r.fail(delay, ctx + ".delay must be a whole number of requests (those past it wait) or nodelay, got \"" +
                            delay.Scalar() + "\"");
        } else {
          c.delay = r.integer(delay, ctx + ".delay", 0, 1'000'000'000);
          if (c.delay > c.burst)
            r.fail(delay, ctx + ".delay (" + std::to_string(c.delay) + ") exceeds burst (" + std::to_string(c.burst) +
                              "): every excess request would pass undelayed; use nodelay");
        }
      }
      break;
    }
    case Algorithm::token_bucket: {
      c.tokens_per_s = r.rate_per_s(node["rate"], ctx + ".rate");
      if (c.tokens_per_s > 1e9) r.fail(node["rate"], ctx + ".rate must be at most 1000000000/s, got \"" + node["rate"].Scalar() + "\"");
      const int64_t burst = r.integer(node["burst"], ctx + ".burst", 0, 1'000'000'000);
      if (burst < 1)
        r.fail(node["burst"], ctx + ".burst is the bucket's size (Envoy's max_tokens, AWS's burst) and must be at least "
                                    "1: a bucket of 0 tokens rejects every request");
      c.max_tokens = static_cast<double>(burst);
      if (node["refill"]) c.interval_refill = r.one_of(node["refill"], ctx + ".refill", {"continuous", "interval"}) == "interval";
      if (c.interval_refill) {
        r.require_key(node, "fill_interval", ctx + " (refill: interval)", "fill_interval: 1 s");
        const int64_t ns = r.time_ns(node["fill_interval"], ctx + ".fill_interval", false);
        if (ns < 50'000'000)
          r.fail(node["fill_interval"], ctx + ".fill_interval is " + format_time(ns) +
                                            "; Envoy requires >= 50 ms for refill: interval");
        c.fill_interval = models::SimTime::from_ns(ns);
      } else if (node["fill_interval"]) {
        r.fail(node["fill_interval"], ctx + ".fill_interval is the timer's period of refill: interval, and this bucket "
                                            "refills continuously (refill: continuous, the default); remove "
                                            "fill_interval or add refill: interval");
      }
      break;
    }
    case Algorithm::fixed_window:
    case Algorithm::sliding_window:
    case Algorithm::quota: {
      c.limit = r.integer(node["limit"], ctx + ".limit", 1, 1'000'000'000'000);
      const char* window = c.algorithm == Algorithm::quota ? "period" : "window";
      c.window = models::SimTime::from_ns(r.time_ns(node[window], ctx + "." + window, false));
      if (node["count_rejected"]) c.count_rejected = r.boolean(node["count_rejected"], ctx + ".count_rejected");
      break;
    }
    case Algorithm::concurrency: c.limit = r.integer(node["limit"], ctx + ".limit", 1, 1'000'000'000); break;
  }

  if (node["scope"]) c.shared = r.one_of(node["scope"], ctx + ".scope", {"instance", "shared"}) == "shared";
  if (const YAML::Node store = node["store"]) {
    const std::string sctx = ctx + ".store";
    if (!c.shared)
      r.fail(store, sctx + " is where a shared limit keeps its counters, and this limit's scope is instance (the "
                           "default); add scope: shared or remove store");
    r.require_map(store, sctx);
    r.check_keys(store, sctx, {"service", "cost"});
    if (store.size() == 0)
      r.fail(store, sctx + " is empty; give the service that keeps the counters and/or the cost of a check, e.g. "
                           "{service: redis, cost: 0.3 ms}");
    if (store["service"]) c.store_service = r.string(store["service"], sctx + ".service");
    if (store["cost"]) c.store_cost = read_time_distribution(store["cost"], sctx + ".cost", r, base_dir);
  }
  return c;
}

}  // namespace lbsim::scenarios
